package io.github.vlmlens.core.analysis;

import io.github.vlmlens.core.API;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Everything a swap experiment found: the config, the per-layer statistics of every swap set, the
 * modality merging point, and every sample's raw values (excluded samples included, with the
 * reason). Immutable, and serialisable with Jackson as it stands.
 *
 * @param model the model's name
 * @param numLayers the model's number of decoder blocks {@code N}
 * @param layers the layers swept (resolved from the config)
 * @param imageTokenDefinition what the "all image tokens" set swapped on this model (the text
 *     stream's image positions, or a cross-attention model's states); {@code null} reads as
 *     {@link ImageTokenDefinition#TEXT_STREAM_POSITIONS}
 * @param config the config the results come from
 * @param configHash a hash of the config, the model's name and the layers swept (checked on
 *     resume)
 * @param sampleCount the number of samples run
 * @param excludedCount how many of them were excluded for a small denominator
 * @param accuracyX the fraction of samples whose ground truth beats the other answer on {@code x}
 * @param accuracyY the fraction of samples whose other answer beats the ground truth on {@code y}
 * @param curves per swap set, in config order, the statistics of the shift by layer
 * @param mergingPoint the modality merging point, or {@code null} when there is none (see
 *     {@code mergingVerdict})
 * @param mergingVerdict one sentence: where the merging point is and on what evidence, or why
 *     there is none
 * @param warnings what makes these numbers weak (most samples excluded, little probability on the
 *     answer words); empty when nothing does
 * @param samples every sample, in input order
 * @param provenance versions, model (weights fingerprint, dtype, device), configuration, seeds,
 *     times; {@code null} only for results built by hand
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1.0")
public record SwapResult(
    String model,
    int numLayers,
    List<Integer> layers,
    ImageTokenDefinition imageTokenDefinition,
    SwapConfig config,
    String configHash,
    int sampleCount,
    int excludedCount,
    double accuracyX,
    double accuracyY,
    List<Curve> curves,
    MergingPoint mergingPoint,
    String mergingVerdict,
    List<String> warnings,
    List<Sample> samples,
    Provenance provenance) {

  /** Copies the lists; a config without layers (every layer) is given the layers swept. */
  public SwapResult {
    Objects.requireNonNull(model, "model");
    Objects.requireNonNull(config, "config");
    layers = List.copyOf(layers);
    imageTokenDefinition =
        imageTokenDefinition == null ? ImageTokenDefinition.TEXT_STREAM_POSITIONS : imageTokenDefinition;
    if (config.layers().isEmpty()) { // a result names its layers (files of 0.1.0 said "all" by [])
      config = config.toBuilder().layers(layers.stream().mapToInt(Integer::intValue).toArray()).build();
    }
    curves = List.copyOf(curves);
    samples = List.copyOf(samples);
    warnings = warnings == null ? List.of() : List.copyOf(warnings);
    mergingVerdict = mergingVerdict == null ? "" : mergingVerdict;
  }

  /**
   * The curve of one swap set.
   *
   * @throws IllegalArgumentException when the set was not swept
   */
  public Curve curve(SwapSet set) {
    for (Curve c : curves) {
      if (c.swapSet() == set) {
        return c;
      }
    }
    throw new IllegalArgumentException(set + " was not swept; the sets are " + config.swapSets());
  }

  /** The merging point, when there is one. */
  public Optional<MergingPoint> merging() {
    return Optional.ofNullable(mergingPoint);
  }

  /**
   * One sample's raw values. Log-probabilities are natural logs at the last position.
   *
   * @param id the sample's id
   * @param gtAnswer the ground-truth answer word on {@code x}
   * @param otherAnswer the other answer word
   * @param objectWords the object words
   * @param fingerprint a hash of the sample's inputs and words (checked on resume)
   * @param logProbXGt {@code log P_x(GT)}
   * @param logProbXOther {@code log P_x(other)}
   * @param logProbYGt {@code log P_y(GT)}
   * @param logProbYOther {@code log P_y(other)}
   * @param denominator the formula's denominator for the ground truth word
   * @param excluded whether {@code |denominator|} fell below the threshold (then no patched run
   *     was made and {@code readouts} is empty)
   * @param exclusionReason why it was excluded, or {@code null}
   * @param objectPositions the positions of the object words' last sub-tokens in {@code x}
   * @param controlPositions the control set's positions in {@code x} (empty when not swept)
   * @param readouts per swap set, the patched runs' values by layer
   */
  @API(status = API.Status.EXPERIMENTAL, since = "0.1.0")
  public record Sample(
      String id,
      String gtAnswer,
      String otherAnswer,
      List<String> objectWords,
      String fingerprint,
      double logProbXGt,
      double logProbXOther,
      double logProbYGt,
      double logProbYOther,
      double denominator,
      boolean excluded,
      String exclusionReason,
      List<Integer> objectPositions,
      List<Integer> controlPositions,
      Map<SwapSet, List<Readout>> readouts) {

    /** Copies the collections, keeping the swap sets' order. */
    public Sample {
      Objects.requireNonNull(id, "id");
      objectWords = List.copyOf(objectWords);
      objectPositions = List.copyOf(objectPositions);
      controlPositions = List.copyOf(controlPositions);
      Map<SwapSet, List<Readout>> m = new LinkedHashMap<>();
      readouts.forEach((k, v) -> m.put(k, List.copyOf(v)));
      readouts = Collections.unmodifiableMap(m);
    }
  }

  /**
   * One patched run: {@code x} with {@code y}'s {@code lm.layer.resid_post} at a swap set.
   *
   * @param layer the layer patched
   * @param logProbGt {@code log P_x~(GT)}
   * @param logProbOther {@code log P_x~(other)}
   * @param shift the belief shift of the ground-truth word (the value the statistics use)
   * @param otherWordShift the same formula applied to the other answer word, or {@code null} when
   *     that word's denominator is below the threshold
   */
  @API(status = API.Status.EXPERIMENTAL, since = "0.1.0")
  public record Readout(
      int layer, double logProbGt, double logProbOther, double shift, Double otherWordShift) {}

  /**
   * The shift statistics of one swap set by layer.
   *
   * @param swapSet the swap set
   * @param stats one entry per layer swept, ascending
   */
  @API(status = API.Status.EXPERIMENTAL, since = "0.1.0")
  public record Curve(SwapSet swapSet, List<LayerStats> stats) {
    /** Copies the list. */
    public Curve {
      Objects.requireNonNull(swapSet, "swapSet");
      stats = List.copyOf(stats);
    }

    /**
     * The statistics at one layer.
     *
     * @throws IllegalArgumentException when the layer was not swept
     */
    public LayerStats at(int layer) {
      for (LayerStats s : stats) {
        if (s.layer() == layer) {
          return s;
        }
      }
      throw new IllegalArgumentException("layer " + layer + " was not swept for " + swapSet);
    }
  }

  /**
   * Statistics of the shift at one layer over the kept samples. All are NaN when {@code n == 0};
   * {@code sd} is 0 when {@code n == 1}.
   *
   * @param layer the layer
   * @param n the number of kept samples
   * @param mean their mean shift
   * @param sd their standard deviation (with {@code n - 1})
   * @param lower the lower end of the percentile bootstrap interval of the mean
   * @param upper its upper end
   */
  @API(status = API.Status.EXPERIMENTAL, since = "0.1.0")
  public record LayerStats(int layer, int n, double mean, double sd, double lower, double upper) {}

  /**
   * The modality merging point: the layers where swapping the object words alone carries the
   * belief, beyond what swapping as many other text tokens does. Rule: only layers where the
   * percentile bootstrap interval of the paired difference (object-word shift minus control shift,
   * per kept sample) lies above 0 qualify, and only with at least the config's
   * {@code minKeptSamples} kept samples; among them take the layer where the mean object-word shift
   * peaks (the first on ties); the range is the longest run of consecutive swept layers around it
   * that qualify and whose mean shift is at least {@code fraction} times the peak.
   *
   * @param fromLayer the first layer of the range
   * @param toLayer the last layer of the range
   * @param peakLayer the layer of the peak
   * @param peakShift the mean object-word shift there
   * @param fraction the fraction of the peak that bounds the range
   * @param rule the rule, in words
   * @param kept the number of kept samples
   * @param peakDifference the mean paired difference (object words minus control) at the peak
   * @param differenceLower the lower end of its bootstrap interval (above 0)
   * @param differenceUpper its upper end
   */
  @API(status = API.Status.EXPERIMENTAL, since = "0.1.0")
  public record MergingPoint(
      int fromLayer,
      int toLayer,
      int peakLayer,
      double peakShift,
      double fraction,
      String rule,
      int kept,
      double peakDifference,
      double differenceLower,
      double differenceUpper) {}
}
