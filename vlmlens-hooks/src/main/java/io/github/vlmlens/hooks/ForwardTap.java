package io.github.vlmlens.hooks;

import ai.djl.ndarray.NDArray;
import io.github.vlmlens.core.API;
import io.github.vlmlens.core.HookPoint;

/**
 * A callback that {@link LlavaModel}'s forward pass visits at every {@link HookPoint} it computes,
 * in model order: the vision tower's points, {@code projector.out}, then {@code lm.0} and each
 * decoder block's {@code attn_out}, {@code mlp_out} and {@code resid_post}.
 *
 * <p>The activation is {@code [batch, positions, width]}: for {@code lm.*} the batch of sequences;
 * for {@code vision.*} one row per image ({@code [images, patches + 1, width]}, class token first);
 * for {@code projector.out} one row per image ({@code [images, image tokens, width]}). A tap
 * returns the activation unchanged, or a replacement of the same shape and dtype that the rest of
 * the pass uses.
 *
 * <p>The model frees each layer's intermediate arrays when the layer ends: an array the tap keeps
 * beyond its visit (a capture) must be attached to a manager the caller controls
 * ({@code array.attach(manager)}).
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1.0")
@FunctionalInterface
public interface ForwardTap {
  /** The tap that changes and records nothing; visiting it costs a virtual call. */
  ForwardTap NONE = (point, activation) -> activation;

  /**
   * Visits the activation at a hook point.
   *
   * @param point where the pass is
   * @param activation the activation there
   * @return {@code activation} itself, or a replacement of the same shape and dtype
   */
  NDArray visit(HookPoint point, NDArray activation);
}
