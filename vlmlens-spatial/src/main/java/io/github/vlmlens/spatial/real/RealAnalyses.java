package io.github.vlmlens.spatial.real;

import io.github.vlmlens.core.API;
import io.github.vlmlens.core.HookedVlm;
import io.github.vlmlens.core.RgbImage;
import io.github.vlmlens.core.VlmInput;
import io.github.vlmlens.core.analysis.ExperimentEngine;
import io.github.vlmlens.core.analysis.SwapConfig;
import io.github.vlmlens.core.analysis.SwapExperiment;
import io.github.vlmlens.core.analysis.SwapResult;
import io.github.vlmlens.core.analysis.SwapSample;
import io.github.vlmlens.spatial.ids.SpatialIds;
import io.github.vlmlens.spatial.ids.internal.ModelLayers;
import io.github.vlmlens.spatial.scene.ImageTransforms;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The real-image analyses (METHOD.md section 4) as functions from samples and a
 * {@link HookedVlm} to result records, on core's {@link ExperimentEngine} (journal, resume,
 * provenance; with an output directory the result is {@code result.json} there). They run on any
 * model the backend loads; the model sees each image through its own processor.
 *
 * <ul>
 *   <li>{@link #mirrorSwap}: mirror swap with the flipped photograph as the counterfactual
 *       (figure 4A), on core's swap experiment;
 *   <li>{@link #steer}: adversarial steering with IDs extracted from synthetic scenes against a
 *       same-norm noise control, judged by log-probabilities and by the generated answer, with the
 *       ID readout accuracy by layer against steerability (figures 2, 6B and 9);
 *   <li>{@link #idMargin}: the ID deviation margin, correct vs wrong answers (figure 8A);
 *   <li>{@link #boxSensitivity}: blurring the subject's box against random boxes (figure 8B);
 *   <li>{@link #depth}: front/behind questions read through the vertical IDs (figure 7).
 * </ul>
 *
 * <p>Instances are immutable.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1.0")
public final class RealAnalyses {
  private final HookedVlm vlm;
  private final RealConfig config;
  private final SpatialIds ids;
  private final int batchSize;
  private final boolean progressBar;

  private RealAnalyses(HookedVlm vlm, RealConfig config, SpatialIds ids, int batchSize, boolean progressBar) {
    this.vlm = vlm;
    this.config = config;
    this.ids = ids;
    this.batchSize = batchSize;
    this.progressBar = progressBar;
  }

  /** The analyses of {@code vlm} under {@code config}, batches of 16, a progress bar. */
  public static RealAnalyses of(HookedVlm vlm, RealConfig config) {
    return new RealAnalyses(Objects.requireNonNull(vlm, "vlm"), Objects.requireNonNull(config, "config"), null, 16, true);
  }

  /**
   * The same with spatial IDs (needed by every analysis but the mirror swap).
   *
   * @throws IllegalArgumentException when the IDs were not extracted from this model (see
   *     {@link SpatialIds#requireFrom}) or their width is not the model's hidden size
   */
  public RealAnalyses withIds(SpatialIds spatialIds) {
    return withIds(spatialIds, false);
  }

  /**
   * As {@link #withIds(SpatialIds)}, with {@code allowForeignIds} true accepting IDs extracted from
   * another model (or of unknown origin) of the same width.
   */
  public RealAnalyses withIds(SpatialIds spatialIds, boolean allowForeignIds) {
    spatialIds.requireFrom(vlm, allowForeignIds);
    if (spatialIds.hiddenSize() != vlm.hiddenSize()) {
      throw new IllegalArgumentException(
          "the IDs of '" + spatialIds.model() + "' have width " + spatialIds.hiddenSize() + " but model '" + vlm.name()
              + "' has hidden size " + vlm.hiddenSize());
    }
    return new RealAnalyses(vlm, config, spatialIds, batchSize, progressBar);
  }

  /** The same sending at most {@code n} requests per batch (and grouping {@code n} samples). */
  public RealAnalyses withBatchSize(int n) {
    if (n < 1) {
      throw new IllegalArgumentException("batch size must be >= 1, got " + n);
    }
    return new RealAnalyses(vlm, config, ids, n, progressBar);
  }

  /** The same with the progress bar on or off. */
  public RealAnalyses withProgressBar(boolean on) {
    return new RealAnalyses(vlm, config, ids, batchSize, on);
  }

  /** The config. */
  public RealConfig config() {
    return config;
  }

  /** The config naming the layers read (a result's provenance never says "every layer" by []). */
  private RealConfig explicit(List<Integer> layers) {
    return config.layers().isEmpty() ? config.withLayers(layers) : config;
  }

  /** The layers read: the config's, else every layer of the IDs, checked against the model. */
  public List<Integer> layers() {
    requireIds();
    List<Integer> wanted = config.layers().isEmpty() ? ids.layers() : config.layers();
    List<Integer> missing = new ArrayList<>();
    for (int l : wanted) {
      if (!ids.hasLayer(l)) {
        missing.add(l);
      }
    }
    if (!missing.isEmpty()) {
      throw new IllegalArgumentException(
          "layer(s) " + missing + " are not held by the IDs of '" + ids.model() + "' (held: " + ids.layers() + ")");
    }
    return ModelLayers.resolve(vlm, wanted);
  }

  /**
   * Mirror-swap samples: {@code x} the photograph with the question, {@code y} the photograph
   * mirrored left-right (top-bottom for above/below), whose true answer is the other one.
   *
   * @throws IllegalArgumentException for a front/behind sample (no mirror flips depth) or an
   *     unreadable image
   */
  public List<SwapSample> mirrorSwapSamples(List<RealSample> samples) {
    List<SwapSample> out = new ArrayList<>();
    for (RealSample s : samples) {
      if (s.relation().axis() == Relation.Axis.DEPTH) {
        throw new IllegalArgumentException(s.source() + ": no mirror flips front and behind; use left/right or above/below samples");
      }
      RgbImage img = SampleInputs.image(s);
      RgbImage flipped = s.relation().axis() == Relation.Axis.HORIZONTAL
          ? ImageTransforms.mirrorLeftRight(img) : ImageTransforms.mirrorTopBottom(img);
      VlmInput x = vlm.promptFormat().input(img, s.question());
      out.add(SwapSample.of(s.id(), x, x.withImages(List.of(flipped)), config.answerForm().apply(s.answer()),
          config.answerForm().apply(s.wrongAnswer()), List.of(s.subjectWord(), s.objectWord())));
    }
    return out;
  }

  /** The mirror swap on real images (figure 4A), resumable in {@code outDir} (or {@code null}). */
  public SwapResult mirrorSwap(List<RealSample> samples, SwapConfig swapConfig, Path outDir) {
    return SwapExperiment.of(vlm, swapConfig).withBatchSize(batchSize).withProgressBar(progressBar)
        .run(mirrorSwapSamples(samples), outDir);
  }

  /**
   * The ID deviation margin (figure 8A) on left/right and above/below samples.
   *
   * @throws IllegalStateException without IDs
   * @throws IllegalArgumentException for no samples, a depth sample, or object words missing from a prompt
   */
  public IdMarginResult idMargin(List<RealSample> samples, Path outDir) {
    List<Integer> layers = layers();
    for (RealSample s : samples) {
      if (s.relation().axis() == Relation.Axis.DEPTH) {
        throw new IllegalArgumentException(s.source() + ": the ID margin asks left/right or above/below questions; depth has its own analysis");
      }
    }
    List<String> words = new ArrayList<>();
    for (RealSample s : samples) {
      for (String w : s.relation().axis().answers()) {
        words.add(config.answerForm().apply(w));
      }
    }
    String problem = SampleInputs.singleTokenProblem(vlm, words);
    if (!problem.isEmpty()) {
      throw new IllegalArgumentException("the answer words are not single tokens of " + vlm.name() + ": " + problem);
    }
    return engine().run(new IdReadoutPlan<>("id-margin", vlm, ids, explicit(layers), layers, samples, batchSize, true,
        (rs, p) -> Aggregations.idMargin(vlm.name(), layers, config, rs, p)), outDir);
  }

  /**
   * Depth (figure 7) on front/behind samples: the model's accuracy where "front" and "behind" are
   * single tokens, and the vertical ID gap of front against behind subjects.
   *
   * @throws IllegalStateException without IDs
   * @throws IllegalArgumentException for no samples or a sample on another axis
   */
  public DepthResult depth(List<RealSample> samples, Path outDir) {
    List<Integer> layers = layers();
    for (RealSample s : samples) {
      if (s.relation().axis() != Relation.Axis.DEPTH) {
        throw new IllegalArgumentException(s.source() + ": the depth analysis asks front/behind questions, not " + s.relation());
      }
    }
    List<String> words = new ArrayList<>();
    for (String w : Relation.Axis.DEPTH.answers()) {
      words.add(config.answerForm().apply(w));
    }
    String problem = SampleInputs.singleTokenProblem(vlm, words);
    boolean read = problem.isEmpty();
    String note = read ? "" : "accuracy not measured: " + problem;
    return engine().run(new IdReadoutPlan<>("depth", vlm, ids, explicit(layers), layers, samples, batchSize, read,
        (rs, p) -> Aggregations.depth(layers, config, samples, rs, note, p)), outDir);
  }

  /**
   * Bounding-box sensitivity (figure 8B): the subject's box blurred against {@code R} random
   * boxes of its size.
   *
   * @throws IllegalArgumentException for a sample without boxes or where the random boxes do not fit
   */
  public SensitivityResult boxSensitivity(List<RealSample> samples, Path outDir) {
    return engine().run(new SensitivityPlan(vlm, config, samples, batchSize,
        (rs, p) -> Aggregations.sensitivity(config, rs, p)), outDir);
  }

  /**
   * Steering on real images with IDs from synthetic scenes (figures 2, 6B) and the ID readout
   * accuracy against steerability by layer (figure 9); judged by generation too where the config
   * asks and the model can generate.
   *
   * @throws IllegalStateException without IDs
   * @throws IllegalArgumentException for a depth sample or one without boxes
   */
  public RealSteeringResult steer(List<RealSample> samples, Path outDir) {
    List<Integer> layers = layers();
    boolean gen = config.generate();
    String note = gen ? "" : "generation not judged (switched off)";
    if (gen && !samples.isEmpty()) {
      try {
        vlm.generate(vlm.promptFormat().input(SampleInputs.image(samples.get(0)), samples.get(0).question()),
            io.github.vlmlens.core.GenerateSpec.greedy(1));
      } catch (UnsupportedOperationException e) {
        gen = false;
        note = "generation not judged: " + e.getMessage();
      }
    }
    boolean g = gen;
    String n = note;
    return engine().run(new SteerPlan(vlm, ids, explicit(layers), layers, samples, batchSize, g,
        (rs, p) -> Aggregations.steering(ids.model(), layers, config, g, n, rs, p)), outDir);
  }

  private ExperimentEngine engine() {
    return ExperimentEngine.on(vlm).withBatchSize(batchSize).withProgressBar(progressBar);
  }

  private void requireIds() {
    if (ids == null) {
      throw new IllegalStateException("this analysis needs spatial IDs: call withIds (extract them with extract-ids)");
    }
  }
}
