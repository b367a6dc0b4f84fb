package io.github.vlmlens.spatial.real;

import io.github.vlmlens.core.API;
import io.github.vlmlens.core.analysis.Provenance;
import java.util.List;

/**
 * Depth read through the vertical IDs (figure 7): for front/behind questions, the extracted
 * vertical gap {@code i_ext(o) - i_ext(o~)} along {@code v_L} of "front" samples against
 * "behind" samples, beside the same test on the boxes' vertical gap (do front objects simply sit
 * lower in the image?) and the model's front/behind accuracy.
 *
 * @param model the model
 * @param samples the number of samples
 * @param front the number of samples whose subject is in front
 * @param accuracy the front/behind accuracy, or NaN when the answer words are not single tokens
 * @param accuracyNote why the accuracy is missing, or empty
 * @param boxGap the test of the boxes' vertical centre gap ({@code cy(o) - cy(o~)}),
 *     front vs behind ({@code null} without both groups)
 * @param layers one entry per layer
 * @param diagnosis what the tests support, each with its test, statistic, p-value and n
 * @param warnings what limits the reading
 * @param readouts every sample's readout
 * @param provenance where the result came from
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1.0")
public record DepthResult(
    String model, int samples, int front, double accuracy, String accuracyNote, MannWhitney boxGap,
    List<Layer> layers, List<String> diagnosis, List<String> warnings, List<IdReadout> readouts,
    Provenance provenance) {

  /**
   * One layer.
   *
   * @param layer the layer
   * @param meanGapFront the mean extracted vertical gap of "front" samples
   * @param meanGapBehind the mean extracted vertical gap of "behind" samples
   * @param verticalGap the test of extracted vertical gaps, front vs behind
   * @param horizontalGap the same along {@code h_L} (a control)
   */
  public record Layer(
      int layer, double meanGapFront, double meanGapBehind, MannWhitney verticalGap, MannWhitney horizontalGap) {}

  /** Copies the lists. */
  public DepthResult {
    layers = List.copyOf(layers);
    diagnosis = List.copyOf(diagnosis);
    warnings = List.copyOf(warnings);
    readouts = List.copyOf(readouts);
  }
}
