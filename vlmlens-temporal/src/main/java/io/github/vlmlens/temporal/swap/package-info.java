/**
 * Temporal mirror swapping (METHOD.md section 6): the counterfactual of a video is the same video
 * with its frames in reverse order, which flips the answer of an order question. Samples are
 * core {@link io.github.vlmlens.core.analysis.SwapSample}s and run on core's
 * {@link io.github.vlmlens.core.analysis.SwapExperiment}, so the belief shift, the swap sets, the
 * exclusions, the bootstrap statistics, the merging point and resuming are exactly the spatial
 * experiment's. Start at {@link io.github.vlmlens.temporal.swap.TemporalSwap}.
 */
package io.github.vlmlens.temporal.swap;
