package io.github.vlmlens.spatial.ids.internal;

import io.github.vlmlens.core.HookPoint;
import io.github.vlmlens.core.HookedVlm;
import java.util.ArrayList;
import java.util.List;

/** The residual-stream layers an analysis reads, checked against the model. */
public final class ModelLayers {
  private ModelLayers() {}

  /**
   * The configured layers checked against the model, or {@code 0..N} when none are given.
   *
   * @throws IllegalArgumentException naming the layers the model does not have
   */
  public static List<Integer> resolve(HookedVlm vlm, List<Integer> configured) {
    int n = vlm.numLayers();
    List<Integer> out = new ArrayList<>();
    if (configured.isEmpty()) {
      for (int l = 0; l <= n; l++) {
        out.add(l);
      }
    } else {
      out.addAll(configured);
    }
    List<HookPoint> points = vlm.hookPoints();
    List<Integer> bad = new ArrayList<>();
    for (int l : out) {
      if (l > n || !points.contains(HookPoint.lmResid(l))) {
        bad.add(l);
      }
    }
    if (!bad.isEmpty()) {
      throw new IllegalArgumentException(
          "layer(s) " + bad + " are not residual hook points of model '" + vlm.name() + "' (layers 0.." + n
              + "; layer 0 is the embedding output, layer L the output of decoder block L)");
    }
    return List.copyOf(out);
  }

}
