package io.github.vlmlens.spatial.ids;

import io.github.vlmlens.core.API;
import io.github.vlmlens.spatial.scene.GridSpec;
import io.github.vlmlens.spatial.scene.QuestionAxis;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;

/**
 * The settings of a spatial-ID extraction that determine its results (immutable; build with
 * {@link #builder()}). Execution settings (batch size, progress bar, object library) live on
 * {@link SpatialIdExtraction}.
 *
 * @param gridSize the grid's {@code m}
 * @param canvasPx the canvas side in pixels
 * @param sizeFractions the object sizes as fractions of the cell side
 * @param pairs the object pairs; every pair is placed with A in every cell and B in every other
 *     cell at every size
 * @param question the spatial question asked ({@link QuestionAxis#HORIZONTAL}, the paper's "Is the
 *     {B} to the left or right of the {A}?", or {@link QuestionAxis#VERTICAL})
 * @param layers the layers {@code L} read at {@code lm.L.resid_post} (0 = embeddings, L = output of
 *     decoder block L), ascending; empty means every layer {@code 0..N}
 * @param normalisation the axes' normalisation
 * @param plainPrompts whether to also read B under the plain prompt "Is there a {B} in the image?"
 *     (twice the runs) and compare it with the spatial prompt on the plane
 * @param shuffles the number of shuffled-cell baselines of the in-sample linearity
 * @param permutations the number of cell relabellings of the cross-validated linearity's
 *     permutation test (0: no test, so no layer can be called linear)
 * @param seed the seed of the shuffles, the folds and the relabellings
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1.0")
public record IdConfig(
    int gridSize,
    int canvasPx,
    List<Double> sizeFractions,
    List<ObjectPair> pairs,
    QuestionAxis question,
    List<Integer> layers,
    AxisNormalisation normalisation,
    boolean plainPrompts,
    int shuffles,
    int permutations,
    long seed) {

  /** The default number of shuffled-cell baselines. */
  public static final int DEFAULT_SHUFFLES = 20;

  /**
   * Checks and copies the settings.
   *
   * @throws IllegalArgumentException naming the setting that is out of range
   */
  public IdConfig {
    sizeFractions = List.copyOf(Objects.requireNonNull(sizeFractions, "sizeFractions"));
    GridSpec.of(gridSize, canvasPx, sizeFractions); // validates the geometry
    pairs = List.copyOf(Objects.requireNonNull(pairs, "pairs"));
    layers = List.copyOf(Objects.requireNonNull(layers, "layers"));
    Objects.requireNonNull(question, "question");
    Objects.requireNonNull(normalisation, "normalisation");
    if (pairs.isEmpty()) {
      throw new IllegalArgumentException("at least one object pair is needed");
    }
    if (new HashSet<>(pairs).size() != pairs.size()) {
      throw new IllegalArgumentException("object pair given twice in " + pairs);
    }
    if (question != QuestionAxis.HORIZONTAL && question != QuestionAxis.VERTICAL) {
      throw new IllegalArgumentException(
          "IDs are read under a spatial question (HORIZONTAL or VERTICAL), not " + question);
    }
    for (int i = 0; i < layers.size(); i++) {
      if (layers.get(i) < 0) {
        throw new IllegalArgumentException("layer " + layers.get(i) + " is negative; layers run 0..N");
      }
      if (i > 0 && layers.get(i) <= layers.get(i - 1)) {
        throw new IllegalArgumentException("layers must be ascending without repeats, got " + layers);
      }
    }
    if (shuffles < 0) {
      throw new IllegalArgumentException("shuffles must be >= 0, got " + shuffles);
    }
    if (permutations < 0) {
      throw new IllegalArgumentException("permutations must be >= 0, got " + permutations);
    }
  }

  /** The grid these settings describe. */
  public GridSpec grid() {
    return GridSpec.of(gridSize, canvasPx, sizeFractions);
  }

  /**
   * A builder with the defaults: the tiny model's grid ({@link GridSpec#tiny()}), four built-in
   * pairs (box|ball, heart|star, cross|ring, moon|triangle as B|A), the left/right question, every
   * layer, the paper's normalisation, plain prompts on, {@value #DEFAULT_SHUFFLES} shuffles,
   * {@value io.github.vlmlens.core.analysis.HeldOutLinearity#DEFAULT_PERMUTATIONS} permutations, seed 0.
   */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder holding these settings. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.grid = grid();
    b.pairs = new ArrayList<>(pairs);
    b.question = question;
    b.layers = new ArrayList<>(layers);
    b.normalisation = normalisation;
    b.plainPrompts = plainPrompts;
    b.shuffles = shuffles;
    b.permutations = permutations;
    b.seed = seed;
    return b;
  }

  /** Builds an {@link IdConfig}. */
  @API(status = API.Status.EXPERIMENTAL, since = "0.1.0")
  public static final class Builder {
    private GridSpec grid = GridSpec.tiny();
    private List<ObjectPair> pairs =
        new ArrayList<>(
            List.of(
                ObjectPair.of("ball", "box"), ObjectPair.of("star", "heart"),
                ObjectPair.of("ring", "cross"), ObjectPair.of("triangle", "moon")));
    private QuestionAxis question = QuestionAxis.HORIZONTAL;
    private List<Integer> layers = new ArrayList<>();
    private AxisNormalisation normalisation = AxisNormalisation.PAPER;
    private boolean plainPrompts = true;
    private int shuffles = DEFAULT_SHUFFLES;
    private int permutations = io.github.vlmlens.core.analysis.HeldOutLinearity.DEFAULT_PERMUTATIONS;
    private long seed;

    private Builder() {}

    /** The scene grid (default {@link GridSpec#tiny()}; {@link GridSpec#paper()} for LLaVA). */
    public Builder grid(GridSpec grid) {
      this.grid = Objects.requireNonNull(grid, "grid");
      return this;
    }

    /** The object pairs, in order. */
    public Builder pairs(List<ObjectPair> pairs) {
      this.pairs = new ArrayList<>(pairs);
      return this;
    }

    /** The object pairs, in order. */
    public Builder pairs(ObjectPair... pairs) {
      return pairs(Arrays.asList(pairs));
    }

    /** The question asked while reading B (default left/right). */
    public Builder question(QuestionAxis axis) {
      this.question = Objects.requireNonNull(axis, "axis");
      return this;
    }

    /** The layers to read, in any order (sorted; repeats are an error). */
    public Builder layers(int... layers) {
      int[] sorted = layers.clone();
      Arrays.sort(sorted);
      this.layers = new ArrayList<>();
      for (int l : sorted) {
        this.layers.add(l);
      }
      if (new HashSet<>(this.layers).size() != this.layers.size()) {
        throw new IllegalArgumentException("layer given twice in " + Arrays.toString(layers));
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

    /** Every layer {@code 0..N} of the model (the default). */
    public Builder allLayers() {
      this.layers = new ArrayList<>();
      return this;
    }

    /** The axes' normalisation (default {@link AxisNormalisation#PAPER}). */
    public Builder normalisation(AxisNormalisation n) {
      this.normalisation = Objects.requireNonNull(n, "normalisation");
      return this;
    }

    /** Whether to read B under plain prompts too (default on). */
    public Builder plainPrompts(boolean on) {
      this.plainPrompts = on;
      return this;
    }

    /** The number of shuffled-cell baselines (default {@value IdConfig#DEFAULT_SHUFFLES}). */
    public Builder shuffles(int n) {
      this.shuffles = n;
      return this;
    }

    /**
     * The number of relabellings of the cross-validated linearity's permutation test (default
     * {@value io.github.vlmlens.core.analysis.HeldOutLinearity#DEFAULT_PERMUTATIONS}; 0 for none).
     */
    public Builder permutations(int n) {
      this.permutations = n;
      return this;
    }

    /** The seed of the shuffles, folds and relabellings (default 0). */
    public Builder seed(long seed) {
      this.seed = seed;
      return this;
    }

    /**
     * The config.
     *
     * @throws IllegalArgumentException naming the setting that is out of range
     */
    public IdConfig build() {
      return new IdConfig(
          grid.gridSize(), grid.canvasPx(), grid.sizeFractions(), pairs, question, layers,
          normalisation, plainPrompts, shuffles, permutations, seed);
    }
  }
}
