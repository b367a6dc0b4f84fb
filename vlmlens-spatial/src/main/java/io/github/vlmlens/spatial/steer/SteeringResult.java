package io.github.vlmlens.spatial.steer;

import io.github.vlmlens.core.API;
import io.github.vlmlens.core.analysis.Estimate;
import io.github.vlmlens.core.analysis.Provenance;
import io.github.vlmlens.spatial.scene.QuestionAxis;
import java.util.List;
import java.util.Objects;

/**
 * What a steering experiment found. Immutable, and serialisable with Jackson as it stands.
 *
 * <p>Beliefs are {@code log P(first answer) - log P(second answer)} at the last position (natural
 * logs), the first answer being {@code left} or {@code above}. A belief is swapped when its sign
 * differs from the unsteered run's; a belief is correct when its sign picks the correct answer.
 *
 * @param model the model's name
 * @param mode the experiment
 * @param config the config the results come from
 * @param configHash a hash of the mode, config, model, layers and IDs (checked on resume)
 * @param idsFingerprint the fingerprint of the IDs steered with
 * @param layers the layers steered (0 = embeddings, L = output of block L)
 * @param gridSize the grid's {@code m}
 * @param sampleCount the number of scenes
 * @param baselineAccuracy the fraction of scenes answered correctly without steering
 * @param curves per layer rates: for {@link SteeringMode#ADVERSARIAL} the fraction swapped with
 *     IDs and with noise; for {@link SteeringMode#CROSS_AXIS} with in-axis and cross-axis IDs; for
 *     {@link SteeringMode#ORACLE} the accuracy with mean + ID, with the mean alone, and without
 *     intervention; empty for {@link SteeringMode#ARBITRARY}
 * @param beliefMaps for {@link SteeringMode#ARBITRARY}, one map per axis and layer; else empty
 * @param samples every scene's raw values
 * @param provenance versions, model (weights fingerprint, dtype, device), configuration, seeds,
 *     batch size and timestamps
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1.0")
public record SteeringResult(
    String model,
    SteeringMode mode,
    SteerConfig config,
    String configHash,
    String idsFingerprint,
    List<Integer> layers,
    int gridSize,
    int sampleCount,
    double baselineAccuracy,
    List<Curve> curves,
    List<BeliefMap> beliefMaps,
    List<Sample> samples,
    Provenance provenance) {

  /** Copies the lists; a config without layers (every layer of the IDs) is given the layers steered. */
  public SteeringResult {
    Objects.requireNonNull(model, "model");
    Objects.requireNonNull(mode, "mode");
    Objects.requireNonNull(config, "config");
    layers = List.copyOf(layers);
    if (config.layers().isEmpty()) { // a result names its layers (files of 0.1.0 said "all" by [])
      config = config.toBuilder().layers(layers.stream().mapToInt(Integer::intValue).toArray()).build();
    }
    curves = List.copyOf(curves);
    beliefMaps = List.copyOf(beliefMaps);
    samples = List.copyOf(samples);
  }

  /** The terminal summary ({@link SteeringReport#summary}). */
  public String summary() {
    return SteeringReport.summary(this);
  }

  /**
   * The curve of a name and scope.
   *
   * @throws IllegalArgumentException listing the curves when there is none
   */
  public Curve curve(String name, String scope) {
    for (Curve c : curves) {
      if (c.name().equals(name) && c.scope().equals(scope)) {
        return c;
      }
    }
    throw new IllegalArgumentException(
        "no curve '" + name + "' for " + scope + "; curves: "
            + curves.stream().map(c -> c.name() + " (" + c.scope() + ")").toList());
  }

  /**
   * A rate by layer, with its bootstrap interval.
   *
   * @param name what is measured, for example {@code "IDs"} or {@code "noise"}
   * @param scope {@code "horizontal"}, {@code "vertical"} (the question axis) or {@code "all"}
   * @param measure {@code "swapped"} (fraction of beliefs swapped) or {@code "accuracy"}
   * @param points one per layer, ascending
   */
  @API(status = API.Status.EXPERIMENTAL, since = "0.1.0")
  public record Curve(String name, String scope, String measure, List<LayerEstimate> points) {
    /** Copies the list. */
    public Curve {
      points = List.copyOf(points);
    }

    /**
     * The estimate at one layer.
     *
     * @throws IllegalArgumentException when the layer was not steered
     */
    public Estimate at(int layer) {
      for (LayerEstimate p : points) {
        if (p.layer() == layer) {
          return p.estimate();
        }
      }
      throw new IllegalArgumentException("layer " + layer + " was not steered for " + name);
    }
  }

  /**
   * A rate at one layer: the mean of 0/1 indicators over scenes, with its bootstrap interval.
   *
   * @param layer the layer
   * @param estimate the rate
   */
  @API(status = API.Status.EXPERIMENTAL, since = "0.1.0")
  public record LayerEstimate(int layer, Estimate estimate) {}

  /**
   * The mean belief after moving B's ID to each cell, for one axis and layer.
   *
   * @param axis the question axis
   * @param layer the layer
   * @param aRow A's row
   * @param aColumn A's column
   * @param answer the second answer word ({@code right} or {@code below}), whose probability among
   *     the two answers, {@code 1 / (1 + exp(belief))}, is averaged
   * @param n the number of scenes averaged
   * @param baseline the same mean without steering
   * @param probability {@code probability.get(row).get(column)}: the mean with B's ID moved to that
   *     cell
   */
  @API(status = API.Status.EXPERIMENTAL, since = "0.1.0")
  public record BeliefMap(
      QuestionAxis axis, int layer, int aRow, int aColumn, String answer, int n, double baseline,
      List<List<Double>> probability) {
    /** Copies the rows. */
    public BeliefMap {
      probability = probability.stream().map(List::copyOf).toList();
    }
  }

  /**
   * One scene's raw values.
   *
   * @param id the scene's id
   * @param axis the question axis
   * @param a the reference object
   * @param b the object asked about
   * @param aRow A's row
   * @param aColumn A's column
   * @param bRow B's row
   * @param bColumn B's column
   * @param sizeIndex the objects' size
   * @param first the first answer word as read ({@code left} or {@code above}, in the answer form)
   * @param second the second answer word
   * @param correct the correct answer word
   * @param fingerprint a hash of the scene's input and words (checked on resume)
   * @param baseline the unsteered belief
   * @param readouts the steered runs
   */
  @API(status = API.Status.EXPERIMENTAL, since = "0.1.0")
  public record Sample(
      String id, QuestionAxis axis, String a, String b, int aRow, int aColumn, int bRow, int bColumn,
      int sizeIndex, String first, String second, String correct, String fingerprint, double baseline,
      List<Readout> readouts) {
    /** Copies the list. */
    public Sample {
      readouts = List.copyOf(readouts);
    }
  }

  /**
   * One steered run.
   *
   * @param layer the layer steered
   * @param kind {@code "ids"}, {@code "noise"}, {@code "cross"}, {@code "target"},
   *     {@code "oracle"} or {@code "mean-only"}
   * @param targetRow for {@code "target"}: the cell B's ID was moved to; else -1
   * @param targetColumn likewise
   * @param belief the steered belief
   * @param normB the norm of the vector added at B's word (of the replacement, for the oracle)
   * @param normA the norm of the vector added at A's word (0 when A was not steered)
   */
  @API(status = API.Status.EXPERIMENTAL, since = "0.1.0")
  public record Readout(
      int layer, String kind, int targetRow, int targetColumn, double belief, double normB, double normA) {}
}
