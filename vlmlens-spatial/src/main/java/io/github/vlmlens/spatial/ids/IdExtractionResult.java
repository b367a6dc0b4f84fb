package io.github.vlmlens.spatial.ids;

import io.github.vlmlens.core.API;
import io.github.vlmlens.core.analysis.HeldOutLinearity;
import java.util.ArrayList;
import io.github.vlmlens.core.analysis.Provenance;
import java.util.List;
import java.util.Objects;

/**
 * What a spatial-ID extraction found, per layer: the axes, how linear the code is, how much of the
 * IDs' variance the plane holds, the projected ID grid, and the comparison of plain and spatial
 * prompts. Immutable, and serialisable with Jackson as it stands. The ID tables themselves are in
 * {@link SpatialIds}.
 *
 * <p>Linearity is the {@code R^2} of an ordinary least-squares fit of the 2-D projected
 * coordinates on the true (column, row), with an intercept, pooled over the two coordinates
 * ({@code 1 - (SSR_x + SSR_y) / (SST_x + SST_y)}, which does not depend on how the plane's basis is
 * rotated). It is reported on the 16 (or {@code m^2}) universal cell IDs and on every centred
 * sample; beside each, the same pipeline (axes, plane, projection, fit) on IDs whose cell labels
 * were shuffled, because a 2-D fit of few points is high even for an unordered code.
 *
 * <p>Those figures are in-sample (axes and fit chosen on the points they judge; pure noise of width
 * 128 scores about 0.9 on cell means), so they describe and never decide. What decides is
 * out-of-sample ({@link HeldOutLinearity}): per layer, the axes and plane are refitted on
 * {@value HeldOutLinearity#DEFAULT_FOLDS}-fold training splits of the object pairs (of the A cells
 * when there is one pair; folds dealt by the config's seed), an OLS fit of the training IDs'
 * coordinates on (column, row) predicts the held-out pairs' IDs, and the pooled {@code R^2} of that
 * prediction is {@link LayerGeometry#cvR2()}; the same pipeline on randomly relabelled cells gives
 * its permutation p-value. {@link #linearity()} names a layer only where its cross-validated
 * {@code R^2} beats the baseline (the random-initialised model's where {@link #randomInit()} is
 * set, else the relabellings' mean) and {@code p < 0.05}.
 *
 * @param model the model's name
 * @param numLayers the model's number of decoder blocks {@code N}
 * @param hiddenSize the model's hidden size
 * @param layers the layers read (0 = embeddings, L = output of block L)
 * @param config the config the results come from
 * @param configHash a hash of the config, the model's name and the layers (checked on resume)
 * @param placementsPerPrompt the number of runs per prompt type: pairs x m^2 A cells x (m^2 - 1) B
 *     cells x sizes
 * @param geometry one entry per layer, ascending
 * @param bestLayer the layer with the highest in-sample per-sample {@code R^2}, or null when none is
 *     finite (where the scatter plots are drawn; descriptive, not a claim: see {@link #linearity()})
 * @param spatialScatter at the best layer, every spatial-prompt sample's uncentred activation
 *     projected on the plane (empty without plain prompts)
 * @param plainScatter the same for the plain prompts (empty without plain prompts)
 * @param idsFingerprint {@link SpatialIds#fingerprint()} of the extracted IDs
 * @param modelFingerprint the extracting model's weights fingerprint
 *     ({@link io.github.vlmlens.core.ModelInfo#fingerprint()})
 * @param randomInit the random-initialised baseline whose cross-validated {@code R^2} fills
 *     {@link LayerGeometry#randomInitCvR2()}, or {@code null} when none was run
 * @param linearity derived, recomputed from the geometry on construction (any value passed is
 *     ignored): the layer shown to be most linear, or -1, and the sentence that says so or why not
 * @param provenance versions, model (weights fingerprint, dtype, device), configuration, seeds,
 *     batch size and timestamps
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1.0")
public record IdExtractionResult(
    String model,
    int numLayers,
    int hiddenSize,
    List<Integer> layers,
    IdConfig config,
    String configHash,
    int placementsPerPrompt,
    List<LayerGeometry> geometry,
    Integer bestLayer,
    List<Point> spatialScatter,
    List<Point> plainScatter,
    String idsFingerprint,
    String modelFingerprint,
    HeldOutLinearity.RandomInitBaseline randomInit,
    HeldOutLinearity.Verdict linearity,
    Provenance provenance) {

  /** Copies the lists and derives {@link #linearity()}; a config without layers (every layer) is given the layers read. */
  public IdExtractionResult {
    Objects.requireNonNull(model, "model");
    Objects.requireNonNull(config, "config");
    layers = List.copyOf(layers);
    if (config.layers().isEmpty()) { // a result names its layers (files of 0.1.0 said "all" by [])
      config = config.toBuilder().layers(layers.stream().mapToInt(Integer::intValue).toArray()).build();
    }
    if (bestLayer != null && bestLayer < 0) { // files of 0.1.0 wrote -1 for none
      bestLayer = null;
    }
    geometry = List.copyOf(geometry);
    spatialScatter = List.copyOf(spatialScatter);
    plainScatter = List.copyOf(plainScatter);
    linearity = HeldOutLinearity.verdict(geometry.stream().map(LayerGeometry::layer).toList(), geometry,
        randomInit != null);
  }

  /**
   * This result with the cross-validated {@code R^2} of the same extraction on a random-initialised
   * copy of the model as its baseline ({@link LayerGeometry#randomInitCvR2()}), and the verdict
   * recomputed against it.
   *
   * @throws IllegalArgumentException when the baseline read other layers or another config, or
   *     comes from the same weights
   */
  public IdExtractionResult withRandomInitBaseline(IdExtractionResult baseline) {
    HeldOutLinearity.RandomInitBaseline b = HeldOutLinearity.RandomInitBaseline.of(modelFingerprint,
        List.of(config, layers), baseline.model(), baseline.modelFingerprint(), List.of(baseline.config(),
            baseline.layers()));
    List<LayerGeometry> merged = new ArrayList<>();
    for (int i = 0; i < geometry.size(); i++) {
      merged.add(geometry.get(i).withRandomInitCvR2(baseline.geometry().get(i).cvR2()));
    }
    return new IdExtractionResult(model, numLayers, hiddenSize, layers, config, configHash, placementsPerPrompt,
        merged, bestLayer, spatialScatter, plainScatter, idsFingerprint, modelFingerprint, b, null, provenance);
  }

  /** The terminal summary ({@link IdReport#summary}). */
  public String summary() {
    return IdReport.summary(this);
  }

  /**
   * The geometry at one layer.
   *
   * @throws IllegalArgumentException when the layer was not read
   */
  public LayerGeometry at(int layer) {
    for (LayerGeometry g : geometry) {
      if (g.layer() == layer) {
        return g;
      }
    }
    throw new IllegalArgumentException("layer " + layer + " was not read; layers: " + layers);
  }

  /**
   * The plane of one layer. Every value is NaN when the axes are degenerate (zero, or parallel), as
   * at the embedding layer, where the object word does not depend on the image.
   *
   * @param layer the layer
   * @param horizontalNorm the length of the horizontal axis {@code h_L}
   * @param verticalNorm the length of the vertical axis {@code v_L}
   * @param axisCosine the cosine between {@code h_L} and {@code v_L}
   * @param explainedVariance the fraction of the universal IDs' variance (about their mean) in the
   *     plane
   * @param r2CellMeans {@code R^2} on the universal cell IDs
   * @param r2PerSample {@code R^2} on every centred sample (each placement, pair, A cell and size)
   * @param shuffledR2CellMeans the mean of {@code r2CellMeans} over the shuffled-cell baselines
   * @param shuffledR2CellMeansMax its maximum over them
   * @param shuffledR2PerSample the mean of {@code r2PerSample} over the shuffled baselines
   * @param shuffledR2PerSampleMax its maximum over them
   * @param cvR2 the cross-validated {@code R^2} (axes, plane and fit from training folds of pairs,
   *     judged on the held-out pairs' IDs; see {@link HeldOutLinearity}); NaN without a plane
   * @param cvPValue its permutation p-value (cells relabelled, everything refitted)
   * @param cvPermutedMean the mean cross-validated {@code R^2} over the relabellings (the shuffled
   *     baseline)
   * @param cvFolds the number of folds
   * @param randomInitCvR2 the cross-validated {@code R^2} of a random-initialised copy of the model
   *     at this layer, NaN when none was run
   * @param cells the universal IDs projected on the plane (x along the first basis vector, which
   *     is {@code h_L} normalised; y along the part of {@code v_L} orthogonal to it)
   * @param plain the plain-prompt comparison, or {@code null} when plain prompts were off
   */
  @API(status = API.Status.EXPERIMENTAL, since = "0.1.0")
  public record LayerGeometry(
      int layer,
      double horizontalNorm,
      double verticalNorm,
      double axisCosine,
      double explainedVariance,
      double r2CellMeans,
      double r2PerSample,
      double shuffledR2CellMeans,
      double shuffledR2CellMeansMax,
      double shuffledR2PerSample,
      double shuffledR2PerSampleMax,
      double cvR2,
      double cvPValue,
      double cvPermutedMean,
      int cvFolds,
      double randomInitCvR2,
      List<CellPoint> cells,
      PlainComparison plain) implements HeldOutLinearity.Figures {
    /** Copies the list. */
    public LayerGeometry {
      cells = List.copyOf(cells);
    }

    /** This layer with another random-init baseline value. */
    public LayerGeometry withRandomInitCvR2(double value) {
      return new LayerGeometry(layer, horizontalNorm, verticalNorm, axisCosine, explainedVariance, r2CellMeans,
          r2PerSample, shuffledR2CellMeans, shuffledR2CellMeansMax, shuffledR2PerSample, shuffledR2PerSampleMax,
          cvR2, cvPValue, cvPermutedMean, cvFolds, value, cells, plain);
    }
  }

  /**
   * A cell's ID projected on the plane.
   *
   * @param row the cell's row (0 at the top)
   * @param column the cell's column (0 at the left)
   * @param x the coordinate along the first basis vector
   * @param y the coordinate along the second
   */
  @API(status = API.Status.EXPERIMENTAL, since = "0.1.0")
  public record CellPoint(int row, int column, double x, double y) {}

  /**
   * A point of a scatter plot on the plane.
   *
   * @param x the coordinate along the first basis vector
   * @param y the coordinate along the second
   */
  @API(status = API.Status.EXPERIMENTAL, since = "0.1.0")
  public record Point(double x, double y) {}

  /**
   * Plain prompts ("Is there a {B} in the image?") against spatial prompts on one layer's plane.
   *
   * @param r2CellMeans {@code R^2} of the plain prompts' cell IDs (centred per A cell within the
   *     plain runs, then averaged) projected on the spatial plane
   * @param r2PerSample the same on every centred plain sample
   * @param separation how far apart the uncentred activations of the two prompt types lie on the
   *     plane: the distance between their mean projections over the root mean of their total
   *     variances, {@code |mu_s - mu_p| / sqrt((tv_s + tv_p) / 2)}
   * @param spatialMeanX the spatial prompts' mean projection, x
   * @param spatialMeanY the spatial prompts' mean projection, y
   * @param plainMeanX the plain prompts' mean projection, x
   * @param plainMeanY the plain prompts' mean projection, y
   * @param cells the plain prompts' cell IDs projected on the spatial plane
   */
  @API(status = API.Status.EXPERIMENTAL, since = "0.1.0")
  public record PlainComparison(
      double r2CellMeans,
      double r2PerSample,
      double separation,
      double spatialMeanX,
      double spatialMeanY,
      double plainMeanX,
      double plainMeanY,
      List<CellPoint> cells) {
    /** Copies the list. */
    public PlainComparison {
      cells = List.copyOf(cells);
    }
  }
}
