package io.github.vlmlens.examples.cli;

import io.github.vlmlens.core.HookedVlm;
import io.github.vlmlens.core.analysis.ShiftFormula;
import io.github.vlmlens.core.analysis.SwapConfig;
import io.github.vlmlens.core.analysis.SwapExperiment;
import io.github.vlmlens.core.analysis.SwapResult;
import io.github.vlmlens.core.analysis.SwapSample;
import io.github.vlmlens.core.report.SwapReport;
import io.github.vlmlens.examples.tiny.TinyVlmRecipe;
import io.github.vlmlens.spatial.scene.GridSpec;
import io.github.vlmlens.spatial.scene.ObjectLibrary;
import io.github.vlmlens.spatial.scene.Placement;
import io.github.vlmlens.spatial.scene.QuestionAxis;
import io.github.vlmlens.spatial.scene.SceneSampler;
import io.github.vlmlens.spatial.scene.SceneSplit;
import io.github.vlmlens.spatial.swap.SpatialSwapSamples;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * The mirror-swap experiment (METHOD.md section 1): belief shift by layer for each swap set, and
 * the modality merging point; with {@code --attribute}, the colour-swap control.
 */
@Command(
    name = "mirror-swap",
    mixinStandardHelpOptions = true,
    description = {
      "Belief shift by layer when activations are swapped with the mirrored scene's.",
      "Swap sets: object words, all text, all image tokens, and a text control; reports the",
      "modality merging point. Writes result.json, report.html and a summary to --out; an",
      "interrupted run started again with the same options resumes."
    })
final class MirrorSwapCommand implements Callable<Integer> {
  @Mixin ModelOptions modelOptions = new ModelOptions();
  @Spec CommandSpec spec;

  @Option(names = "--samples", defaultValue = "100", description = "Number of scenes (default ${DEFAULT-VALUE}).")
  int samples;

  @Option(names = "--out", required = true, description = "Output directory.")
  Path out;

  @Option(names = "--axis", defaultValue = "horizontal", description = "horizontal (left/right) or vertical (above/below) (default ${DEFAULT-VALUE}).")
  String axis;

  @Option(names = "--attribute", description = "Run the attribute-swap control instead: hue-rotated objects, colour questions.")
  boolean attribute;

  @Option(names = "--layers", description = "Layers to sweep, e.g. 0-6 or 2,4,6 (default: all, 0..N).")
  String layers;

  @Option(names = "--formula", defaultValue = "probability", description = "probability (the paper's) or log-probability (the authors' scripts) (default ${DEFAULT-VALUE}).")
  String formula;

  @Option(names = "--threshold", defaultValue = "0.05", description = "Exclude samples with |P_x(GT) - P_y(GT)| below this (default ${DEFAULT-VALUE}).")
  double threshold;

  @Option(names = "--seed", defaultValue = "1", description = "Seed of the scenes, the control tokens and the bootstrap (default ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--batch", defaultValue = "16", description = "Runs per forward batch (default ${DEFAULT-VALUE}).")
  int batch;

  @Option(names = "--no-progress", description = "Hide the progress bar.")
  boolean noProgress;

  @Override
  public Integer call() {
    try (HookedVlm vlm = modelOptions.load(spec.commandLine())) {
      SwapResult r = run(vlm);
      System.out.println(SwapReport.writeAll(r, out));
      System.out.println("report: " + out.resolve(SwapReport.HTML_FILE).toAbsolutePath());
    }
    return 0;
  }

  SwapResult run(HookedVlm vlm) {
    QuestionAxis qa = attribute ? QuestionAxis.COLOR : Axes.spatial(axis, spec.commandLine());
    List<SwapSample> list = samples(vlm, qa);
    SwapConfig.Builder cfg =
        SpatialSwapSamples.configFor(qa).threshold(threshold).seed(seed).formula(parseFormula());
    if (layers != null) {
      cfg.layers(LayerList.parse(layers, vlm.numLayers(), spec.commandLine()));
    }
    return SwapExperiment.of(vlm, cfg.build())
        .withBatchSize(batch)
        .withProgressBar(!noProgress)
        .run(list, out);
  }

  /**
   * Scenes the model never saw in training (for the tiny model: held-out object pairs), in their
   * original and counterfactual forms.
   */
  List<SwapSample> samples(HookedVlm vlm, QuestionAxis qa) {
    if (samples < 1) {
      throw new ParameterException(spec.commandLine(), "--samples must be at least 1");
    }
    boolean tiny = modelOptions.isTiny();
    GridSpec grid = tiny ? TinyVlmRecipe.grid() : GridSpec.paper();
    ObjectLibrary lib = ObjectLibrary.builtIn();
    SceneSplit split = SceneSplit.of(lib, grid, TinyVlmRecipe.SPLIT_SEED);
    SceneSampler sampler = split.sampler(SceneSplit.Part.HELD_OUT_PAIRS).withRandomColors(true);
    List<Placement> placements = sampler.sample(seed, samples, qa);
    SpatialSwapSamples builder =
        SpatialSwapSamples.of(vlm.promptFormat())
            .withAnswerForm(
                AnswerSpelling.capitalised(vlm, answerWords(qa), spec.commandLine())
                    ? SpatialSwapSamples.capitalised()
                    : SpatialSwapSamples.asIs());
    return qa == QuestionAxis.COLOR ? builder.attributes(placements, seed) : builder.mirrors(placements, qa);
  }

  private static List<String> answerWords(QuestionAxis qa) {
    switch (qa) {
      case HORIZONTAL:
        return List.of("left", "right");
      case VERTICAL:
        return List.of("above", "below");
      default:
        List<String> colours = new java.util.ArrayList<>();
        for (io.github.vlmlens.spatial.scene.PaletteColor c : io.github.vlmlens.spatial.scene.PaletteColor.values()) {
          colours.add(c.word());
        }
        return colours;
    }
  }

  private ShiftFormula parseFormula() {
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
