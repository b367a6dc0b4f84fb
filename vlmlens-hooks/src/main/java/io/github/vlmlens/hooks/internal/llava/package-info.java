/**
 * The LLaVA family ({@code model_type} {@code llava}) behind the backend's
 * {@link io.github.vlmlens.hooks.internal.model.Architecture} seam, and its provider entry.
 * Hook points: {@code vision.L.*} are CLIP encoder layer {@code L}'s outputs
 * ({@code vision_tower.vision_model.encoder.layers[L-1]}, {@code vision.0} = the embeddings after
 * {@code pre_layrnorm}), {@code projector.out} is {@code multi_modal_projector}'s output, and
 * {@code lm.L.*} are {@code language_model.model.layers[L-1]}'s attention output, MLP output and
 * output ({@code lm.0} = the embeddings with the image features scattered in).
 */
package io.github.vlmlens.hooks.internal.llava;
