/**
 * Llama-3.2-Vision ({@code mllama}): the config (transformers 4 and 5 forms, {@code llama3} rotary
 * scaling), the image processor ({@link io.github.vlmlens.hooks.internal.mllama.MllamaImageProcessor}),
 * the network and the {@link io.github.vlmlens.hooks.internal.model.Architecture}, registered as a
 * family. Checked against Hugging Face on the tiny fixture (see {@code tools/hf-fixtures/README.md}).
 *
 * <h2>Hook points (no text position holds the image)</h2>
 *
 * Images never enter the text stream: the projected vision states (one row per vision token:
 * {@code max_num_tiles x (patches + 1)} per image, empty tiles included, as Hugging Face's
 * {@code cross_attention_states}) are the keys and values of the cross-attention decoder blocks at
 * {@code cross_attention_layers}.
 * <ul>
 *   <li>{@code vision.0.resid_post}: {@code layernorm_pre}'s output with each tile's rows padded to
 *       a multiple of 8 (the local encoder's input); {@code vision.1..L}: the local encoder's layers,
 *       {@code vision.L+1..L+G}: the global encoder's, whose {@code attn_out} and {@code mlp_out}
 *       are the tanh-gated outputs. Vision rows per image: {@code max_num_tiles x padded rows}
 *       (padding rows included, as the encoders see them); the global block 1's {@code resid_pre}
 *       is after {@code layernorm_post} and the gated post-tile embedding.</li>
 *   <li>{@code projector.out}: the cross-attention states, {@code rows(PROJECTOR)} = images x
 *       tiles x (patches + 1), in image, tile, patch order (class token first per tile).</li>
 *   <li>{@code lm.0}: text embeddings only; the {@code <|image|>} token is an ordinary text token
 *       whose position is the tokenization's image range (length 1 per image).</li>
 *   <li>A cross-attention block ({@code LayerPoints.lmCross}): {@code lm.L.cross_states}, the
 *       states its keys and values come from (the rows of {@code projector.out}; patching that
 *       equals patching every block's {@code cross_states}); {@code attn_scores} and
 *       {@code attn_pattern} with the sample's image states as keys ({@code [heads, states]} per
 *       query, where knockouts apply, keys being state rows; a query whose every key is blocked
 *       attends to nothing, its {@code attn_z} zero); {@code attn_z} the per-head output (head
 *       ablation); {@code attn_out} the tanh-gated cross-attention output, {@code mlp_out} the
 *       tanh-gated MLP output (zero at text rows that see no image: Hugging Face keeps their
 *       cross-attention output, which attends to every state of the sample's images, but zeroes
 *       their MLP branch).</li>
 * </ul>
 * A swap of "all image tokens" is therefore the counterfactual image's cross-attention states, in
 * the blocks after the swap layer ({@code core.analysis.ImageTokenDefinition}).
 *
 * <h2>Which text sees which image</h2>
 * As {@code MllamaProcessor}'s {@code get_cross_attention_token_mask}: an image is seen from its
 * {@code <|image|>} token up to the next image token (consecutive image tokens see all that follows),
 * only its real tiles; tokens after the prompt (generation) see what the prompt's last token sees.
 * Input without images skips the cross-attention blocks (they add zeros, and their residual,
 * {@code attn_z}, {@code attn_out} and {@code mlp_out} points are still visited; {@code cross_states}
 * is empty and the attention maps, having no keys, cannot be asked for); in a batch mixing both, an
 * image-less sample's cross-attention blocks add zeros.
 *
 * <p>With a KV cache {@code lm.L.cross_states} is visited once, in the prompt's pass (the keys and
 * values it gives are kept), so an intervention there holds for every generated token.
 *
 * <h2>Generation and resumed runs</h2>
 * With a KV cache, each cross-attention block's keys and values are computed once from the vision
 * states ({@link io.github.vlmlens.hooks.internal.model.KvCache#fixed}). A run resumed from
 * {@code lm.L} still runs the vision tower when a cross-attention block follows {@code L}.
 */
package io.github.vlmlens.hooks.internal.mllama;
