/**
 * Counterfactual swap experiments on a {@link io.github.vlmlens.core.HookedVlm}: run an input
 * {@code x} and its counterfactual {@code y} (a mirrored image, recoloured objects, reversed video
 * frames), patch {@code y}'s residual stream {@code lm.L.resid_post} into {@code x} at a
 * {@link io.github.vlmlens.core.analysis.SwapSet} for every layer {@code L}, and measure how far
 * the answer belief moves ({@link io.github.vlmlens.core.analysis.ShiftFormula}). Results carry
 * per-layer means, standard deviations and seeded bootstrap intervals, the excluded samples, and
 * the modality merging point. Start at {@link io.github.vlmlens.core.analysis.SwapExperiment}.
 *
 * <p>Shared by every analysis: the vector geometry of linear ID codes
 * ({@link io.github.vlmlens.core.analysis.Vectors}), {@code R^2} fits
 * ({@link io.github.vlmlens.core.analysis.Linearity}), seeded bootstrap estimates
 * ({@link io.github.vlmlens.core.analysis.Estimate}), resumable output directories
 * ({@link io.github.vlmlens.core.analysis.RunJournal}) and the progress bar
 * ({@link io.github.vlmlens.core.analysis.TaskProgress}).
 *
 * <p>Layer numbering as everywhere in vlmlens: layer 0 is the embedding output, layer {@code L}
 * the output of decoder block {@code L} (1-based).
 */
package io.github.vlmlens.core.analysis;
