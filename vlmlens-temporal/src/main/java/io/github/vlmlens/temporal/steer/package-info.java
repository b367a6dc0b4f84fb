/**
 * Temporal steering (METHOD.md section 6, the analogue of section 3): adding
 * {@code alpha * (TID(f') - TID(f))} to an object word's residual stream moves the object in time;
 * the adversarial form moves both objects of an order question to their mirrored frames, and counts
 * the beliefs that flip against a random direction of the same norm. Start at
 * {@link io.github.vlmlens.temporal.steer.TemporalSteering}.
 */
package io.github.vlmlens.temporal.steer;
