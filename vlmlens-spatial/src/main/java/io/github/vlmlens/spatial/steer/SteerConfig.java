package io.github.vlmlens.spatial.steer;

import io.github.vlmlens.core.API;
import io.github.vlmlens.spatial.ids.ObjectPair;
import io.github.vlmlens.spatial.scene.QuestionAxis;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;

/**
 * The settings of a steering experiment that determine its results (immutable; build with
 * {@link #builder()}). The scenes use the grid of the {@link io.github.vlmlens.spatial.ids.SpatialIds}
 * steered with.
 *
 * @param pairs the object pairs the scenes show; empty (only before a run) means the IDs' pairs
 * @param axes the question axes asked ({@link QuestionAxis#HORIZONTAL} and/or
 *     {@link QuestionAxis#VERTICAL}), in report order
 * @param layers the layers {@code L} steered at {@code lm.L.resid_post}, ascending; empty (only
 *     before a run, see {@link #resolvedFor}) means every layer the IDs hold
 * @param samplesPerAxis how many scenes per axis (drawn, seeded, among the pairs' placements where
 *     the question has an answer; fewer when there are fewer)
 * @param scaleMode how a direction becomes the vector added
 * @param scale {@code alpha} for {@link ScaleMode#ABSOLUTE}, {@code k} for
 *     {@link ScaleMode#NORM_RELATIVE}
 * @param answerForm how answer words are written for the model
 * @param arbitraryRow A's row for {@link SteeringMode#ARBITRARY}; -1 (only before a run) means {@code (m - 1) / 2}
 * @param arbitraryColumn A's column for {@link SteeringMode#ARBITRARY}; -1 (only before a run) means {@code (m - 1) / 2}
 * @param bootstrapResamples the number of bootstrap resamples of each rate
 * @param confidence the bootstrap interval's coverage, in (0, 1)
 * @param seed the seed of the scene draw, the noise directions and the bootstrap
 * @param generationTokens when positive, each scene is also judged by the answer the model
 *     generates (greedy, this many tokens, the steering left on), as the paper judges it: the first
 *     of the two answer words in the text; 0 judges by log-probabilities only
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1.0")
public record SteerConfig(
    List<ObjectPair> pairs,
    List<QuestionAxis> axes,
    List<Integer> layers,
    int samplesPerAxis,
    ScaleMode scaleMode,
    double scale,
    AnswerForm answerForm,
    int arbitraryRow,
    int arbitraryColumn,
    int bootstrapResamples,
    double confidence,
    long seed,
    int generationTokens) {

  /** The authors' norm-relative factor. */
  public static final double DEFAULT_K = 5;
  /** The default number of scenes per axis. */
  public static final int DEFAULT_SAMPLES = 32;

  /**
   * Checks and copies the settings.
   *
   * @throws IllegalArgumentException naming the setting that is out of range
   */
  public SteerConfig {
    pairs = List.copyOf(Objects.requireNonNull(pairs, "pairs"));
    axes = List.copyOf(Objects.requireNonNull(axes, "axes"));
    layers = List.copyOf(Objects.requireNonNull(layers, "layers"));
    Objects.requireNonNull(scaleMode, "scaleMode");
    Objects.requireNonNull(answerForm, "answerForm");
    if (new HashSet<>(pairs).size() != pairs.size()) {
      throw new IllegalArgumentException("object pair given twice in " + pairs);
    }
    if (axes.isEmpty() || new HashSet<>(axes).size() != axes.size()) {
      throw new IllegalArgumentException("give one or two distinct question axes, got " + axes);
    }
    for (QuestionAxis a : axes) {
      if (a != QuestionAxis.HORIZONTAL && a != QuestionAxis.VERTICAL) {
        throw new IllegalArgumentException("steering asks HORIZONTAL or VERTICAL questions, not " + a);
      }
    }
    for (int i = 0; i < layers.size(); i++) {
      if (layers.get(i) < 0 || (i > 0 && layers.get(i) <= layers.get(i - 1))) {
        throw new IllegalArgumentException("layers must be >= 0, ascending, without repeats, got " + layers);
      }
    }
    if (samplesPerAxis < 1) {
      throw new IllegalArgumentException("samplesPerAxis must be >= 1, got " + samplesPerAxis);
    }
    if (!Double.isFinite(scale) || (scaleMode == ScaleMode.NORM_RELATIVE && scale < 0)) {
      throw new IllegalArgumentException(
          "scale must be finite (and >= 0 for NORM_RELATIVE), got " + scale + " for " + scaleMode);
    }
    if (arbitraryRow < -1 || arbitraryColumn < -1) {
      throw new IllegalArgumentException(
          "the arbitrary-steering A cell must be >= 0 (or -1 for the default), got (" + arbitraryRow + ", "
              + arbitraryColumn + ")");
    }
    if (bootstrapResamples < 1) {
      throw new IllegalArgumentException("bootstrapResamples must be >= 1, got " + bootstrapResamples);
    }
    if (!(confidence > 0 && confidence < 1)) {
      throw new IllegalArgumentException("confidence must lie in (0, 1), got " + confidence);
    }
    if (generationTokens < 0) {
      throw new IllegalArgumentException("generationTokens must be >= 0, got " + generationTokens);
    }
  }

  /** Whether scenes are also judged by the generated answer. */
  public boolean judgesByGeneration() {
    return generationTokens > 0;
  }

  /**
   * A builder with the defaults: the IDs' pairs, both axes, every layer of the IDs,
   * {@value #DEFAULT_SAMPLES} scenes per axis, norm-relative scaling with {@code k = 5},
   * capitalised answers, A at the default cell for arbitrary steering, 2000 resamples at 95%,
   * seed 0.
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * These settings with every default made explicit for the IDs they steer with: no layers means
   * the IDs' layers, no pairs the IDs' pairs, and A's default cell for arbitrary steering
   * {@code ((m - 1) / 2, (m - 1) / 2)}. A run stores this form in its result, so a result never
   * says "all" by an empty list.
   */
  public SteerConfig resolvedFor(io.github.vlmlens.spatial.ids.SpatialIds ids) {
    Builder b = toBuilder();
    if (layers.isEmpty()) {
      b.layers = new ArrayList<>(ids.layers());
    }
    if (pairs.isEmpty()) {
      b.pairs = new ArrayList<>(ids.pairs());
    }
    int d = (ids.grid().gridSize() - 1) / 2;
    b.arbitraryRow = arbitraryRow < 0 ? d : arbitraryRow;
    b.arbitraryColumn = arbitraryColumn < 0 ? d : arbitraryColumn;
    return b.build();
  }

  /** A builder holding these settings. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.pairs = new ArrayList<>(pairs);
    b.axes = new ArrayList<>(axes);
    b.layers = new ArrayList<>(layers);
    b.samplesPerAxis = samplesPerAxis;
    b.scaleMode = scaleMode;
    b.scale = scale;
    b.answerForm = answerForm;
    b.arbitraryRow = arbitraryRow;
    b.arbitraryColumn = arbitraryColumn;
    b.bootstrapResamples = bootstrapResamples;
    b.confidence = confidence;
    b.seed = seed;
    b.generationTokens = generationTokens;
    return b;
  }

  /** Builds a {@link SteerConfig}. */
  @API(status = API.Status.EXPERIMENTAL, since = "0.1.0")
  public static final class Builder {
    private List<ObjectPair> pairs = new ArrayList<>();
    private List<QuestionAxis> axes = new ArrayList<>(List.of(QuestionAxis.HORIZONTAL, QuestionAxis.VERTICAL));
    private List<Integer> layers = new ArrayList<>();
    private int samplesPerAxis = DEFAULT_SAMPLES;
    private ScaleMode scaleMode = ScaleMode.NORM_RELATIVE;
    private double scale = DEFAULT_K;
    private AnswerForm answerForm = AnswerForm.CAPITALISED;
    private int arbitraryRow = -1;
    private int arbitraryColumn = -1;
    private int bootstrapResamples = 2000;
    private double confidence = 0.95;
    private long seed;
    private int generationTokens;

    private Builder() {}

    /** The object pairs (default: those of the IDs). */
    public Builder pairs(ObjectPair... pairs) {
      this.pairs = new ArrayList<>(Arrays.asList(pairs));
      return this;
    }

    /** The object pairs (default: those of the IDs). */
    public Builder pairs(List<ObjectPair> pairs) {
      this.pairs = new ArrayList<>(pairs);
      return this;
    }

    /** The question axes (default both). */
    public Builder axes(QuestionAxis... axes) {
      this.axes = new ArrayList<>(Arrays.asList(axes));
      return this;
    }

    /** The layers to steer, in any order (default: every layer of the IDs). */
    public Builder layers(int... layers) {
      int[] sorted = layers.clone();
      Arrays.sort(sorted);
      this.layers = new ArrayList<>();
      for (int l : sorted) {
        this.layers.add(l);
      }
      return this;
    }

    /** Every layer the IDs hold (the default). */
    public Builder allLayers() {
      this.layers = new ArrayList<>();
      return this;
    }

    /** Scenes per axis (default {@value SteerConfig#DEFAULT_SAMPLES}). */
    public Builder samplesPerAxis(int n) {
      this.samplesPerAxis = n;
      return this;
    }

    /** Adds {@code alpha * d} (absolute scaling). */
    public Builder absolute(double alpha) {
      this.scaleMode = ScaleMode.ABSOLUTE;
      this.scale = alpha;
      return this;
    }

    /** Adds {@code d} rescaled to {@code k} times the activation's norm (the default, k = 5). */
    public Builder normRelative(double k) {
      this.scaleMode = ScaleMode.NORM_RELATIVE;
      this.scale = k;
      return this;
    }

    /** How answer words are written (default capitalised, as LLaVA answers). */
    public Builder answerForm(AnswerForm form) {
      this.answerForm = Objects.requireNonNull(form, "form");
      return this;
    }

    /** A's cell for arbitrary steering (default the cell {@code ((m - 1) / 2, (m - 1) / 2)}). */
    public Builder arbitraryACell(int row, int column) {
      this.arbitraryRow = row;
      this.arbitraryColumn = column;
      return this;
    }

    /** Bootstrap resamples per rate (default 2000). */
    public Builder bootstrapResamples(int n) {
      this.bootstrapResamples = n;
      return this;
    }

    /** The interval coverage (default 0.95). */
    public Builder confidence(double c) {
      this.confidence = c;
      return this;
    }

    /** The seed (default 0). */
    public Builder seed(long seed) {
      this.seed = seed;
      return this;
    }

    /**
     * Also judge each scene by the answer the model generates in {@code tokens} greedy tokens with
     * the steering on (0, the default: log-probabilities only).
     */
    public Builder judgeByGeneration(int tokens) {
      this.generationTokens = tokens;
      return this;
    }

    /**
     * The config.
     *
     * @throws IllegalArgumentException naming the setting that is out of range
     */
    public SteerConfig build() {
      if (new HashSet<>(layers).size() != layers.size()) {
        throw new IllegalArgumentException("layer given twice in " + layers);
      }
      return new SteerConfig(
          pairs, axes, layers, samplesPerAxis, scaleMode, scale, answerForm, arbitraryRow, arbitraryColumn,
          bootstrapResamples, confidence, seed, generationTokens);
    }
  }
}
