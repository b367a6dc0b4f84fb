package io.github.vlmlens.examples.cli;

import io.github.vlmlens.core.HookedVlm;
import io.github.vlmlens.temporal.grid.GridConfig;
import io.github.vlmlens.temporal.grid.GridResult;
import io.github.vlmlens.temporal.grid.SpatiotemporalGrid;
import io.github.vlmlens.temporal.ids.TemporalIdConfig;
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

/** The spatiotemporal ID grid: spatial and temporal axes of one word's activation. */
@Command(
    name = "spatiotemporal-grid",
    mixinStandardHelpOptions = true,
    description = {
      "Spatiotemporal IDs: the subject word's activation while the subject appears in every",
      "column and at every frame; spatial axis from columns, temporal axis from frames, the",
      "cosine between them and the grid projected onto their plane, by layer, with each axis's",
      "cross-validated R^2 and permutation p-value (--baseline random-init adds the untrained",
      "model). Needs a",
      "video-capable checkpoint (--model PATH). Writes result.json and report.html to --out;",
      "resumable."
    })
final class SpatiotemporalGridCommand implements Callable<Integer> {
  @Mixin ModelOptions modelOptions = new ModelOptions();
  @Mixin VideoOptions videoOptions = new VideoOptions();
  @Mixin BaselineOptions baselineOptions = new BaselineOptions();
  @Spec CommandSpec spec;

  @Option(names = "--out", required = true, description = "Output directory.")
  Path out;

  @Option(names = "--layers", description = "Layers, e.g. 0-6 or 2,4 (default: all).")
  String layers;

  @Option(names = "--columns", defaultValue = "4", description = "Columns the subject's horizontal position takes (default ${DEFAULT-VALUE}).")
  int columns;

  @Option(names = "--pairs", defaultValue = "4", description = "Ordered object pairs drawn from every pair (default ${DEFAULT-VALUE}).")
  int pairs;

  @Option(names = "--repeats", defaultValue = "1", description = "Seeded vertical positions per column and frame (default ${DEFAULT-VALUE}).")
  int repeats;

  @Option(names = "--shuffles", defaultValue = "10", description = "Shuffles of the cell labels in the baseline (default ${DEFAULT-VALUE}).")
  int shuffles;

  @Option(names = "--seed", defaultValue = "0", description = "Seed of the pairs, the positions and the shuffled baseline (default ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--batch", defaultValue = "16", description = "Runs per forward batch (default ${DEFAULT-VALUE}).")
  int batch;

  @Option(names = "--no-progress", description = "Hide the progress bar.")
  boolean noProgress;

  @Override
  public Integer call() {
    GridConfig.Builder cfg = config();
    try (HookedVlm vlm = modelOptions.loadVideo(spec.commandLine())) {
      GridResult r = baselineOptions.withBaseline(run(vlm, cfg, out), out,
          s -> modelOptions.loadRandomInit(spec.commandLine(), true, s), (m, dir) -> run(m, cfg, dir),
          GridResult::withRandomInitBaseline, TemporalReport::writeAll);
      System.out.println(r.summary());
      System.out.println("report: " + out.resolve(TemporalReport.HTML_FILE).toAbsolutePath());
    }
    return 0;
  }

  /** Everything but the layers, checked before a model is loaded. */
  GridConfig.Builder config() {
    if (batch < 1) {
      throw new ParameterException(spec.commandLine(), "--batch must be at least 1, got " + batch);
    }
    int available = ObjectPairSplit.allPairs().size();
    if (pairs < 1 || pairs > available) {
      throw new ParameterException(
          spec.commandLine(), "--pairs must lie in 1.." + available + ", got " + pairs);
    }
    if (repeats < 1) {
      throw new ParameterException(spec.commandLine(), "--repeats must be at least 1, got " + repeats);
    }
    if (shuffles < 1) {
      throw new ParameterException(spec.commandLine(), "--shuffles must be at least 1, got " + shuffles);
    }
    baselineOptions.check(spec.commandLine());
    GridConfig.Builder b =
        GridConfig.builder()
            .video(videoOptions.spec(spec.commandLine()))
            .columns(columns)
            .pairs(TemporalIdConfig.drawPairs(ObjectPairSplit.allPairs(), pairs, seed))
            .repeats(repeats)
            .shuffles(shuffles)
            .permutations(baselineOptions.permutations)
            .seed(seed);
    VideoOptions.checked(spec.commandLine(), "--columns", b::build);
    return b;
  }

  GridResult run(HookedVlm vlm, GridConfig.Builder cfg, Path dir) {
    if (layers != null) {
      cfg.layers(LayerList.parse(layers, vlm.numLayers(), spec.commandLine()));
    }
    GridResult r = SpatiotemporalGrid.of(vlm, cfg.build())
        .withBatchSize(batch)
        .withProgressBar(!noProgress)
        .run(dir);
    TemporalReport.writeAll(r, dir);
    return r;
  }
}
