/**
 * Spatial IDs (METHOD.md section 2): extract, from a {@link io.github.vlmlens.core.HookedVlm}, the
 * centred activations of an object word as a function of the object's grid cell
 * ({@link io.github.vlmlens.spatial.ids.SpatialIdExtraction}), keep them as ID tables that save to
 * and load from a file ({@link io.github.vlmlens.spatial.ids.SpatialIds}), and measure their
 * geometry: the horizontal and vertical axes, the plane they span, how linear the code is on it,
 * and how plain prompts compare with spatial ones
 * ({@link io.github.vlmlens.spatial.ids.IdExtractionResult},
 * {@link io.github.vlmlens.spatial.ids.IdReport}). Layer 0 is the embedding output, layer
 * {@code L} the output of decoder block {@code L}.
 */
package io.github.vlmlens.spatial.ids;
