/**
 * The model-agnostic core of vlmlens: what a hooked vision-language model is
 * ({@link io.github.vlmlens.core.HookedVlm}), where its activations can be read or changed
 * ({@link io.github.vlmlens.core.HookPoint}), what a single forward pass does
 * ({@link io.github.vlmlens.core.RunSpec}) and what it returns
 * ({@link io.github.vlmlens.core.RunResult}, {@link io.github.vlmlens.core.ActivationCache}).
 *
 * <p>Layer numbering, used everywhere: {@code lm.0.resid_post} is the embedding output (with
 * image features scattered in), and decoder block {@code L} (1-based) writes
 * {@code lm.L.resid_post}. This matches Hugging Face's {@code hidden_states[L]} for
 * {@code L < N}; for the last block HF returns the final-normed state instead, vlmlens the raw
 * block output.
 *
 * <p>This package has no dependency on DJL or any native code.
 */
package io.github.vlmlens.core;
