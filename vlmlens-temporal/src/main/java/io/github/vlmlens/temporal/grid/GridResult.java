package io.github.vlmlens.temporal.grid;

import io.github.vlmlens.core.API;
import io.github.vlmlens.core.analysis.RunJournal;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * What a spatiotemporal grid found, per layer: the horizontal (spatial) and temporal axes, the
 * cosine between them, the ID grid projected onto their plane and how linearly each coordinate
 * follows its index. Immutable; serialisable with Jackson.
 *
 * @param model the model's name
 * @param numLayers the model's number of decoder blocks
 * @param layers the layers read
 * @param config the config
 * @param configHash the run's identity (checked on resume)
 * @param sampleCount the number of videos run
 * @param perLayer one entry per layer, in order
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1.0")
public record GridResult(
    String model,
    int numLayers,
    List<Integer> layers,
    GridConfig config,
    String configHash,
    int sampleCount,
    List<GridLayer> perLayer) {

  /** Copies the lists. */
  public GridResult {
    Objects.requireNonNull(model, "model");
    layers = List.copyOf(layers);
    perLayer = List.copyOf(perLayer);
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
   */
  @API(status = API.Status.EXPERIMENTAL, since = "0.1.0")
  public record Fit(double cellMeans, double samples, double cellMeansShuffled, double samplesShuffled) {}

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
    sb.append(String.format(Locale.ROOT, "%5s  %6s  %-33s  %-33s%n", "layer", "cos", "spatial x vs column",
        "temporal y vs frame"));
    for (GridLayer l : perLayer) {
      sb.append(String.format(Locale.ROOT, "%5d  %6s  %-33s  %-33s%n", l.layer(), f(l.axisCosine()),
          fit(l.spatial()), fit(l.temporal())));
    }
    return sb.toString();
  }

  private static String fit(Fit a) {
    return f(a.cellMeans()) + " | " + f(a.samples()) + " | " + f(a.cellMeansShuffled()) + " | "
        + f(a.samplesShuffled());
  }

  private static String f(double v) {
    return Double.isNaN(v) ? "  -  " : String.format(Locale.ROOT, "%6.3f", v);
  }
}
