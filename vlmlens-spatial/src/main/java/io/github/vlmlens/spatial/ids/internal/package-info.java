/**
 * The machinery behind {@link io.github.vlmlens.spatial.ids.SpatialIdExtraction}: the batched
 * runs, the per-unit activation store, centring and averaging, the axes, the plane analysis, the
 * ID file format and the report rendering. Not part of the public API.
 */
package io.github.vlmlens.spatial.ids.internal;
