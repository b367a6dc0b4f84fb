/**
 * The machinery behind {@link io.github.vlmlens.core.analysis.SwapExperiment}: swap-set positions,
 * the per-sample sweep over resumed runs, statistics, the merging-point rule, hashing, JSON and the
 * resumable checkpoint. Not part of the public API.
 */
package io.github.vlmlens.core.analysis.internal;
