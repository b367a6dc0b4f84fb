/**
 * InternVL ({@code internvl}, the Hugging Face-native format of {@code OpenGVLab/InternVL3-*-hf}):
 * config parsing in the transformers 4 and 5 forms, the dynamic-tiling image processor, InternViT,
 * the pixel shuffle and projector, and the Qwen2 (or Llama) decoder of the shared
 * {@link io.github.vlmlens.hooks.internal.model.LlamaBlock}s, behind the runner's
 * {@link io.github.vlmlens.hooks.internal.model.Architecture} seam.
 *
 * <h2>Hook points and the Hugging Face modules they are</h2>
 *
 * <ul>
 *   <li>{@code vision.0.resid_post}: {@code vision_tower.embeddings} (class token, patch embeddings,
 *       position embeddings); {@code vision.L.*}: {@code vision_tower.encoder.layer[L-1]}, whose
 *       {@code attn_out} is the layer-scaled attention branch ({@code lambda_1 * projection_layer(z)})
 *       and {@code mlp_out} the layer-scaled MLP branch ({@code lambda_2 * mlp(...)}). Rows: every tile
 *       of a sample's images in processor order (each image's grid tiles row-major, then its
 *       thumbnail), {@code (image_size / patch_size)^2 + 1} rows per tile, class token first.
 *   <li>{@code projector.out}: {@code multi_modal_projector} on the pixel-shuffled last layer (class
 *       token dropped); {@code image_seq_length} rows per tile, tiles in the same order. They are
 *       exactly the rows scattered into the {@code <IMG_CONTEXT>} positions.
 *   <li>{@code lm.0.resid_post}: the token embeddings with the image rows scattered in;
 *       {@code lm.L.*}: {@code language_model.layers[L-1]}.
 * </ul>
 *
 * <h2>Prompts</h2>
 *
 * The default prompt format is the published chat template's rendering of one user message with an
 * image and the question ({@link io.github.vlmlens.hooks.internal.internvl.InternVlArchitecture#TEMPLATE},
 * no system prompt); vlmlens' {@code <image>} stands where Hugging Face users write
 * {@code <IMG_CONTEXT>}. Like {@code InternVLProcessor}, tokenization turns each placeholder into
 * {@code <img>} + {@code <IMG_CONTEXT>} x (tiles x {@code image_seq_length}) + {@code </img>}; the
 * tokenization's prompt shows the {@code <img>...</img>} wrapping and its image positions are the
 * context tokens only. Tiling always runs ({@code InternVLProcessor} passes
 * {@code crop_to_patches=True} whatever the saved image processor says).
 */
package io.github.vlmlens.hooks.internal.internvl;
