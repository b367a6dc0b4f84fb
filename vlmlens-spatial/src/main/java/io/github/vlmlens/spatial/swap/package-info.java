/**
 * Swap samples from synthetic scenes, for {@link io.github.vlmlens.core.analysis.SwapExperiment}:
 * mirror swaps (the scene mirrored left-right for left/right questions, top-bottom for
 * above/below ones) and the attribute-swap control (the scene hue-rotated by 180 degrees, with a
 * colour question). Start at {@link io.github.vlmlens.spatial.swap.SpatialSwapSamples}.
 */
package io.github.vlmlens.spatial.swap;
