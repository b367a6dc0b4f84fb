package io.github.vlmlens.core.analysis;

import io.github.vlmlens.core.API;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * The settings of a swap experiment that determine its results (immutable; build with
 * {@link #builder()}). Execution settings that do not change results (batch size, progress bar,
 * listener) live on {@link SwapExperiment}.
 *
 * @param name a label for reports, for example {@code "mirror swap"}
 * @param layers the layers {@code L} patched at {@code lm.L.resid_post} (0 = embeddings, L = block
 *     L's output), ascending; empty means every layer {@code 0..N} of the model
 * @param swapSets the swap sets, in report order
 * @param formula how the belief shift is measured
 * @param threshold samples whose {@code |denominator|} is below this are excluded
 * @param bootstrapResamples the number of bootstrap resamples per layer and swap set
 * @param confidence the bootstrap interval's coverage, in (0, 1)
 * @param seed the seed of the bootstrap and of the control's token choice
 * @param mergingFraction the merging-point rule's fraction of the peak object-word shift, in
 *     (0, 1]
 * @param minKeptSamples the fewest kept samples on which a merging point may be declared (at
 *     least 2)
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1.0")
public record SwapConfig(
    String name,
    List<Integer> layers,
    List<SwapSet> swapSets,
    ShiftFormula formula,
    double threshold,
    int bootstrapResamples,
    double confidence,
    long seed,
    double mergingFraction,
    int minKeptSamples) {

  /** The default denominator threshold. */
  public static final double DEFAULT_THRESHOLD = 0.05;
  /** The default number of bootstrap resamples. */
  public static final int DEFAULT_RESAMPLES = 2000;
  /** The default interval coverage. */
  public static final double DEFAULT_CONFIDENCE = 0.95;
  /** The default fraction of the peak that bounds the merging-point range. */
  public static final double DEFAULT_MERGING_FRACTION = 0.9;
  /** The default fewest kept samples for a merging point. */
  public static final int DEFAULT_MIN_KEPT_SAMPLES = 10;

  /**
   * Checks and copies the settings.
   *
   * @throws IllegalArgumentException naming the setting that is out of range
   */
  public SwapConfig {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(formula, "formula");
    layers = List.copyOf(Objects.requireNonNull(layers, "layers"));
    swapSets = List.copyOf(Objects.requireNonNull(swapSets, "swapSets"));
    for (int i = 0; i < layers.size(); i++) {
      if (layers.get(i) < 0) {
        throw new IllegalArgumentException("layer " + layers.get(i) + " is negative; layers run 0..N");
      }
      if (i > 0 && layers.get(i) <= layers.get(i - 1)) {
        throw new IllegalArgumentException(
            "layers must be ascending without repeats, got " + layers);
      }
    }
    if (swapSets.isEmpty()) {
      throw new IllegalArgumentException("at least one swap set is needed");
    }
    if (new HashSet<>(swapSets).size() != swapSets.size()) {
      throw new IllegalArgumentException("swap set given twice: " + swapSets);
    }
    if (!(threshold >= 0) || Double.isInfinite(threshold)) {
      throw new IllegalArgumentException("threshold must be finite and >= 0, got " + threshold);
    }
    if (bootstrapResamples < 1) {
      throw new IllegalArgumentException("bootstrapResamples must be >= 1, got " + bootstrapResamples);
    }
    if (!(confidence > 0 && confidence < 1)) {
      throw new IllegalArgumentException("confidence must lie in (0, 1), got " + confidence);
    }
    if (!(mergingFraction > 0 && mergingFraction <= 1)) {
      throw new IllegalArgumentException("mergingFraction must lie in (0, 1], got " + mergingFraction);
    }
    if (minKeptSamples < 2) {
      throw new IllegalArgumentException("minKeptSamples must be >= 2, got " + minKeptSamples);
    }
  }

  /** A builder with the defaults: every layer, all four swap sets, the paper's formula. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder holding this config's settings. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.name = name;
    b.layers = new ArrayList<>(layers);
    b.swapSets = new ArrayList<>(swapSets);
    b.formula = formula;
    b.threshold = threshold;
    b.bootstrapResamples = bootstrapResamples;
    b.confidence = confidence;
    b.seed = seed;
    b.mergingFraction = mergingFraction;
    b.minKeptSamples = minKeptSamples;
    return b;
  }

  /** Builds a {@link SwapConfig}. */
  @API(status = API.Status.EXPERIMENTAL, since = "0.1.0")
  public static final class Builder {
    private String name = "swap";
    private List<Integer> layers = new ArrayList<>();
    private List<SwapSet> swapSets = new ArrayList<>(EnumSet.allOf(SwapSet.class));
    private ShiftFormula formula = ShiftFormula.PROBABILITY;
    private double threshold = DEFAULT_THRESHOLD;
    private int bootstrapResamples = DEFAULT_RESAMPLES;
    private double confidence = DEFAULT_CONFIDENCE;
    private long seed = 0L;
    private double mergingFraction = DEFAULT_MERGING_FRACTION;
    private int minKeptSamples = DEFAULT_MIN_KEPT_SAMPLES;

    private Builder() {}

    /** A label for reports (default {@code "swap"}). */
    public Builder name(String name) {
      this.name = Objects.requireNonNull(name, "name");
      return this;
    }

    /** The layers to patch, in any order (sorted; repeats are an error). */
    public Builder layers(int... layers) {
      int[] sorted = layers.clone();
      Arrays.sort(sorted);
      this.layers = new ArrayList<>();
      for (int l : sorted) {
        this.layers.add(l);
      }
      return this;
    }

    /** Layers {@code from..to}, both inclusive. */
    public Builder layerRange(int from, int to) {
      if (to < from) {
        throw new IllegalArgumentException("empty layer range " + from + ".." + to);
      }
      this.layers = new ArrayList<>();
      for (int l = from; l <= to; l++) {
        this.layers.add(l);
      }
      return this;
    }

    /** Every layer {@code 0..N} of the model the experiment runs on (the default). */
    public Builder allLayers() {
      this.layers = new ArrayList<>();
      return this;
    }

    /** The swap sets, in report order (default: all four, in {@link SwapSet} order). */
    public Builder swapSets(SwapSet... sets) {
      this.swapSets = new ArrayList<>(Arrays.asList(sets));
      return this;
    }

    /** The shift formula (default {@link ShiftFormula#PROBABILITY}, the paper's). */
    public Builder formula(ShiftFormula formula) {
      this.formula = Objects.requireNonNull(formula, "formula");
      return this;
    }

    /** The denominator threshold under which a sample is excluded (default 0.05). */
    public Builder threshold(double threshold) {
      this.threshold = threshold;
      return this;
    }

    /** The number of bootstrap resamples (default 2000). */
    public Builder bootstrapResamples(int resamples) {
      this.bootstrapResamples = resamples;
      return this;
    }

    /** The interval coverage (default 0.95). */
    public Builder confidence(double confidence) {
      this.confidence = confidence;
      return this;
    }

    /** The seed of the bootstrap and of the control token choice (default 0). */
    public Builder seed(long seed) {
      this.seed = seed;
      return this;
    }

    /** The merging-point rule's fraction of the peak (default 0.9). */
    public Builder mergingFraction(double fraction) {
      this.mergingFraction = fraction;
      return this;
    }

    /** The fewest kept samples on which a merging point may be declared (default 10, at least 2). */
    public Builder minKeptSamples(int n) {
      this.minKeptSamples = n;
      return this;
    }

    /**
     * The config.
     *
     * @throws IllegalArgumentException naming the setting that is out of range
     */
    public SwapConfig build() {
      Set<Integer> seen = new HashSet<>(layers);
      if (seen.size() != layers.size()) {
        throw new IllegalArgumentException("layer given twice in " + layers);
      }
      return new SwapConfig(
          name, layers, swapSets, formula, threshold, bootstrapResamples, confidence, seed,
          mergingFraction, minKeptSamples);
    }
  }
}
