package io.github.vlmlens.spatial.real;

import io.github.vlmlens.core.API;
import io.github.vlmlens.core.analysis.Provenance;
import java.util.List;

/**
 * Bounding-box sensitivity (figure 8B): per sample,
 * {@code sens = (P(GT) - P(GT | blur o)) - (P(GT) - min_r P(GT | blur r))}; correct vs wrong
 * samples compared with a Mann-Whitney U test.
 *
 * @param model the model
 * @param samples the number of samples
 * @param accuracy the fraction answered correctly
 * @param meanCorrect the mean sensitivity of correct samples (NaN when none)
 * @param meanWrong the mean sensitivity of wrong samples (NaN when none)
 * @param correctVsWrong the test, correct vs wrong ({@code null} when a group is empty)
 * @param wrongAboveZero the Wilcoxon signed-rank test of the wrong samples' sensitivity against 0
 *     (two-sided p; {@code null} with fewer than 5 wrong samples)
 * @param reading the paper's reading where the tests support it, else why not
 * @param warnings what limits the reading
 * @param records every sample's record
 * @param provenance where the result came from
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1.0")
public record SensitivityResult(
    String model, int samples, double accuracy, double meanCorrect, double meanWrong, MannWhitney correctVsWrong,
    Double wrongAboveZero, List<String> reading, List<String> warnings, List<Sample> records, Provenance provenance) {

  /**
   * One sample (journaled).
   *
   * @param id the sample id
   * @param relation the true relation
   * @param pGt P(GT) on the image
   * @param pOther P(the other answer) on the image
   * @param pGtBlurObject P(GT) with the subject's box blurred
   * @param pGtBlurRandom P(GT) with each random box blurred
   * @param randomBoxes the random boxes
   * @param sensitivity the sensitivity
   * @param fingerprint the inputs' fingerprint
   */
  public record Sample(
      String id, Relation relation, double pGt, double pOther, double pGtBlurObject, List<Double> pGtBlurRandom,
      List<ObjectBox> randomBoxes, double sensitivity, String fingerprint) {
    /** Copies the lists. */
    public Sample {
      pGtBlurRandom = List.copyOf(pGtBlurRandom);
      randomBoxes = List.copyOf(randomBoxes);
    }

    /** Whether the model prefers the true answer. */
    public boolean correct() {
      return pGt > pOther;
    }
  }

  /** Copies the lists. */
  public SensitivityResult {
    reading = List.copyOf(reading);
    warnings = List.copyOf(warnings);
    records = List.copyOf(records);
  }
}
