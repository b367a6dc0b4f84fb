package io.github.vlmlens.examples.cli;

import io.github.vlmlens.core.HookedVlm;
import io.github.vlmlens.core.analysis.ShiftFormula;
import io.github.vlmlens.core.analysis.SwapConfig;
import io.github.vlmlens.core.analysis.SwapResult;
import io.github.vlmlens.core.report.SwapReport;
import io.github.vlmlens.temporal.swap.TemporalSwap;
import io.github.vlmlens.temporal.swap.TemporalSwapConfig;
import io.github.vlmlens.temporal.video.TemporalQuestion;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * The temporal mirror swap (METHOD.md section 6): belief shift by layer when activations are
 * swapped with those of the same video played backwards.
 */
@Command(
    name = "temporal-swap",
    mixinStandardHelpOptions = true,
    description = {
      "Belief shift by layer when activations are swapped with the reversed video's.",
      "Questions: \"Does the X appear before or after the Y?\" (objects) or the scene-order",
      "question (scenes). Swap sets: object words, all text, all image tokens, a text control;",
      "reports the modality merging point. Needs a video-capable checkpoint (--model PATH).",
      "Writes result.json, report.html and a summary to --out; resumable.",
      "With --videos: the same on user videos (the counterfactual: their frames reversed)."
    })
final class TemporalSwapCommand implements Callable<Integer> {
  @Mixin ModelOptions modelOptions = new ModelOptions();
  @Mixin VideoOptions videoOptions = new VideoOptions();
  @Mixin RealVideoOptions realVideos = new RealVideoOptions();
  @Spec CommandSpec spec;

  @Option(names = "--out", required = true, description = "Output directory.")
  Path out;

  @Option(names = "--kind", defaultValue = "objects", description = "objects (object order) or scenes (scene order) (default ${DEFAULT-VALUE}).")
  String kind;

  @Option(names = "--samples", defaultValue = "100", description = "Number of videos (default ${DEFAULT-VALUE}).")
  int samples;

  @Option(names = "--pairs-from", defaultValue = "all", description = "Object pairs to draw from: all, train or held-out (default ${DEFAULT-VALUE}).")
  String pairsFrom;

  @Option(names = "--layers", description = "Layers to sweep, e.g. 0-6 or 2,4,6 (default: all, 0..N).")
  String layers;

  @Option(names = "--formula", defaultValue = "probability", description = "probability (the paper's) or log-probability (the authors' scripts) (default ${DEFAULT-VALUE}).")
  String formula;

  @Option(names = "--threshold", defaultValue = "0.05", description = "Exclude samples with |P_x(GT) - P_y(GT)| below this (default ${DEFAULT-VALUE}).")
  double threshold;

  @Option(names = "--seed", defaultValue = "0", description = "Seed of the videos, the control tokens and the bootstrap (default ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--batch", defaultValue = "16", description = "Runs per forward batch (default ${DEFAULT-VALUE}).")
  int batch;

  @Option(names = "--no-progress", description = "Hide the progress bar.")
  boolean noProgress;

  @Override
  public Integer call() {
    if (realVideos.given()) {
      return RealVideoOptions.swap(this, spec.commandLine());
    }
    realVideos.entries(spec.commandLine());
    TemporalSwapConfig.Builder cfg = config();
    try (HookedVlm vlm = modelOptions.loadVideo(spec.commandLine())) {
      SwapResult r = run(vlm, cfg);
      System.out.println(TemporalSwap.summary(r));
      System.out.println("report: " + out.resolve(SwapReport.HTML_FILE).toAbsolutePath());
    }
    return 0;
  }

  /** Everything but the layers, checked before a model is loaded. */
  TemporalSwapConfig.Builder config() {
    if (samples < 1) {
      throw new ParameterException(spec.commandLine(), "--samples must be at least 1, got " + samples);
    }
    if (batch < 1) {
      throw new ParameterException(spec.commandLine(), "--batch must be at least 1, got " + batch);
    }
    TemporalQuestion.Kind k = parseKind();
    SwapConfig.Builder swap = TemporalSwapConfig.swapConfigFor(k).seed(seed).formula(parseFormula());
    VideoOptions.checked(spec.commandLine(), "--threshold", () -> swap.threshold(threshold).build());
    return TemporalSwapConfig.builder()
        .kind(k)
        .video(videoOptions.spec(spec.commandLine()))
        .samples(samples)
        .seed(seed)
        .part(VideoOptions.part(pairsFrom, spec.commandLine()))
        .swap(swap.build());
  }

  SwapResult run(HookedVlm vlm, TemporalSwapConfig.Builder cfg) {
    if (layers != null) {
      TemporalSwapConfig base = cfg.build();
      cfg.swap(base.swap().toBuilder().layers(LayerList.parse(layers, vlm.numLayers(), spec.commandLine())).build());
    }
    SwapResult r = TemporalSwap.of(vlm, cfg.build())
        .withBatchSize(batch)
        .withProgressBar(!noProgress)
        .run(out);
    SwapReport.writeAll(r, out);
    return r;
  }

  private TemporalQuestion.Kind parseKind() {
    switch (kind.toLowerCase(Locale.ROOT)) {
      case "objects":
        return TemporalQuestion.Kind.OBJECT_ORDER;
      case "scenes":
        return TemporalQuestion.Kind.SCENE_ORDER;
      default:
        throw new ParameterException(spec.commandLine(), "--kind must be objects or scenes, got " + kind);
    }
  }

  ShiftFormula parseFormula() {
    switch (formula.toLowerCase(Locale.ROOT)) {
      case "probability":
        return ShiftFormula.PROBABILITY;
      case "log-probability":
        return ShiftFormula.LOG_PROBABILITY;
      default:
        throw new ParameterException(
            spec.commandLine(), "--formula must be probability or log-probability, got " + formula);
    }
  }
}
