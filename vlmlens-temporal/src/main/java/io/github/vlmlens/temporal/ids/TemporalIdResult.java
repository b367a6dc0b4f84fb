package io.github.vlmlens.temporal.ids;

import io.github.vlmlens.core.API;
import io.github.vlmlens.core.analysis.HeldOutLinearity;
import io.github.vlmlens.core.analysis.Provenance;
import io.github.vlmlens.core.analysis.RunJournal;
import io.github.vlmlens.temporal.internal.IdTables;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * What a temporal-ID extraction found, per layer: the universal temporal IDs {@code TID_L(f)}
 * (one per frame), the time axis by both definitions and how linear the code is. Immutable;
 * serialisable with Jackson as it stands ({@link #write}, {@link #read}), so IDs extracted once
 * can be reused for steering.
 *
 * <p>The {@code R^2} figures of {@link AxisFit} are in-sample and describe only (pure noise scores
 * high on a few frame means). What decides is out-of-sample ({@link HeldOutLinearity}): the axis
 * refitted on {@value HeldOutLinearity#DEFAULT_FOLDS}-fold training splits of the pairs (of the
 * anchor frames with one pair; dealt by the config's seed), judged by how well an OLS fit of the
 * training IDs' coordinates on the frame index predicts the held-out IDs', with a permutation
 * p-value from relabelled frames. {@link #linearity()} (on the principal axis) names a layer only
 * where that cross-validated {@code R^2} beats the baseline (the random-initialised model's where
 * {@link #randomInit()} is set, else the relabellings' mean) and {@code p < 0.05}.
 *
 * @param model the model's name
 * @param numLayers the model's number of decoder blocks
 * @param layers the layers read (0 = embeddings, L = block L's output)
 * @param config the config
 * @param configHash the run's identity (checked on resume)
 * @param sampleCount the number of videos run
 * @param frames the number of frames {@code F}
 * @param perLayer one entry per layer, in order
 * @param modelFingerprint the extracting model's weights fingerprint
 *     ({@link io.github.vlmlens.core.ModelInfo#fingerprint()}); steering checks it; {@code null}
 *     in files written before it was recorded
 * @param randomInit the random-initialised baseline whose cross-validated {@code R^2} fills
 *     {@link AxisFit#randomInitCvR2()}, or {@code null} when none was run
 * @param linearity derived, recomputed from the principal axis's figures on construction (any
 *     value passed is ignored): the layer shown to be most linear, or -1, and the sentence
 * @param provenance versions, model (weights fingerprint, dtype, device), configuration, seeds,
 *     batch size and timestamps
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
    List<LayerIds> perLayer,
    String modelFingerprint,
    HeldOutLinearity.RandomInitBaseline randomInit,
    HeldOutLinearity.Verdict linearity,
    Provenance provenance) {

  /** Copies the lists and derives {@link #linearity()}; a config without layers (every layer) is given the layers used. */
  public TemporalIdResult {
    Objects.requireNonNull(model, "model");
    layers = List.copyOf(layers);
    if (config != null && config.layers().isEmpty()) { // a result names its layers (0.1.0 files said "all" by [])
      config = config.withLayers(layers);
    }
    perLayer = List.copyOf(perLayer);
    linearity = HeldOutLinearity.verdict(layers, perLayer.stream().map(LayerIds::principal).toList(),
        randomInit != null);
  }

  /**
   * This result with the cross-validated {@code R^2} of the same extraction on a random-initialised
   * copy of the model as the baseline of both axes, and the verdict recomputed against it.
   *
   * @throws IllegalArgumentException when the baseline read other layers or another config, or
   *     comes from the same weights
   */
  public TemporalIdResult withRandomInitBaseline(TemporalIdResult baseline) {
    HeldOutLinearity.RandomInitBaseline base = HeldOutLinearity.RandomInitBaseline.of(modelFingerprint,
        List.of(config, layers), baseline.model(), baseline.modelFingerprint(), List.of(baseline.config(),
            baseline.layers()));
    List<LayerIds> merged = new ArrayList<>();
    for (int i = 0; i < perLayer.size(); i++) {
      LayerIds l = perLayer.get(i);
      LayerIds b = baseline.perLayer().get(i);
      merged.add(new LayerIds(l.layer(), l.ids(), l.orderedDifferenceAxis(), l.principalAxis(), l.axisCosine(),
          l.orderedDifference().withRandomInitCvR2(b.orderedDifference().cvR2()),
          l.principal().withRandomInitCvR2(b.principal().cvR2())));
    }
    return new TemporalIdResult(model, numLayers, layers, config, configHash, sampleCount, frames, merged,
        modelFingerprint, base, null, provenance);
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
   * @param cvR2 the cross-validated {@code R^2} of this axis (see the class comment); NaN when a
   *     fold has no axis
   * @param cvPValue its permutation p-value (frames relabelled, everything refitted)
   * @param cvPermutedMean the mean cross-validated {@code R^2} over the relabellings
   * @param cvFolds the number of folds
   * @param randomInitCvR2 the random-initialised model's cross-validated {@code R^2}, NaN when none
   *     was run
   */
  @API(status = API.Status.EXPERIMENTAL, since = "0.1.0")
  public record AxisFit(
      double rSquaredFrameMeans,
      double rSquaredSamples,
      double rSquaredFrameMeansShuffled,
      double rSquaredSamplesShuffled,
      double explainedVariance,
      double[] frameCoordinates,
      double cvR2,
      double cvPValue,
      double cvPermutedMean,
      int cvFolds,
      double randomInitCvR2) implements HeldOutLinearity.Figures {
    /** This fit with another random-init baseline value. */
    public AxisFit withRandomInitCvR2(double value) {
      return new AxisFit(rSquaredFrameMeans, rSquaredSamples, rSquaredFrameMeansShuffled, rSquaredSamplesShuffled,
          explainedVariance, frameCoordinates, cvR2, cvPValue, cvPermutedMean, cvFolds, value);
    }
  }

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

  /**
   * Checks that these IDs come from {@code vlm} (by weights fingerprint) before steering it.
   *
   * @param allowForeign whether to accept another or an unknown model's IDs anyway
   * @throws IllegalArgumentException naming both fingerprints otherwise
   */
  public void requireFrom(io.github.vlmlens.core.HookedVlm vlm, boolean allowForeign) {
    io.github.vlmlens.core.analysis.IdProvenance.requireSameModel(
        "the temporal IDs", model, modelFingerprint, vlm, allowForeign);
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
    sb.append(String.format(Locale.ROOT,
        "CV R^2 | p | baseline: axis fitted on %s, judged on the held-out IDs; p from %d frame relabellings;"
            + " baseline: %s%n", config.pairs().size() >= 2 ? "k-fold splits of the pairs"
            : "k-fold splits of the anchor frames (one pair)", config.permutations(),
        randomInit != null ? "the same extraction on " + randomInit.model() + " (weights redrawn)"
            : "the relabellings' mean CV R^2 (no random-init baseline run)"));
    sb.append(String.format(Locale.ROOT, "%5s  %6s  %-33s  %-22s  %-33s  %-22s%n", "layer", "cos", "principal axis",
        "CV R^2 | p | baseline", "ordered-difference axis", "CV R^2 | p | baseline"));
    for (LayerIds l : perLayer) {
      sb.append(String.format(Locale.ROOT, "%5d  %6s  %-33s  %-22s  %-33s  %-22s%n", l.layer(), f(l.axisCosine()),
          fit(l.principal()), cv(l.principal()), fit(l.orderedDifference()), cv(l.orderedDifference())));
    }
    sb.append("Principal axis: ").append(linearity.text()).append(System.lineSeparator());
    return sb.toString();
  }

  private String cv(AxisFit a) {
    return f(a.cvR2()) + " | " + f(a.cvPValue()) + " | " + f(randomInit != null ? a.randomInitCvR2() : a.cvPermutedMean());
  }

  private static String fit(AxisFit a) {
    return f(a.rSquaredFrameMeans()) + " | " + f(a.rSquaredSamples()) + " | " + f(a.rSquaredFrameMeansShuffled())
        + " | " + f(a.rSquaredSamplesShuffled());
  }

  private static String f(double v) {
    return Double.isNaN(v) ? "  -  " : String.format(Locale.ROOT, "%5.3f", v);
  }
}
