package io.github.vlmlens.spatial.real;

import io.github.vlmlens.core.API;
import io.github.vlmlens.core.analysis.Estimate;
import io.github.vlmlens.core.analysis.Provenance;
import java.util.List;

/**
 * Steering on real images with IDs from synthetic scenes (figures 2 and 6B) and, by layer, the
 * ID readout accuracy against steerability (figure 9).
 *
 * <p>A belief is swapped when the sign of {@code log P(first) - log P(second)} flips; by
 * generation, when the greedy answer's first word changes from the unsteered answer to the other
 * answer word.
 *
 * @param model the model
 * @param idsModel the model the IDs were extracted from
 * @param samples the number of samples
 * @param accuracy the unsteered accuracy
 * @param layers one entry per layer
 * @param readoutVsSteerability Spearman's correlation across layers of the ID readout accuracy
 *     with the steerability (swapped with IDs minus swapped with noise)
 * @param readoutVsSteerabilityP its one-sided permutation p-value
 * @param generationNote why generation was not judged, or empty
 * @param claims what the tests support
 * @param warnings what limits the reading
 * @param records every sample's record
 * @param provenance where the result came from
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1.0")
public record RealSteeringResult(
    String model, String idsModel, int samples, double accuracy, List<Layer> layers, double readoutVsSteerability,
    double readoutVsSteerabilityP, String generationNote, List<String> claims, List<String> warnings,
    List<Sample> records, Provenance provenance) {

  /**
   * One layer.
   *
   * @param layer the layer
   * @param swappedIds the rate of beliefs swapped with the IDs
   * @param swappedNoise the rate swapped with same-norm noise
   * @param generatedSwappedIds the rate of generated answers swapped with the IDs (NaN when not judged)
   * @param generatedSwappedNoise the same with noise
   * @param readoutAccuracy the fraction whose extracted ID gap has the true sign
   */
  public record Layer(
      int layer, Estimate swappedIds, Estimate swappedNoise, double generatedSwappedIds, double generatedSwappedNoise,
      double readoutAccuracy) {}

  /**
   * One sample (journaled).
   *
   * @param id the sample id
   * @param relation the true relation
   * @param first the answer offered first, as read
   * @param second the answer offered second
   * @param belief {@code log P(first) - log P(second)} unsteered
   * @param generated the unsteered generated text, or empty
   * @param fingerprint the inputs' fingerprint
   * @param layers the per-layer readouts
   */
  public record Sample(
      String id, Relation relation, String first, String second, double belief, String generated, String fingerprint,
      List<LayerRecord> layers) {
    /** Copies the list. */
    public Sample {
      layers = List.copyOf(layers);
    }

    /** Whether the unsteered model prefers the true answer. */
    public boolean correct() {
      return relation.isFirst() ? belief > 0 : belief < 0;
    }
  }

  /**
   * One sample at one layer.
   *
   * @param layer the layer
   * @param beliefIds the belief steered with the IDs
   * @param beliefNoise the belief steered with noise
   * @param generatedIds the text generated steered with the IDs (empty when not judged)
   * @param generatedNoise the text generated steered with noise
   * @param extractedGap the extracted ID gap {@code i_ext(o) - i_ext(o~)} along the question's axis
   */
  public record LayerRecord(
      int layer, double beliefIds, double beliefNoise, String generatedIds, String generatedNoise, double extractedGap) {}

  /** Copies the lists. */
  public RealSteeringResult {
    layers = List.copyOf(layers);
    claims = List.copyOf(claims);
    warnings = List.copyOf(warnings);
    records = List.copyOf(records);
  }
}
