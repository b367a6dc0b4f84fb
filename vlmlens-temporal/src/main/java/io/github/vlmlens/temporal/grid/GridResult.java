package io.github.vlmlens.temporal.grid;

import io.github.vlmlens.core.API;
import io.github.vlmlens.core.analysis.HeldOutLinearity;
import io.github.vlmlens.core.analysis.Provenance;
import io.github.vlmlens.core.analysis.RunJournal;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * What a spatiotemporal grid found, per layer: the horizontal (spatial) and temporal axes, the
 * cosine between them, the ID grid projected onto their plane and how linearly each coordinate
 * follows its index. Immutable; serialisable with Jackson.
 *
 * <p>The in-sample {@code R^2} figures describe only. What decides is out-of-sample
 * ({@link io.github.vlmlens.core.analysis.HeldOutLinearity}): both axes and their plane refitted on
 * {@value io.github.vlmlens.core.analysis.HeldOutLinearity#DEFAULT_FOLDS}-fold training splits of
 * the pairs (of the anchor frames with one pair; dealt by the config's seed), x judged against the
 * held-out IDs' columns and y against their frames, each with a permutation p-value from relabelled
 * cells. {@link #spatialLinearity()} and {@link #temporalLinearity()} name a layer only where that
 * coordinate's cross-validated {@code R^2} beats the baseline (the random-initialised model's where
 * {@link #randomInit()} is set, else the relabellings' mean) and {@code p < 0.05}.
 *
 * @param model the model's name
 * @param numLayers the model's number of decoder blocks
 * @param layers the layers read
 * @param config the config
 * @param configHash the run's identity (checked on resume)
 * @param sampleCount the number of videos run
 * @param perLayer one entry per layer, in order
 * @param modelFingerprint the model's weights fingerprint
 * @param randomInit the random-initialised baseline whose cross-validated {@code R^2} fills
 *     {@link Fit#randomInitCvR2()}, or {@code null} when none was run
 * @param spatialLinearity derived on construction (a value passed is ignored): the verdict on x
 * @param temporalLinearity derived on construction: the verdict on y
 * @param provenance versions, model (weights fingerprint, dtype, device), configuration, seeds,
 *     batch size and timestamps
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1.0")
public record GridResult(
    String model,
    int numLayers,
    List<Integer> layers,
    GridConfig config,
    String configHash,
    int sampleCount,
    List<GridLayer> perLayer,
    String modelFingerprint,
    HeldOutLinearity.RandomInitBaseline randomInit,
    HeldOutLinearity.Verdict spatialLinearity,
    HeldOutLinearity.Verdict temporalLinearity,
    Provenance provenance) {

  /** Copies the lists and derives the verdicts; a config without layers (every layer) is given the layers used. */
  public GridResult {
    Objects.requireNonNull(model, "model");
    layers = List.copyOf(layers);
    if (config != null && config.layers().isEmpty()) { // a result names its layers (0.1.0 files said "all" by [])
      config = config.withLayers(layers);
    }
    perLayer = List.copyOf(perLayer);
    spatialLinearity = HeldOutLinearity.verdict(layers, perLayer.stream().map(GridLayer::spatial).toList(),
        randomInit != null);
    temporalLinearity = HeldOutLinearity.verdict(layers, perLayer.stream().map(GridLayer::temporal).toList(),
        randomInit != null);
  }

  /**
   * This result with the cross-validated {@code R^2} of the same grid on a random-initialised copy
   * of the model as the baseline of both coordinates, and the verdicts recomputed against it.
   *
   * @throws IllegalArgumentException when the baseline read other layers or another config, or
   *     comes from the same weights
   */
  public GridResult withRandomInitBaseline(GridResult baseline) {
    HeldOutLinearity.RandomInitBaseline base = HeldOutLinearity.RandomInitBaseline.of(modelFingerprint,
        List.of(config, layers), baseline.model(), baseline.modelFingerprint(), List.of(baseline.config(),
            baseline.layers()));
    List<GridLayer> merged = new ArrayList<>();
    for (int i = 0; i < perLayer.size(); i++) {
      GridLayer l = perLayer.get(i);
      GridLayer b = baseline.perLayer().get(i);
      merged.add(new GridLayer(l.layer(), l.spatialAxis(), l.temporalAxis(), l.axisCosine(), l.x(), l.y(),
          l.spatial().withRandomInitCvR2(b.spatial().cvR2()), l.temporal().withRandomInitCvR2(b.temporal().cvR2())));
    }
    return new GridResult(model, numLayers, layers, config, configHash, sampleCount, merged, modelFingerprint,
        base, null, null, provenance);
  }

  /**
   * One layer of the grid. Coordinates come from the orthonormal basis Gram-Schmidt makes of
   * {@code [spatialAxis, temporalAxis]}: {@code x} along the spatial axis, {@code y} along the
   * part of the temporal axis orthogonal to it; NaN when the two axes do not span a plane.
   *
   * @param layer the layer
   * @param spatialAxis {@code 1 / (F * C(m,2)) * sum_f sum_{c1 > c2} [ID(c1, f) - ID(c2, f)]}
   * @param temporalAxis {@code 1 / (m * C(F,2)) * sum_c sum_{f1 > f2} [ID(c, f1) - ID(c, f2)]}
   * @param axisCosine the cosine between the two axes
   * @param x {@code x[c][f]}: the spatial coordinate of cell {@code (c, f)}'s ID
   * @param y {@code y[c][f]}: its temporal coordinate
   * @param spatial the linearity of {@code x} against the column
   * @param temporal the linearity of {@code y} against the frame
   */
  @API(status = API.Status.EXPERIMENTAL, since = "0.1.0")
  public record GridLayer(
      int layer,
      float[] spatialAxis,
      float[] temporalAxis,
      double axisCosine,
      double[][] x,
      double[][] y,
      Fit spatial,
      Fit temporal) {}

  /**
   * {@code R^2} of one coordinate against its index (column or frame).
   *
   * @param cellMeans on the {@code m * F} cell IDs
   * @param samples on every sample's centred activation
   * @param cellMeansShuffled the baseline on cell means, cell labels shuffled within each pair and
   *     anchor frame (axes recomputed), averaged over the shuffles
   * @param samplesShuffled the baseline per sample
   * @param cvR2 the cross-validated {@code R^2} (see the class comment); NaN without a plane
   * @param cvPValue its permutation p-value
   * @param cvPermutedMean the mean cross-validated {@code R^2} over the relabellings
   * @param cvFolds the number of folds
   * @param randomInitCvR2 the random-initialised model's cross-validated {@code R^2}, NaN when none
   *     was run
   */
  @API(status = API.Status.EXPERIMENTAL, since = "0.1.0")
  public record Fit(
      double cellMeans,
      double samples,
      double cellMeansShuffled,
      double samplesShuffled,
      double cvR2,
      double cvPValue,
      double cvPermutedMean,
      int cvFolds,
      double randomInitCvR2) implements HeldOutLinearity.Figures {
    /** This fit with another random-init baseline value. */
    public Fit withRandomInitCvR2(double value) {
      return new Fit(cellMeans, samples, cellMeansShuffled, samplesShuffled, cvR2, cvPValue, cvPermutedMean, cvFolds,
          value);
    }
  }

  /**
   * The entry of one layer.
   *
   * @throws IllegalArgumentException when the layer was not read
   */
  public GridLayer layer(int layer) {
    for (GridLayer l : perLayer) {
      if (l.layer() == layer) {
        return l;
      }
    }
    throw new IllegalArgumentException("layer " + layer + " was not read; the layers are " + layers);
  }

  /** Writes the result as indented JSON. */
  public void write(Path file) {
    RunJournal.writeJson(file, this);
  }

  /** Reads a result written by {@link #write}. */
  public static GridResult read(Path file) {
    return RunJournal.readJson(file, GridResult.class);
  }

  /** A plain-text summary: per layer, the axes' cosine and both linearity figures. */
  public String summary() {
    StringBuilder sb = new StringBuilder();
    sb.append(String.format(Locale.ROOT,
        "spatiotemporal grid on %s (%d blocks): %d videos, %d columns x %d frames, %d pair(s)%n",
        model, numLayers, sampleCount, config.columns(), config.video().frames(), config.pairs().size()));
    sb.append(String.format(Locale.ROOT,
        "R^2 (cell means | per sample | shuffled means | shuffled samples); cos = cosine(spatial, temporal axis)%n"));
    sb.append(String.format(Locale.ROOT,
        "CV R^2 | p | baseline: axes fitted on %s, judged on the held-out IDs; p from %d cell relabellings;"
            + " baseline: %s%n", config.pairs().size() >= 2 ? "k-fold splits of the pairs"
            : "k-fold splits of the anchor frames (one pair)", config.permutations(),
        randomInit != null ? "the same grid on " + randomInit.model() + " (weights redrawn)"
            : "the relabellings' mean CV R^2 (no random-init baseline run)"));
    sb.append(String.format(Locale.ROOT, "%5s  %6s  %-33s  %-24s  %-33s  %-24s%n", "layer", "cos",
        "spatial x vs column", "CV R^2 | p | baseline", "temporal y vs frame", "CV R^2 | p | baseline"));
    for (GridLayer l : perLayer) {
      sb.append(String.format(Locale.ROOT, "%5d  %6s  %-33s  %-24s  %-33s  %-24s%n", l.layer(), f(l.axisCosine()),
          fit(l.spatial()), cv(l.spatial()), fit(l.temporal()), cv(l.temporal())));
    }
    sb.append("Spatial axis: ").append(spatialLinearity.text()).append(System.lineSeparator());
    sb.append("Temporal axis: ").append(temporalLinearity.text()).append(System.lineSeparator());
    return sb.toString();
  }

  private static String fit(Fit a) {
    return f(a.cellMeans()) + " | " + f(a.samples()) + " | " + f(a.cellMeansShuffled()) + " | "
        + f(a.samplesShuffled());
  }

  private String cv(Fit a) {
    return f(a.cvR2()) + " | " + f(a.cvPValue()) + " | " + f(randomInit != null ? a.randomInitCvR2() : a.cvPermutedMean());
  }

  private static String f(double v) {
    return Double.isNaN(v) ? "  -  " : String.format(Locale.ROOT, "%6.3f", v);
  }
}
