/**
 * Synthetic spatial scenes for the experiments of vlmlens-spatial and for training the bundled
 * tiny VLM: an {@code m x m} grid on a black canvas ({@link io.github.vlmlens.spatial.scene.GridSpec}),
 * two objects from an {@link io.github.vlmlens.spatial.scene.ObjectLibrary} placed in two cells
 * ({@link io.github.vlmlens.spatial.scene.Placement}), the enumerations that spatial-ID extraction
 * needs, a seeded sampler with held-out object pairs and placements
 * ({@link io.github.vlmlens.spatial.scene.SceneSplit}), the questions asked about a scene
 * ({@link io.github.vlmlens.spatial.scene.SpatialQuestion}) and the image transforms of the
 * counterfactuals ({@link io.github.vlmlens.spatial.scene.ImageTransforms}).
 *
 * <p>Everything is deterministic: objects are rasterised by exact per-pixel shape tests (no
 * anti-aliasing, no Java2D), colours come from a six-hue palette
 * ({@link io.github.vlmlens.spatial.scene.PaletteColor}), and every random choice flows from a
 * caller's seed, so the same seed gives the same pixels on every machine.
 */
package io.github.vlmlens.spatial.scene;
