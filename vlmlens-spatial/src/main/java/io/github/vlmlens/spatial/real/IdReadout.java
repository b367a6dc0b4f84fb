package io.github.vlmlens.spatial.real;

import io.github.vlmlens.core.API;
import java.util.List;

/**
 * One sample's ID readout (journaled per sample): the model's answer and, per layer, the object
 * words' coordinates on the ID axes, extracted ({@code ext}: image+text activation minus the
 * text-only one, along {@code h_L} or {@code v_L}) and ground truth ({@code gt}: the universal IDs'
 * coordinates interpolated at the box centres; NaN without boxes).
 *
 * @param id the sample id
 * @param relation the true relation
 * @param first the answer word offered first, as read
 * @param second the answer word offered second, as read
 * @param logPFirst log P(first) at the last prompt position (NaN when the words are not single tokens)
 * @param logPSecond log P(second)
 * @param fingerprint the inputs' fingerprint
 * @param layers the per-layer coordinates
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1.0")
public record IdReadout(
    String id, Relation relation, String first, String second, double logPFirst, double logPSecond,
    String fingerprint, List<Layer> layers) {

  /**
   * Coordinates at one layer.
   *
   * @param layer the layer
   * @param extSubjectH the subject's extracted coordinate along {@code h_L}
   * @param extObjectH the object's extracted coordinate along {@code h_L}
   * @param extSubjectV the subject's extracted coordinate along {@code v_L}
   * @param extObjectV the object's extracted coordinate along {@code v_L}
   * @param gtSubjectH the subject's ground-truth coordinate along {@code h_L}
   * @param gtObjectH the object's ground-truth coordinate along {@code h_L}
   * @param gtSubjectV the subject's ground-truth coordinate along {@code v_L}
   * @param gtObjectV the object's ground-truth coordinate along {@code v_L}
   */
  public record Layer(
      int layer, double extSubjectH, double extObjectH, double extSubjectV, double extObjectV,
      double gtSubjectH, double gtObjectH, double gtSubjectV, double gtObjectV) {}

  /** Copies the layers. */
  public IdReadout {
    layers = List.copyOf(layers);
  }

  /** Whether the answer was read. */
  public boolean answered() {
    return !Double.isNaN(logPFirst) && !Double.isNaN(logPSecond);
  }

  /** Whether the model prefers the true answer (false when not read). */
  public boolean correct() {
    return answered() && (relation.isFirst() ? logPFirst > logPSecond : logPSecond > logPFirst);
  }

  /** The coordinates at {@code layer}. */
  public Layer at(int layer) {
    for (Layer l : layers) {
      if (l.layer() == layer) {
        return l;
      }
    }
    throw new IllegalArgumentException("sample '" + id + "' has no readout at layer " + layer);
  }
}
