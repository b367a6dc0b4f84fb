package io.github.vlmlens.examples.cli;

import io.github.vlmlens.core.HookedVlm;
import io.github.vlmlens.temporal.ids.TemporalIdResult;
import io.github.vlmlens.temporal.report.TemporalReport;
import io.github.vlmlens.temporal.steer.TemporalSteerConfig;
import io.github.vlmlens.temporal.steer.TemporalSteerResult;
import io.github.vlmlens.temporal.steer.TemporalSteering;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** Steers the model's temporal belief with temporal IDs. */
@Command(
    name = "temporal-steer",
    mixinStandardHelpOptions = true,
    description = {
      "Steer both object words of \"Does the X appear before or after the Y?\" to their",
      "mirrored frames with the temporal IDs extracted by temporal-ids, and report the %% of",
      "beliefs flipped by layer against a same-norm noise control. The videos take the IDs'",
      "frame count and size. Needs a video-capable checkpoint (--model PATH). Writes",
      "result.json and report.html to --out; resumable.",
      "With --videos: steers the object words of user videos (sampled at the IDs' frame count)",
      "against the model's own belief: the word it places first to the last frame's ID, the",
      "other to the first frame's; judged by log-probabilities; writes result.json."
    })
final class TemporalSteerCommand implements Callable<Integer> {
  @Mixin ModelOptions modelOptions = new ModelOptions();
  @Mixin ForeignIdsOption foreignIds = new ForeignIdsOption();
  @Mixin RealVideoOptions realVideos = new RealVideoOptions();
  @Spec CommandSpec spec;

  @Option(names = "--ids", required = true, description = "The result.json written by temporal-ids.")
  Path ids;

  @Option(names = "--out", required = true, description = "Output directory (not the IDs' directory).")
  Path out;

  @Option(names = "--layers", description = "Layers to steer, e.g. 1-4 (default: every layer the IDs hold).")
  String layers;

  @Option(names = "--samples", defaultValue = "50", description = "Number of videos (default ${DEFAULT-VALUE}).")
  int samples;

  @Option(names = "--pairs-from", defaultValue = "all", description = "Object pairs to draw from: all, train or held-out (default ${DEFAULT-VALUE}).")
  String pairsFrom;

  @Option(names = "--alpha", description = "Add alpha x the ID difference (absolute scaling) instead of the norm-relative default.")
  Double alpha;

  @Option(names = "--k", defaultValue = "5", description = "Norm-relative scaling: the added vector's norm is k x the activation's (default ${DEFAULT-VALUE}, the authors').")
  double k;

  @Option(names = "--noise-draws", defaultValue = "1", description = "Same-norm random directions per steered run (default ${DEFAULT-VALUE}).")
  int noiseDraws;

  @Option(names = "--seed", defaultValue = "0", description = "Seed of the videos, the noise control and the bootstrap (default ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--batch", defaultValue = "16", description = "Runs per forward batch (default ${DEFAULT-VALUE}).")
  int batch;

  @Option(names = "--no-progress", description = "Hide the progress bar.")
  boolean noProgress;

  @Override
  public Integer call() {
    if (realVideos.given()) {
      return RealVideoOptions.steer(this, spec.commandLine());
    }
    realVideos.entries(spec.commandLine());
    TemporalIdResult temporalIds = loadIds();
    TemporalSteerConfig.Builder cfg = config(temporalIds);
    try (HookedVlm vlm = modelOptions.loadVideo(spec.commandLine())) {
      TemporalSteerResult r = run(vlm, temporalIds, cfg);
      System.out.println(r.summary());
      System.out.println("report: " + out.resolve(TemporalReport.HTML_FILE).toAbsolutePath());
    }
    return 0;
  }

  TemporalIdResult loadIds() {
    if (!Files.isRegularFile(ids)) {
      throw new ParameterException(spec.commandLine(), "--ids: no such file: " + ids);
    }
    Path written = out.resolve(TemporalReport.JSON_FILE).toAbsolutePath().normalize();
    if (written.equals(ids.toAbsolutePath().normalize())) {
      throw new ParameterException(
          spec.commandLine(), "--out: " + out + " holds the IDs, which the steering result would overwrite; pick another directory");
    }
    try {
      return TemporalIdResult.read(ids);
    } catch (UncheckedIOException e) {
      throw new ParameterException(
          spec.commandLine(), "--ids: " + ids + " is not a result written by temporal-ids (" + e.getMessage() + ")", e);
    }
  }

  /** Everything but the layers, checked before a model is loaded. */
  TemporalSteerConfig.Builder config(TemporalIdResult temporalIds) {
    if (samples < 1) {
      throw new ParameterException(spec.commandLine(), "--samples must be at least 1, got " + samples);
    }
    if (noiseDraws < 1) {
      throw new ParameterException(spec.commandLine(), "--noise-draws must be at least 1, got " + noiseDraws);
    }
    if (batch < 1) {
      throw new ParameterException(spec.commandLine(), "--batch must be at least 1, got " + batch);
    }
    TemporalSteerConfig.Builder b =
        TemporalSteerConfig.builder()
            .video(temporalIds.config().video())
            .samples(samples)
            .seed(seed)
            .part(VideoOptions.part(pairsFrom, spec.commandLine()))
            .noiseDraws(noiseDraws);
    if (alpha != null) {
      b.absolute(alpha);
    } else {
      b.normRelative(k);
    }
    VideoOptions.checked(spec.commandLine(), alpha != null ? "--alpha" : "--k", b::build);
    return b;
  }

  TemporalSteerResult run(HookedVlm vlm, TemporalIdResult temporalIds, TemporalSteerConfig.Builder cfg) {
    if (layers != null) {
      cfg.layers(LayerList.parse(layers, vlm.numLayers(), spec.commandLine()));
    }
    TemporalSteering steering =
        VideoOptions.checked(spec.commandLine(), "--ids", () -> TemporalSteering.of(vlm, temporalIds, cfg.build(), foreignIds.allowForeignIds));
    TemporalSteerResult r = steering.withBatchSize(batch).withProgressBar(!noProgress).run(out);
    TemporalReport.writeAll(r, out);
    return r;
  }
}
