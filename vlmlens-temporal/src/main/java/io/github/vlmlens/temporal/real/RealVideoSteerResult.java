package io.github.vlmlens.temporal.real;

import io.github.vlmlens.core.API;
import io.github.vlmlens.core.analysis.Provenance;
import io.github.vlmlens.temporal.steer.TemporalSteerResult.LayerFlips;
import io.github.vlmlens.temporal.steer.TemporalSteerResult.Steered;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * The result of steering user videos with temporal IDs ({@link RealVideoSteering}).
 *
 * @param model the steered model
 * @param idsModel the model the temporal IDs were extracted from
 * @param frames the frames sampled from each video (the IDs' frame count)
 * @param layers the layers steered
 * @param config the settings
 * @param sampleCount the number of videos
 * @param labelled how many of them carry their true answer
 * @param accuracy the model's accuracy on the labelled videos (unsteered), NaN without labels
 * @param perLayer per layer, the % of beliefs flipped with the IDs and with same-norm noise
 * @param warnings what makes these numbers weak; empty when nothing does
 * @param samples every video's record, in input order
 * @param provenance versions, model, configuration, seeds, times
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1.0")
public record RealVideoSteerResult(
    String model,
    String idsModel,
    int frames,
    List<Integer> layers,
    RealVideoSteerConfig config,
    int sampleCount,
    int labelled,
    double accuracy,
    List<LayerFlips> perLayer,
    List<String> warnings,
    List<Sample> samples,
    Provenance provenance) {

  /** Copies the lists. */
  public RealVideoSteerResult {
    Objects.requireNonNull(model, "model");
    layers = List.copyOf(layers);
    perLayer = List.copyOf(perLayer);
    warnings = List.copyOf(warnings);
    samples = List.copyOf(samples);
  }

  /**
   * One video.
   *
   * @param id the entry's id
   * @param source where the entry comes from
   * @param earlier the answer word meaning "the first-named object comes first" ({@code before}
   *     or {@code earlier}, spelled as in the candidates)
   * @param later its partner
   * @param answer the true answer, or {@code null} for an unlabelled video
   * @param margin {@code log P(earlier) - log P(later)} unsteered: the model's belief
   * @param towardLater whether the first object word was pushed to the last frame (and the second
   *     to the first): the model believed it came first ({@code margin > 0})
   * @param layers per layer, the steered margins with the IDs and with noise, and the added norms
   */
  @API(status = API.Status.EXPERIMENTAL, since = "0.1.0")
  public record Sample(
      String id,
      String source,
      String earlier,
      String later,
      String answer,
      double margin,
      boolean towardLater,
      List<Steered> layers) {
    /** Copies the list. */
    public Sample {
      layers = List.copyOf(layers);
    }
  }

  /** The flip rates at one layer. */
  public LayerFlips layer(int layer) {
    for (LayerFlips f : perLayer) {
      if (f.layer() == layer) {
        return f;
      }
    }
    throw new IllegalArgumentException("layer " + layer + " was not steered; the layers are " + layers);
  }

  /** Reads a result written by the steering ({@code result.json}). */
  public static RealVideoSteerResult read(java.nio.file.Path file) {
    return io.github.vlmlens.core.analysis.RunJournal.readJson(file, RealVideoSteerResult.class);
  }

  /** A terminal summary. */
  public String summary() {
    StringBuilder sb = new StringBuilder();
    sb.append(String.format(Locale.ROOT,
        "temporal steering of user videos on %s with the temporal IDs of %s: %d videos of %d frames (%d labelled",
        model, idsModel, sampleCount, frames, labelled));
    sb.append(labelled > 0 ? String.format(Locale.ROOT, ", accuracy %.3f)%n", accuracy) : ")\n");
    sb.append("% beliefs flipped by layer [95% bootstrap interval]\n");
    sb.append("layer  with temporal IDs          with same-norm noise       mean added norm\n");
    for (LayerFlips f : perLayer) {
      sb.append(String.format(Locale.ROOT, "%5d  %6.1f [%5.1f, %5.1f]      %6.1f [%5.1f, %5.1f]      %.3f%n",
          f.layer(), f.withIds().mean(), f.withIds().lower(), f.withIds().upper(),
          f.withNoise().mean(), f.withNoise().lower(), f.withNoise().upper(), f.meanAddedNorm()));
    }
    for (String w : warnings) {
      sb.append("warning: ").append(w).append('\n');
    }
    return sb.toString();
  }
}
