package io.github.vlmlens.examples.cli;

import io.github.vlmlens.core.HookedVlm;
import io.github.vlmlens.spatial.ids.SpatialIds;
import io.github.vlmlens.spatial.scene.QuestionAxis;
import io.github.vlmlens.spatial.steer.AnswerForm;
import io.github.vlmlens.spatial.steer.SteerConfig;
import io.github.vlmlens.spatial.steer.Steering;
import io.github.vlmlens.spatial.steer.SteeringMode;
import io.github.vlmlens.spatial.steer.SteeringReport;
import io.github.vlmlens.spatial.steer.SteeringResult;
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

/** Steers the model's belief with spatial IDs (METHOD.md section 3). */
@Command(
    name = "steer",
    mixinStandardHelpOptions = true,
    description = {
      "Steer object-word activations with spatial IDs extracted by extract-ids.",
      "Modes: adversarial (%% beliefs flipped vs a same-norm noise control), arbitrary (belief",
      "heat map over target cells), cross-axis, oracle (accuracy with ground-truth IDs).",
      "Writes result.json and report.html to --out; resumable."
    })
final class SteerCommand implements Callable<Integer> {
  @Mixin ModelOptions modelOptions = new ModelOptions();
  @Mixin ForeignIdsOption foreignIds = new ForeignIdsOption();
  @Spec CommandSpec spec;

  @Option(names = "--ids", required = true, description = "The ids.vlids file written by extract-ids.")
  Path ids;

  @Option(names = "--mode", defaultValue = "adversarial", description = "adversarial, arbitrary, cross-axis or oracle (default ${DEFAULT-VALUE}).")
  String mode;

  @Option(names = "--out", required = true, description = "Output directory.")
  Path out;

  @Option(names = "--layers", description = "Layers to steer, e.g. 1-4 (default: every layer the IDs hold).")
  String layers;

  @Option(names = "--samples", defaultValue = "32", description = "Scenes per axis (default ${DEFAULT-VALUE}).")
  int samples;

  @Option(names = "--alpha", description = "Add alpha x the ID difference (absolute scaling) instead of the norm-relative default.")
  Double alpha;

  @Option(names = "--k", defaultValue = "5", description = "Norm-relative scaling: the added vector's norm is k x the activation's (default ${DEFAULT-VALUE}, the authors').")
  double k;

  @Option(names = "--seed", defaultValue = "0", description = "Seed of the scenes, the noise control and the bootstrap (default ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--no-progress", description = "Hide the progress bar.")
  boolean noProgress;

  @Option(
      names = "--judge-by-generation",
      paramLabel = "TOKENS",
      defaultValue = "0",
      description = "Also judge each scene by the answer the model generates (greedy, TOKENS tokens, the steering left on), as the paper does; 0 (default): log-probabilities only.")
  int judgeTokens;

  @Override
  public Integer call() {
    try (HookedVlm vlm = modelOptions.load(spec.commandLine())) {
      SteeringResult r = run(vlm, loadIds());
      System.out.println(r.summary());
      System.out.println("report: " + out.resolve(SteeringReport.HTML_FILE).toAbsolutePath());
    }
    return 0;
  }

  SpatialIds loadIds() {
    return SpatialIds.load(ids);
  }

  SteeringResult run(HookedVlm vlm, SpatialIds spatialIds) {
    SteerConfig.Builder b =
        SteerConfig.builder()
            .samplesPerAxis(samples)
            .seed(seed)
            .answerForm(
                AnswerSpelling.capitalised(
                        vlm, List.of("left", "right", "above", "below"), spec.commandLine())
                    ? AnswerForm.CAPITALISED
                    : AnswerForm.AS_IS)
            .axes(QuestionAxis.HORIZONTAL, QuestionAxis.VERTICAL)
            .judgeByGeneration(judgeTokens);
    if (alpha != null) {
      b.absolute(alpha);
    } else {
      b.normRelative(k);
    }
    if (layers != null) {
      b.layers(LayerList.parse(layers, vlm.numLayers(), spec.commandLine()));
    }
    return Steering.of(vlm, spatialIds, b.build(), foreignIds.allowForeignIds).withProgressBar(!noProgress).run(parseMode(), out);
  }

  private SteeringMode parseMode() {
    switch (mode.toLowerCase(Locale.ROOT)) {
      case "adversarial":
        return SteeringMode.ADVERSARIAL;
      case "arbitrary":
        return SteeringMode.ARBITRARY;
      case "cross-axis":
        return SteeringMode.CROSS_AXIS;
      case "oracle":
        return SteeringMode.ORACLE;
      default:
        throw new ParameterException(
            spec.commandLine(), "--mode must be adversarial, arbitrary, cross-axis or oracle, got " + mode);
    }
  }
}
