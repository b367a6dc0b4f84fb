/**
 * Gemma 3 ({@code gemma3}): config parsing in the transformers 4 and 5 forms, the SigLIP tower of
 * {@link io.github.vlmlens.hooks.internal.siglip}, the pooling projector and the Gemma 3 decoder
 * (four norms per block applied as {@code 1 + w}, q/k norms, {@code query_pre_attn_scalar},
 * sliding-window and global layers with their own rotary bases, bidirectional attention within
 * an image, final logit soft-capping) behind the runner's
 * {@link io.github.vlmlens.hooks.internal.model.Architecture} seam. See {@link
 * io.github.vlmlens.hooks.internal.gemma3.Gemma3Architecture} for the hook points.
 */
package io.github.vlmlens.hooks.internal.gemma3;
