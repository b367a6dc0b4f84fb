package io.github.vlmlens.spatial.real;

import io.github.vlmlens.core.API;
import io.github.vlmlens.core.analysis.Provenance;
import java.util.List;

/**
 * The ID deviation margin (figure 8A) by layer: {@code margin = eps_ext - eps_gt} per sample,
 * compared between correctly and wrongly answered samples with a Mann-Whitney U test.
 *
 * @param model the model
 * @param samples the number of samples
 * @param accuracy the fraction answered correctly
 * @param layers one entry per layer
 * @param claims what the tests support, each with its test, statistic, p-value and n
 * @param warnings what limits the reading
 * @param readouts every sample's readout
 * @param provenance where the result came from
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1.0")
public record IdMarginResult(
    String model, int samples, double accuracy, List<Layer> layers, List<String> claims, List<String> warnings,
    List<IdReadout> readouts, Provenance provenance) {

  /**
   * One layer.
   *
   * @param layer the layer
   * @param meanMarginCorrect the mean margin of correctly answered samples (NaN when none)
   * @param meanMarginWrong the mean margin of wrongly answered samples (NaN when none)
   * @param meanAlignedCorrect the mean aligned margin ({@code sign(eps_gt) * margin}: positive when
   *     the extracted gap overshoots in the true direction) of correct samples
   * @param meanAlignedWrong the same for wrong samples
   * @param margin the test of margins, correct vs wrong ({@code null} when a group is empty)
   * @param aligned the test of aligned margins, correct vs wrong ({@code null} when a group is empty)
   * @param readoutAccuracy the fraction of samples whose extracted gap has the true sign
   */
  public record Layer(
      int layer, double meanMarginCorrect, double meanMarginWrong, double meanAlignedCorrect, double meanAlignedWrong,
      MannWhitney margin, MannWhitney aligned, double readoutAccuracy) {}

  /** Copies the lists. */
  public IdMarginResult {
    layers = List.copyOf(layers);
    claims = List.copyOf(claims);
    warnings = List.copyOf(warnings);
    readouts = List.copyOf(readouts);
  }
}
