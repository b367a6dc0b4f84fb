/**
 * The machinery behind {@link io.github.vlmlens.spatial.steer.Steering}: the scenes, the steering
 * vectors and their noise controls, the batched resumed runs, the aggregation and the report
 * rendering. Not part of the public API.
 */
package io.github.vlmlens.spatial.steer.internal;
