package io.github.vlmlens.examples.cli;

import io.github.vlmlens.core.HookedVlm;
import io.github.vlmlens.temporal.ids.TemporalIdConfig;
import io.github.vlmlens.temporal.ids.TemporalIdExtraction;
import io.github.vlmlens.temporal.ids.TemporalIdResult;
import io.github.vlmlens.temporal.report.TemporalReport;
import io.github.vlmlens.temporal.video.ObjectPairSplit;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** Extracts temporal IDs from synthetic videos (METHOD.md section 6). */
@Command(
    name = "temporal-ids",
    mixinStandardHelpOptions = true,
    description = {
      "Extract temporal IDs: the subject word's activation at every layer while the subject",
      "flashes at every frame and the anchor at each other frame, centred per pair and anchor",
      "frame and averaged into one ID per frame; the time axis and its linearity (in-sample R^2,",
      "and cross-validated R^2 over folds of pairs with a permutation p-value; --baseline",
      "random-init adds the untrained model). Needs a video-capable checkpoint (--model PATH).",
      "Writes result.json",
      "(the IDs temporal-steer reads) and report.html to --out; resumable."
    })
final class TemporalIdsCommand implements Callable<Integer> {
  @Mixin ModelOptions modelOptions = new ModelOptions();
  @Mixin VideoOptions videoOptions = new VideoOptions();
  @Mixin BaselineOptions baselineOptions = new BaselineOptions();
  @Spec CommandSpec spec;

  @Option(names = "--out", required = true, description = "Output directory.")
  Path out;

  @Option(names = "--layers", description = "Layers, e.g. 0-6 or 2,4 (default: all).")
  String layers;

  @Option(names = "--pairs", defaultValue = "6", description = "Ordered object pairs drawn from every pair (default ${DEFAULT-VALUE}).")
  int pairs;

  @Option(names = "--positions", defaultValue = "2", description = "Seeded positions of the subject per frame and anchor frame (default ${DEFAULT-VALUE}).")
  int positions;

  @Option(names = "--shuffles", defaultValue = "10", description = "Shuffles of the frame labels in the baseline (default ${DEFAULT-VALUE}).")
  int shuffles;

  @Option(names = "--seed", defaultValue = "0", description = "Seed of the pairs, the positions and the shuffled baseline (default ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--batch", defaultValue = "16", description = "Runs per forward batch (default ${DEFAULT-VALUE}).")
  int batch;

  @Option(names = "--no-progress", description = "Hide the progress bar.")
  boolean noProgress;

  @Override
  public Integer call() {
    TemporalIdConfig.Builder cfg = config();
    try (HookedVlm vlm = modelOptions.loadVideo(spec.commandLine())) {
      TemporalIdResult r = baselineOptions.withBaseline(run(vlm, cfg, out), out,
          s -> modelOptions.loadRandomInit(spec.commandLine(), true, s), (m, dir) -> run(m, cfg, dir),
          TemporalIdResult::withRandomInitBaseline, TemporalReport::writeAll);
      System.out.println(r.summary());
      System.out.println("IDs: " + out.resolve(TemporalReport.JSON_FILE).toAbsolutePath());
      System.out.println("report: " + out.resolve(TemporalReport.HTML_FILE).toAbsolutePath());
    }
    return 0;
  }

  /** Everything but the layers, checked before a model is loaded. */
  TemporalIdConfig.Builder config() {
    if (batch < 1) {
      throw new ParameterException(spec.commandLine(), "--batch must be at least 1, got " + batch);
    }
    int available = ObjectPairSplit.allPairs().size();
    if (pairs < 1 || pairs > available) {
      throw new ParameterException(
          spec.commandLine(), "--pairs must lie in 1.." + available + ", got " + pairs);
    }
    if (positions < 1) {
      throw new ParameterException(spec.commandLine(), "--positions must be at least 1, got " + positions);
    }
    if (shuffles < 1) {
      throw new ParameterException(spec.commandLine(), "--shuffles must be at least 1, got " + shuffles);
    }
    baselineOptions.check(spec.commandLine());
    return TemporalIdConfig.builder()
        .permutations(baselineOptions.permutations)
        .video(videoOptions.spec(spec.commandLine()))
        .pairs(TemporalIdConfig.drawPairs(ObjectPairSplit.allPairs(), pairs, seed))
        .positionsPerFrame(positions)
        .shuffles(shuffles)
        .seed(seed);
  }

  TemporalIdResult run(HookedVlm vlm, TemporalIdConfig.Builder cfg, Path dir) {
    if (layers != null) {
      cfg.layers(LayerList.parse(layers, vlm.numLayers(), spec.commandLine()));
    }
    TemporalIdResult r = TemporalIdExtraction.of(vlm, cfg.build())
        .withBatchSize(batch)
        .withProgressBar(!noProgress)
        .run(dir);
    TemporalReport.writeAll(r, dir);
    return r;
  }
}
