package io.github.vlmlens.temporal.swap;

import io.github.vlmlens.core.API;
import io.github.vlmlens.core.analysis.SwapConfig;
import io.github.vlmlens.core.analysis.SwapSet;
import io.github.vlmlens.temporal.video.AnswerForm;
import io.github.vlmlens.temporal.video.ObjectPairSplit;
import io.github.vlmlens.temporal.video.TemporalQuestion;
import io.github.vlmlens.temporal.video.VideoSpec;
import java.util.Locale;
import java.util.Objects;

/**
 * The settings of a temporal mirror swap (immutable; build with {@link #builder()}).
 *
 * @param kind object-order or scene-order questions
 * @param video the videos' shape
 * @param samples how many videos to draw
 * @param seed the seed the videos are drawn with ({@link io.github.vlmlens.temporal.video.VideoSampler})
 * @param part which object pairs to draw from (object questions only)
 * @param splitSeed the seed of the pair split
 * @param answerForm the answer words' form, or {@code null} to pick it from the model (capitalised
 *     when "Before" is one token of it, else lowercase)
 * @param swap the swap experiment's settings (layers, swap sets, formula, threshold, bootstrap)
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1.0")
public record TemporalSwapConfig(
    TemporalQuestion.Kind kind,
    VideoSpec video,
    int samples,
    long seed,
    ObjectPairSplit.Part part,
    long splitSeed,
    AnswerForm answerForm,
    SwapConfig swap) {

  /** The default split seed (the tiny model's). */
  public static final long DEFAULT_SPLIT_SEED = 2026L;

  /**
   * Checks the settings.
   *
   * @throws IllegalArgumentException for fewer than one sample
   */
  public TemporalSwapConfig {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(video, "video");
    Objects.requireNonNull(part, "part");
    Objects.requireNonNull(swap, "swap");
    if (samples < 1) {
      throw new IllegalArgumentException("samples must be >= 1, got " + samples);
    }
  }

  /** A builder with the defaults: 100 object-order videos of 8 frames of 32 px, all pairs. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * A swap config named for the question kind ({@code "temporal mirror swap (objects)"} or
   * {@code "(scenes)"}) with all four swap sets: the builder's default.
   */
  public static SwapConfig.Builder swapConfigFor(TemporalQuestion.Kind kind) {
    String what = kind == TemporalQuestion.Kind.OBJECT_ORDER ? "objects" : "scenes";
    return SwapConfig.builder().name("temporal mirror swap (" + what + ")").swapSets(SwapSet.values());
  }

  /** Builds a {@link TemporalSwapConfig}. */
  @API(status = API.Status.EXPERIMENTAL, since = "0.1.0")
  public static final class Builder {
    private TemporalQuestion.Kind kind = TemporalQuestion.Kind.OBJECT_ORDER;
    private VideoSpec video = VideoSpec.tiny();
    private int samples = 100;
    private long seed = 0;
    private ObjectPairSplit.Part part = ObjectPairSplit.Part.ALL;
    private long splitSeed = DEFAULT_SPLIT_SEED;
    private AnswerForm answerForm;
    private SwapConfig swap;

    private Builder() {}

    /** Object-order (default) or scene-order questions. */
    public Builder kind(TemporalQuestion.Kind k) {
      this.kind = Objects.requireNonNull(k, "kind");
      return this;
    }

    /** The videos' shape (default {@link VideoSpec#tiny()}). */
    public Builder video(VideoSpec v) {
      this.video = Objects.requireNonNull(v, "video");
      return this;
    }

    /** How many videos (default 100). */
    public Builder samples(int n) {
      this.samples = n;
      return this;
    }

    /** The seed of the videos (default 0). */
    public Builder seed(long s) {
      this.seed = s;
      return this;
    }

    /** Which object pairs (default all). */
    public Builder part(ObjectPairSplit.Part p) {
      this.part = Objects.requireNonNull(p, "part");
      return this;
    }

    /** The seed of the pair split (default {@value #DEFAULT_SPLIT_SEED}). */
    public Builder splitSeed(long s) {
      this.splitSeed = s;
      return this;
    }

    /** The answer form; {@code null} (default) picks it from the model. */
    public Builder answerForm(AnswerForm f) {
      this.answerForm = f;
      return this;
    }

    /** The swap experiment's settings (default {@link #swapConfigFor} the kind, built). */
    public Builder swap(SwapConfig s) {
      this.swap = Objects.requireNonNull(s, "swap");
      return this;
    }

    /** The config. */
    public TemporalSwapConfig build() {
      SwapConfig s = swap != null ? swap : swapConfigFor(kind).build();
      return new TemporalSwapConfig(kind, video, samples, seed, part, splitSeed, answerForm, s);
    }
  }

  @Override
  public String toString() {
    return String.format(Locale.ROOT, "%s: %d %s videos (%s), seed %d", swap.name(), samples,
        kind.name().toLowerCase(Locale.ROOT), video, seed);
  }
}
