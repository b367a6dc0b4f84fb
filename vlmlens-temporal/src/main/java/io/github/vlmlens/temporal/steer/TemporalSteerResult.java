package io.github.vlmlens.temporal.steer;

import io.github.vlmlens.core.API;
import io.github.vlmlens.core.analysis.Estimate;
import io.github.vlmlens.core.analysis.Provenance;
import io.github.vlmlens.core.analysis.RunJournal;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * What a temporal steering experiment found: per layer, the percentage of beliefs flipped by
 * steering with temporal IDs and by random directions of the same norm, with bootstrap intervals;
 * and every sample's raw margins. Immutable; serialisable with Jackson.
 *
 * @param model the model's name
 * @param numLayers the model's number of decoder blocks
 * @param idsModel the model the temporal IDs were extracted from
 * @param layers the layers steered
 * @param config the config
 * @param configHash the run's identity (checked on resume)
 * @param sampleCount the number of videos
 * @param accuracy the fraction of videos answered correctly without steering
 * @param perLayer the flip rates per layer, in order
 * @param samples every sample's raw values
 * @param provenance versions, model (weights fingerprint, dtype, device), configuration, seeds,
 *     batch size and timestamps
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1.0")
public record TemporalSteerResult(
    String model,
    int numLayers,
    String idsModel,
    List<Integer> layers,
    TemporalSteerConfig config,
    String configHash,
    int sampleCount,
    double accuracy,
    List<LayerFlips> perLayer,
    List<Sample> samples,
    Provenance provenance) {

  /** Copies the lists; a config without layers (every layer) is given the layers used. */
  public TemporalSteerResult {
    Objects.requireNonNull(model, "model");
    layers = List.copyOf(layers);
    if (config != null && config.layers().isEmpty()) { // a result names its layers (0.1.0 files said "all" by [])
      config = config.withLayers(layers);
    }
    perLayer = List.copyOf(perLayer);
    samples = List.copyOf(samples);
  }

  /**
   * The flip rates of one layer, in percent.
   *
   * @param layer the layer
   * @param withIds the percentage of beliefs flipped by the temporal-ID vectors
   * @param withNoise the percentage flipped by random directions of the same norms (each sample
   *     counts the fraction of its noise draws that flip)
   * @param meanAddedNorm the mean norm of the vectors added (per word)
   */
  @API(status = API.Status.EXPERIMENTAL, since = "0.1.0")
  public record LayerFlips(int layer, Estimate withIds, Estimate withNoise, double meanAddedNorm) {}

  /**
   * One sample's raw values. Margins are {@code log P(before) - log P(after)} in the answer form
   * read; a belief flips when the margin's sign differs from the unsteered one.
   *
   * @param id the sample's id
   * @param fingerprint what identifies it (checked on resume)
   * @param correct the correct answer (lowercase)
   * @param frames the frames of the first- and second-named objects
   * @param margin the unsteered margin
   * @param layers per layer steered, in order
   */
  @API(status = API.Status.EXPERIMENTAL, since = "0.1.0")
  public record Sample(
      String id, String fingerprint, String correct, List<Integer> frames, double margin, List<Steered> layers) {
    /** Copies the lists. */
    public Sample {
      frames = List.copyOf(frames);
      layers = List.copyOf(layers);
    }
  }

  /**
   * The steered runs of one sample at one layer.
   *
   * @param layer the layer
   * @param idMargin the margin with the temporal-ID vectors added
   * @param noiseMargins the margins with each noise draw added
   * @param addedNorms the norms of the vectors added to the first- and second-named object words
   */
  @API(status = API.Status.EXPERIMENTAL, since = "0.1.0")
  public record Steered(int layer, double idMargin, List<Double> noiseMargins, List<Double> addedNorms) {
    /** Copies the lists. */
    public Steered {
      noiseMargins = List.copyOf(noiseMargins);
      addedNorms = List.copyOf(addedNorms);
    }
  }

  /**
   * The flip rates of one layer.
   *
   * @throws IllegalArgumentException when the layer was not steered
   */
  public LayerFlips layer(int layer) {
    for (LayerFlips l : perLayer) {
      if (l.layer() == layer) {
        return l;
      }
    }
    throw new IllegalArgumentException("layer " + layer + " was not steered; the layers are " + layers);
  }

  /** Writes the result as indented JSON. */
  public void write(Path file) {
    RunJournal.writeJson(file, this);
  }

  /** Reads a result written by {@link #write}. */
  public static TemporalSteerResult read(Path file) {
    return RunJournal.readJson(file, TemporalSteerResult.class);
  }

  /** A plain-text summary: per layer, % flipped with IDs and with noise. */
  public String summary() {
    StringBuilder sb = new StringBuilder();
    String how = config.scaling() == TemporalSteerConfig.Scaling.ABSOLUTE
        ? "alpha = " + config.alpha()
        : "norm = " + config.alpha() + " x activation norm";
    sb.append(String.format(Locale.ROOT,
        "temporal steering on %s (%d blocks), IDs from %s: %d videos, accuracy unsteered %.3f, %s%n",
        model, numLayers, idsModel, sampleCount, accuracy, how));
    sb.append(String.format(Locale.ROOT, "%% beliefs flipped [%.0f%% bootstrap interval]%n", 100 * config.confidence()));
    sb.append(String.format(Locale.ROOT, "%5s  %-24s  %-24s  %s%n", "layer", "temporal IDs", "same-norm noise",
        "mean norm added"));
    for (LayerFlips l : perLayer) {
      sb.append(String.format(Locale.ROOT, "%5d  %-24s  %-24s  %.3f%n", l.layer(), pct(l.withIds()),
          pct(l.withNoise()), l.meanAddedNorm()));
    }
    return sb.toString();
  }

  private static String pct(Estimate e) {
    return e.n() == 0 ? "-" : String.format(Locale.ROOT, "%5.1f [%5.1f, %5.1f]", e.mean(), e.lower(), e.upper());
  }
}
