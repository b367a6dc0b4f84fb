/**
 * Rasterisation behind {@link io.github.vlmlens.temporal.video}: exact point-in-shape tests for the
 * video objects and the scene textures. Not part of the public API.
 */
package io.github.vlmlens.temporal.video.internal;
