package io.github.vlmlens.spatial.steer;

import io.github.vlmlens.core.API;

/** The steering experiments of METHOD.md section 3. */
@API(status = API.Status.EXPERIMENTAL, since = "0.1.0")
public enum SteeringMode {
  /**
   * Adversarial steering: at layer {@code L}, the asked-about object B is pushed toward the side
   * opposite to where the model (unsteered) believes it is, and the reference A the other way; a
   * belief is swapped when the sign of {@code log P(first answer) - log P(second answer)} flips.
   * Reported per layer as the fraction swapped, against a random direction of the same norm.
   */
  ADVERSARIAL,
  /**
   * Arbitrary steering: with A in a fixed cell, B's ID is moved to every cell in turn; the mean
   * belief per target cell is a heat map per layer.
   */
  ARBITRARY,
  /**
   * Cross-axis steering: the adversarial push along the question's axis beside the same push
   * along the other axis (horizontal vectors on above/below questions, vertical vectors on
   * left/right ones), which should swap few beliefs.
   */
  CROSS_AXIS,
  /**
   * Oracle injection: B's activation at layer {@code L} is replaced by the mean it was centred by
   * plus the universal ID of its true cell; accuracy per layer, beside the mean alone.
   */
  ORACLE
}
