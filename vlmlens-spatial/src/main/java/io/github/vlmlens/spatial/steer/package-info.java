/**
 * Steering with spatial IDs (METHOD.md section 3): add differences of the universal IDs to an
 * object word's residual stream and measure how the model's left/right (above/below) belief moves,
 * against a random control of the same norm; move an object's ID to every cell; steer across axes;
 * or inject the ground-truth IDs. Start at {@link io.github.vlmlens.spatial.steer.Steering}; the
 * IDs come from {@link io.github.vlmlens.spatial.ids.SpatialIdExtraction} or a saved
 * {@link io.github.vlmlens.spatial.ids.SpatialIds} file. Layer 0 is the embedding output, layer
 * {@code L} the output of decoder block {@code L}.
 */
package io.github.vlmlens.spatial.steer;
