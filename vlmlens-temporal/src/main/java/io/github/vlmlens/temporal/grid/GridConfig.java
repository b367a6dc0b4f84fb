package io.github.vlmlens.temporal.grid;

import io.github.vlmlens.core.API;
import io.github.vlmlens.temporal.ids.TemporalIdConfig;
import io.github.vlmlens.temporal.video.ObjectPairSplit;
import io.github.vlmlens.temporal.video.VideoObject;
import io.github.vlmlens.temporal.video.VideoSpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * The settings of a spatiotemporal grid (immutable; build with {@link #builder()}).
 *
 * @param video the videos' shape
 * @param columns the number of columns {@code m} the subject's horizontal position takes: column
 *     {@code c} puts its left edge at {@code round(c * (frameSize - objectSize) / (m - 1))}
 * @param pairs ordered object pairs {@code [subject, anchor]}
 * @param repeats how many seeded vertical positions the subject takes per column and frame
 * @param layers the layers read, ascending; empty means every layer
 * @param seed the seed of the positions, the shuffled baseline, the folds and the relabellings
 * @param shuffles how many shuffles of the cell labels the in-sample baseline averages
 * @param permutations how many cell relabellings the cross-validated linearity's permutation test
 *     draws (0: no test, so no layer can be called linear)
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1.0")
public record GridConfig(
    VideoSpec video,
    int columns,
    List<List<VideoObject>> pairs,
    int repeats,
    List<Integer> layers,
    long seed,
    int shuffles,
    int permutations) {

  /**
   * Checks and copies the settings.
   *
   * @throws IllegalArgumentException naming the setting that is out of range
   */
  public GridConfig {
    Objects.requireNonNull(video, "video");
    pairs = pairs.stream().map(List::copyOf).toList();
    layers = List.copyOf(layers);
    if (columns < 2) {
      throw new IllegalArgumentException("a grid needs at least 2 columns, got " + columns);
    }
    if (columns > video.maxOffset() + 1) {
      throw new IllegalArgumentException(
          columns + " columns do not fit: objects of " + video.objectSize() + " px in frames of "
              + video.frameSize() + " px take " + (video.maxOffset() + 1) + " positions");
    }
    if (pairs.isEmpty()) {
      throw new IllegalArgumentException("at least one object pair is needed");
    }
    for (List<VideoObject> p : pairs) {
      if (p.size() != 2 || p.get(0) == p.get(1)) {
        throw new IllegalArgumentException("a pair is [subject, anchor] of two different objects, got " + p);
      }
    }
    if (repeats < 1) {
      throw new IllegalArgumentException("repeats must be >= 1, got " + repeats);
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

  /** The left edge of column {@code c}. */
  public int columnX(int c) {
    return Math.round((float) c * video.maxOffset() / (columns - 1));
  }

  /** The number of videos: {@code pairs * F * (F - 1) * columns * repeats}. */
  public int sampleCount() {
    return pairs.size() * video.frames() * (video.frames() - 1) * columns * repeats;
  }

  /** These settings reading {@code l} (an explicit list where the config said "every layer"). */
  public GridConfig withLayers(List<Integer> l) {
    return new GridConfig(video, columns, pairs, repeats, l, seed, shuffles, permutations);
  }

  /** A builder with the defaults: 4 columns, 4 pairs, 1 repeat. */
  public static Builder builder() {
    return new Builder();
  }

  /** Builds a {@link GridConfig}. */
  @API(status = API.Status.EXPERIMENTAL, since = "0.1.0")
  public static final class Builder {
    private VideoSpec video = VideoSpec.tiny();
    private int columns = 4;
    private List<List<VideoObject>> pairs;
    private int repeats = 1;
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

    /** The number of columns (default 4). */
    public Builder columns(int m) {
      this.columns = m;
      return this;
    }

    /** The ordered pairs (default: 4 drawn with {@link TemporalIdConfig#drawPairs} and the seed). */
    public Builder pairs(List<List<VideoObject>> p) {
      this.pairs = List.copyOf(p);
      return this;
    }

    /** Vertical positions per column and frame (default 1). */
    public Builder repeats(int n) {
      this.repeats = n;
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
    public GridConfig build() {
      List<List<VideoObject>> p = pairs != null ? pairs : TemporalIdConfig.drawPairs(ObjectPairSplit.allPairs(), 4, seed);
      return new GridConfig(video, columns, p, repeats, layers, seed, shuffles, permutations);
    }
  }
}
