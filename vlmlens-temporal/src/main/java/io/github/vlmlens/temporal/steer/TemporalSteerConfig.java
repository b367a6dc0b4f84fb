package io.github.vlmlens.temporal.steer;

import io.github.vlmlens.core.API;
import io.github.vlmlens.core.analysis.SwapConfig;
import io.github.vlmlens.temporal.video.AnswerForm;
import io.github.vlmlens.temporal.video.ObjectPairSplit;
import io.github.vlmlens.temporal.video.VideoSpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * The settings of a temporal steering experiment (immutable; build with {@link #builder()}).
 *
 * @param video the videos' shape (must match the IDs' frames)
 * @param samples how many object videos to draw
 * @param seed the seed of the videos and of the noise directions
 * @param part which object pairs to draw from
 * @param splitSeed the seed of the pair split
 * @param layers the layers to steer at, ascending; empty means every layer the IDs hold
 * @param scaling how the steering vector is scaled
 * @param alpha for {@link Scaling#ABSOLUTE} the factor {@code alpha}; for
 *     {@link Scaling#NORM_RELATIVE} the ratio {@code k} of the added vector's norm to the word's
 *     activation norm
 * @param noiseDraws how many random directions of the same norm each steered run is compared with
 * @param answerForm the answer words' form, or {@code null} to pick it from the model
 * @param bootstrapResamples the bootstrap resamples of the flip rates' intervals
 * @param confidence the intervals' coverage
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1.0")
public record TemporalSteerConfig(
    VideoSpec video,
    int samples,
    long seed,
    ObjectPairSplit.Part part,
    long splitSeed,
    List<Integer> layers,
    Scaling scaling,
    double alpha,
    int noiseDraws,
    AnswerForm answerForm,
    int bootstrapResamples,
    double confidence) {

  /** The authors' norm ratio for norm-relative steering. */
  public static final double DEFAULT_NORM_RATIO = 5.0;

  /** How a steering vector {@code v = TID(f') - TID(f)} is scaled before it is added. */
  @API(status = API.Status.EXPERIMENTAL, since = "0.1.0")
  public enum Scaling {
    /** Add {@code alpha * v}. */
    ABSOLUTE,
    /**
     * Add {@code v} rescaled to norm {@code alpha * ||h_L(t)||}, the word's activation norm in the
     * unsteered run (the authors used {@code alpha = 5}).
     */
    NORM_RELATIVE
  }

  /**
   * Checks the settings.
   *
   * @throws IllegalArgumentException naming the setting that is out of range
   */
  public TemporalSteerConfig {
    Objects.requireNonNull(video, "video");
    Objects.requireNonNull(part, "part");
    Objects.requireNonNull(scaling, "scaling");
    layers = List.copyOf(layers);
    if (samples < 1) {
      throw new IllegalArgumentException("samples must be >= 1, got " + samples);
    }
    for (int i = 0; i < layers.size(); i++) {
      if (layers.get(i) < 0 || (i > 0 && layers.get(i) <= layers.get(i - 1))) {
        throw new IllegalArgumentException("layers must be >= 0 and ascending without repeats, got " + layers);
      }
    }
    if (!Double.isFinite(alpha)) {
      throw new IllegalArgumentException("alpha must be finite, got " + alpha);
    }
    if (noiseDraws < 1) {
      throw new IllegalArgumentException("noiseDraws must be >= 1, got " + noiseDraws);
    }
    if (bootstrapResamples < 1) {
      throw new IllegalArgumentException("bootstrapResamples must be >= 1, got " + bootstrapResamples);
    }
    if (!(confidence > 0 && confidence < 1)) {
      throw new IllegalArgumentException("confidence must lie in (0, 1), got " + confidence);
    }
  }

  /** These settings steering {@code l} (an explicit list where the config said "every layer"). */
  public TemporalSteerConfig withLayers(List<Integer> l) {
    return new TemporalSteerConfig(video, samples, seed, part, splitSeed, l, scaling, alpha, noiseDraws, answerForm,
        bootstrapResamples, confidence);
  }

  /** A builder with the defaults: 50 videos, absolute scaling with {@code alpha = 1}. */
  public static Builder builder() {
    return new Builder();
  }

  /** Builds a {@link TemporalSteerConfig}. */
  @API(status = API.Status.EXPERIMENTAL, since = "0.1.0")
  public static final class Builder {
    private VideoSpec video = VideoSpec.tiny();
    private int samples = 50;
    private long seed = 0;
    private ObjectPairSplit.Part part = ObjectPairSplit.Part.ALL;
    private long splitSeed = 2026L;
    private List<Integer> layers = new ArrayList<>();
    private Scaling scaling = Scaling.ABSOLUTE;
    private double alpha = 1.0;
    private int noiseDraws = 1;
    private AnswerForm answerForm;
    private int bootstrapResamples = SwapConfig.DEFAULT_RESAMPLES;
    private double confidence = SwapConfig.DEFAULT_CONFIDENCE;

    private Builder() {}

    /** The videos' shape (default {@link VideoSpec#tiny()}). */
    public Builder video(VideoSpec v) {
      this.video = Objects.requireNonNull(v, "video");
      return this;
    }

    /** How many videos (default 50). */
    public Builder samples(int n) {
      this.samples = n;
      return this;
    }

    /** The seed (default 0). */
    public Builder seed(long s) {
      this.seed = s;
      return this;
    }

    /** Which object pairs (default all). */
    public Builder part(ObjectPairSplit.Part p) {
      this.part = Objects.requireNonNull(p, "part");
      return this;
    }

    /** The seed of the pair split (default 2026). */
    public Builder splitSeed(long s) {
      this.splitSeed = s;
      return this;
    }

    /** The layers, in any order (default: every layer of the IDs). */
    public Builder layers(int... l) {
      int[] s = l.clone();
      Arrays.sort(s);
      this.layers = Arrays.stream(s).boxed().toList();
      return this;
    }

    /** Absolute steering: add {@code alpha * (TID(f') - TID(f))} (the default, alpha 1). */
    public Builder absolute(double a) {
      this.scaling = Scaling.ABSOLUTE;
      this.alpha = a;
      return this;
    }

    /** Norm-relative steering: the added vector's norm is {@code k} times the activation's. */
    public Builder normRelative(double k) {
      this.scaling = Scaling.NORM_RELATIVE;
      this.alpha = k;
      return this;
    }

    /** Noise directions per steered run (default 1). */
    public Builder noiseDraws(int n) {
      this.noiseDraws = n;
      return this;
    }

    /** The answer form; {@code null} (default) picks it from the model. */
    public Builder answerForm(AnswerForm f) {
      this.answerForm = f;
      return this;
    }

    /** Bootstrap resamples (default 2000). */
    public Builder bootstrapResamples(int n) {
      this.bootstrapResamples = n;
      return this;
    }

    /** Interval coverage (default 0.95). */
    public Builder confidence(double c) {
      this.confidence = c;
      return this;
    }

    /** The config. */
    public TemporalSteerConfig build() {
      return new TemporalSteerConfig(video, samples, seed, part, splitSeed, layers, scaling, alpha, noiseDraws,
          answerForm, bootstrapResamples, confidence);
    }
  }
}
