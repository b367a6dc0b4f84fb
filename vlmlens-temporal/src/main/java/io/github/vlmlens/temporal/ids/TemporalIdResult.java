package io.github.vlmlens.temporal.ids;

import io.github.vlmlens.core.API;
import io.github.vlmlens.core.analysis.RunJournal;
import io.github.vlmlens.temporal.internal.IdTables;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * What a temporal-ID extraction found, per layer: the universal temporal IDs {@code TID_L(f)}
 * (one per frame), the time axis by both definitions and how linear the code is. Immutable;
 * serialisable with Jackson as it stands ({@link #write}, {@link #read}), so IDs extracted once
 * can be reused for steering.
 *
 * @param model the model's name
 * @param numLayers the model's number of decoder blocks
 * @param layers the layers read (0 = embeddings, L = block L's output)
 * @param config the config
 * @param configHash the run's identity (checked on resume)
 * @param sampleCount the number of videos run
 * @param frames the number of frames {@code F}
 * @param perLayer one entry per layer, in order
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1.0")
public record TemporalIdResult(
    String model,
    int numLayers,
    List<Integer> layers,
    TemporalIdConfig config,
    String configHash,
    int sampleCount,
    int frames,
    List<LayerIds> perLayer) {

  /** Copies the lists. */
  public TemporalIdResult {
    Objects.requireNonNull(model, "model");
    layers = List.copyOf(layers);
    perLayer = List.copyOf(perLayer);
  }

  /**
   * The temporal IDs and axes of one layer.
   *
   * @param layer the layer
   * @param ids {@code ids[f]}: the universal centred ID of frame {@code f}
   * @param orderedDifferenceAxis the analogue of the paper's axis formula,
   *     {@code 1 / C(F,2) * sum_{f1 > f2} [TID(f1) - TID(f2)]} (not normalised; all zero when the
   *     IDs are)
   * @param principalAxis the first principal direction of the IDs, unit length, oriented to agree
   *     with the ordered-difference axis (all zero when the IDs are all equal)
   * @param axisCosine the cosine between the two axes (NaN when either is zero)
   * @param orderedDifference the linearity of the code along the ordered-difference axis
   * @param principal the linearity along the principal axis
   */
  @API(status = API.Status.EXPERIMENTAL, since = "0.1.0")
  public record LayerIds(
      int layer,
      float[][] ids,
      float[] orderedDifferenceAxis,
      float[] principalAxis,
      double axisCosine,
      AxisFit orderedDifference,
      AxisFit principal) {}

  /**
   * How linearly the IDs and the samples line up with the frame index along one axis (unit
   * vector {@code u}). NaN where undefined (a zero axis, constant coordinates).
   *
   * @param rSquaredFrameMeans {@code R^2} of the fit of {@code <TID(f), u>} against {@code f}
   *     ({@code F} points)
   * @param rSquaredSamples {@code R^2} of the fit of {@code <Delta_i, u>} against each sample's
   *     frame (every sample)
   * @param rSquaredFrameMeansShuffled the same on frame means after shuffling the frame labels
   *     within each pair and anchor frame (axis and IDs recomputed), averaged over the shuffles
   * @param rSquaredSamplesShuffled the per-sample figure of the shuffled baseline
   * @param explainedVariance the fraction of the IDs' variance along {@code u}
   * @param frameCoordinates {@code <TID(f), u>} for each frame
   */
  @API(status = API.Status.EXPERIMENTAL, since = "0.1.0")
  public record AxisFit(
      double rSquaredFrameMeans,
      double rSquaredSamples,
      double rSquaredFrameMeansShuffled,
      double rSquaredSamplesShuffled,
      double explainedVariance,
      double[] frameCoordinates) {}

  /**
   * The entry of one layer.
   *
   * @throws IllegalArgumentException when the layer was not read
   */
  public LayerIds layer(int layer) {
    for (LayerIds l : perLayer) {
      if (l.layer() == layer) {
        return l;
      }
    }
    throw new IllegalArgumentException("layer " + layer + " was not read; the layers are " + layers);
  }

  /** The temporal IDs of a layer, {@code [frame][hidden]}, as doubles. */
  public double[][] ids(int layer) {
    return IdTables.toDouble(layer(layer).ids());
  }

  /**
   * Writes the result as indented JSON.
   *
   * @throws java.io.UncheckedIOException when the file cannot be written
   */
  public void write(Path file) {
    RunJournal.writeJson(file, this);
  }

  /**
   * Reads a result written by {@link #write} or by an extraction.
   *
   * @throws java.io.UncheckedIOException naming the file when it cannot be read or is not a result
   */
  public static TemporalIdResult read(Path file) {
    return RunJournal.readJson(file, TemporalIdResult.class);
  }

  /** A plain-text summary: per layer, the axis cosine and the linearity figures. */
  public String summary() {
    StringBuilder sb = new StringBuilder();
    sb.append(String.format(Locale.ROOT,
        "temporal IDs on %s (%d blocks): %d videos, %d frames, %d pair(s), %d position(s) per frame%n",
        model, numLayers, sampleCount, frames, config.pairs().size(), config.positionsPerFrame()));
    sb.append(String.format(Locale.ROOT,
        "R^2 of the projection against the frame index (frame means | per sample | shuffled means | shuffled"
            + " samples); cos = cosine(principal, ordered-difference axis)%n"));
    sb.append(String.format(Locale.ROOT, "%5s  %6s  %-33s  %-33s%n", "layer", "cos", "principal axis",
        "ordered-difference axis"));
    for (LayerIds l : perLayer) {
      sb.append(String.format(Locale.ROOT, "%5d  %6s  %-33s  %-33s%n", l.layer(), f(l.axisCosine()),
          fit(l.principal()), fit(l.orderedDifference())));
    }
    return sb.toString();
  }

  private static String fit(AxisFit a) {
    return f(a.rSquaredFrameMeans()) + " | " + f(a.rSquaredSamples()) + " | " + f(a.rSquaredFrameMeansShuffled())
        + " | " + f(a.rSquaredSamplesShuffled());
  }

  private static String f(double v) {
    return Double.isNaN(v) ? "  -  " : String.format(Locale.ROOT, "%5.3f", v);
  }
}
