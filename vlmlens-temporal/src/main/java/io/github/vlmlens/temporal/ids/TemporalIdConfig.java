package io.github.vlmlens.temporal.ids;

import io.github.vlmlens.core.API;
import io.github.vlmlens.temporal.video.ObjectPairSplit;
import io.github.vlmlens.temporal.video.VideoObject;
import io.github.vlmlens.temporal.video.VideoSpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Random;

/**
 * The settings of a temporal-ID extraction (immutable; build with {@link #builder()}).
 *
 * @param video the videos' shape
 * @param pairs ordered object pairs {@code [subject, anchor]}: the subject is placed at every frame
 *     and read, the anchor fixed at each anchor frame in turn
 * @param positionsPerFrame how many seeded positions the subject takes at each frame, per anchor
 *     frame
 * @param layers the layers {@code L} read at {@code lm.L.resid_post}, ascending; empty means every
 *     layer {@code 0..N}
 * @param seed the seed of the positions, the shuffled baseline, the folds and the relabellings
 * @param shuffles how many shuffles of the frame labels the in-sample baseline averages
 * @param permutations how many frame relabellings the cross-validated linearity's permutation test
 *     draws (0: no test, so no layer can be called linear)
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1.0")
public record TemporalIdConfig(
    VideoSpec video,
    List<List<VideoObject>> pairs,
    int positionsPerFrame,
    List<Integer> layers,
    long seed,
    int shuffles,
    int permutations) {

  /** The default number of ordered pairs drawn when none are given. */
  public static final int DEFAULT_PAIRS = 6;

  /**
   * Checks and copies the settings.
   *
   * @throws IllegalArgumentException naming the setting that is out of range
   */
  public TemporalIdConfig {
    Objects.requireNonNull(video, "video");
    pairs = pairs.stream().map(List::copyOf).toList();
    layers = List.copyOf(layers);
    if (pairs.isEmpty()) {
      throw new IllegalArgumentException("at least one object pair is needed");
    }
    for (List<VideoObject> p : pairs) {
      if (p.size() != 2 || p.get(0) == p.get(1)) {
        throw new IllegalArgumentException("a pair is [subject, anchor] of two different objects, got " + p);
      }
    }
    if (pairs.stream().distinct().count() != pairs.size()) {
      throw new IllegalArgumentException("a pair is given twice in " + pairs);
    }
    if (positionsPerFrame < 1) {
      throw new IllegalArgumentException("positionsPerFrame must be >= 1, got " + positionsPerFrame);
    }
    for (int i = 0; i < layers.size(); i++) {
      if (layers.get(i) < 0 || (i > 0 && layers.get(i) <= layers.get(i - 1))) {
        throw new IllegalArgumentException("layers must be >= 0 and ascending without repeats, got " + layers);
      }
    }
    if (shuffles < 1) {
      throw new IllegalArgumentException("shuffles must be >= 1, got " + shuffles);
    }
    if (permutations < 0) {
      throw new IllegalArgumentException("permutations must be >= 0, got " + permutations);
    }
  }

  /** The number of videos run: {@code pairs * F * (F - 1) * positionsPerFrame}. */
  public int sampleCount() {
    return pairs.size() * video.frames() * (video.frames() - 1) * positionsPerFrame;
  }

  /**
   * {@code count} ordered pairs drawn from unordered ones: the pairs shuffled with
   * {@code new Random(seed)} (Fisher-Yates from the last element down), the first {@code count}
   * taken, each turned by a coin from the same generator.
   *
   * @throws IllegalArgumentException when fewer than {@code count} pairs are given
   */
  public static List<List<VideoObject>> drawPairs(List<List<VideoObject>> unordered, int count, long seed) {
    if (count < 1 || count > unordered.size()) {
      throw new IllegalArgumentException(
          "cannot draw " + count + " pairs from " + unordered.size());
    }
    List<List<VideoObject>> order = new ArrayList<>(unordered);
    Random random = new Random(seed);
    for (int i = order.size() - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      List<VideoObject> t = order.get(i);
      order.set(i, order.get(j));
      order.set(j, t);
    }
    List<List<VideoObject>> out = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      List<VideoObject> p = order.get(i);
      out.add(random.nextBoolean() ? List.of(p.get(1), p.get(0)) : List.of(p.get(0), p.get(1)));
    }
    return out;
  }

  /** These settings reading {@code l} (an explicit list where the config said "every layer"). */
  public TemporalIdConfig withLayers(List<Integer> l) {
    return new TemporalIdConfig(video, pairs, positionsPerFrame, l, seed, shuffles, permutations);
  }

  /** A builder with the defaults. */
  public static Builder builder() {
    return new Builder();
  }

  /** Builds a {@link TemporalIdConfig}. */
  @API(status = API.Status.EXPERIMENTAL, since = "0.1.0")
  public static final class Builder {
    private VideoSpec video = VideoSpec.tiny();
    private List<List<VideoObject>> pairs;
    private int positionsPerFrame = 2;
    private List<Integer> layers = new ArrayList<>();
    private long seed = 0;
    private int shuffles = 10;
    private int permutations = io.github.vlmlens.core.analysis.HeldOutLinearity.DEFAULT_PERMUTATIONS;

    private Builder() {}

    /** The videos' shape (default {@link VideoSpec#tiny()}). */
    public Builder video(VideoSpec v) {
      this.video = Objects.requireNonNull(v, "video");
      return this;
    }

    /**
     * The ordered {@code [subject, anchor]} pairs (default: {@value #DEFAULT_PAIRS} pairs drawn
     * with {@link #drawPairs} from every pair with the seed).
     */
    public Builder pairs(List<List<VideoObject>> p) {
      this.pairs = List.copyOf(p);
      return this;
    }

    /** {@code count} ordered pairs drawn from one part of a pair split. */
    public Builder pairs(ObjectPairSplit split, ObjectPairSplit.Part part, int count, long drawSeed) {
      return pairs(drawPairs(split.pairs(part), count, drawSeed));
    }

    /** Positions per frame and anchor (default 2). */
    public Builder positionsPerFrame(int n) {
      this.positionsPerFrame = n;
      return this;
    }

    /** The layers, in any order (default: every layer). */
    public Builder layers(int... l) {
      int[] s = l.clone();
      Arrays.sort(s);
      this.layers = Arrays.stream(s).boxed().toList();
      return this;
    }

    /** The seed (default 0). */
    public Builder seed(long s) {
      this.seed = s;
      return this;
    }

    /** Shuffles of the baseline (default 10). */
    public Builder shuffles(int n) {
      this.shuffles = n;
      return this;
    }

    /**
     * Relabellings of the permutation test (default
     * {@value io.github.vlmlens.core.analysis.HeldOutLinearity#DEFAULT_PERMUTATIONS}; 0 for none).
     */
    public Builder permutations(int n) {
      this.permutations = n;
      return this;
    }

    /** The config. */
    public TemporalIdConfig build() {
      List<List<VideoObject>> p = pairs != null ? pairs : drawPairs(ObjectPairSplit.allPairs(), DEFAULT_PAIRS, seed);
      return new TemporalIdConfig(video, p, positionsPerFrame, layers, seed, shuffles, permutations);
    }
  }
}
