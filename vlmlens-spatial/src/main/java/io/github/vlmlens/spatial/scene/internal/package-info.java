/**
 * Implementation of the synthetic scenes: pixel-exact rasterisation of the built-in shapes and of
 * user masks, the exact hexagonal hue rotation, the Gaussian box blur and the seeded shuffles
 * behind the held-out splits. Nothing here is API; use {@link io.github.vlmlens.spatial.scene}.
 */
package io.github.vlmlens.spatial.scene.internal;
