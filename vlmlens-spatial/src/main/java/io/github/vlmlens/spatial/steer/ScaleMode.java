package io.github.vlmlens.spatial.steer;

import io.github.vlmlens.core.API;

/** How a steering direction {@code d = ID_L(target) - ID_L(source)} becomes the vector added. */
@API(status = API.Status.EXPERIMENTAL, since = "0.1.0")
public enum ScaleMode {
  /** {@code alpha * d}, with {@code alpha} the config's scale ({@code alpha = 1} moves the ID exactly). */
  ABSOLUTE,
  /**
   * {@code d} rescaled to norm {@code k * ||h_L(t)||}, with {@code k} the config's scale and
   * {@code h_L(t)} the unsteered activation at the steered position (the authors used
   * {@code k = 5}). A zero direction stays zero.
   */
  NORM_RELATIVE
}
