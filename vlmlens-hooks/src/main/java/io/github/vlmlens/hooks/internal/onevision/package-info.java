/**
 * LLaVA-OneVision ({@code llava_onevision}): config parsing in the transformers 4 and 5 forms,
 * anyres tiling and feature packing with {@code image_newline}, video frames with 2x2 bilinear
 * pooling, the SigLIP tower of {@link io.github.vlmlens.hooks.internal.siglip} and the Qwen2
 * decoder of shared {@link io.github.vlmlens.hooks.internal.model.LlamaBlock}s, behind the runner's
 * {@link io.github.vlmlens.hooks.internal.model.Architecture} seam. See {@link
 * io.github.vlmlens.hooks.internal.onevision.OnevisionArchitecture} for the hook points.
 */
package io.github.vlmlens.hooks.internal.onevision;
