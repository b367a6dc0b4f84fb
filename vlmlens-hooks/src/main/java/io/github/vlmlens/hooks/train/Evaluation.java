package io.github.vlmlens.hooks.train;

import io.github.vlmlens.core.API;
import io.github.vlmlens.core.HookedVlm;
import java.util.Map;

/**
 * A periodic evaluation of the model being trained (held-out accuracy on synthetic scenes, on a
 * real-image set, ...): named numbers. It runs on the live weights and must not change them.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.2.0")
@FunctionalInterface
public interface Evaluation {
  /** An evaluation that measures nothing. */
  Evaluation NONE = vlm -> Map.of();

  /** Named results (e.g. {@code "held_out_pairs" -> 0.93}), in a stable order. */
  Map<String, Double> evaluate(HookedVlm vlm);
}
