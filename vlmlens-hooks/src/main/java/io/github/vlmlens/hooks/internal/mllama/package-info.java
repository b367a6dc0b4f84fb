/**
 * Llama-3.2-Vision ({@code mllama}): so far the config (transformers 4 and 5 forms, {@code llama3}
 * rotary scaling) and the scaled rotary frequencies; the network, processor and
 * {@link io.github.vlmlens.hooks.internal.model.Architecture} are still to come (not registered as a
 * family yet).
 *
 * <h2>The plan for the hook points (no text positions hold the image)</h2>
 *
 * Images never enter the text stream: the projected vision states ({@code multi_modal_projector}
 * output, one row per vision token: tiles x (patches + 1)) are the keys and values of the
 * cross-attention decoder layers at {@code cross_attention_layers}. So {@code projector.out} is the
 * cross-attention states ({@code rows(PROJECTOR)} = their count) and {@code lm.0} holds only text
 * embeddings; the {@code <|image|>} token is a normal text token whose position is the
 * tokenization's image range (length 1 per image). A cross-attention layer gets the usual block
 * points without attention maps: {@code attn_z} and {@code attn_out} are the cross-attention's,
 * {@code attn_out} the tanh-gated cross-attention output and {@code mlp_out} the tanh-gated MLP output
 * (zero, before the gate, for text rows that see no image). A swap of "all image tokens" is therefore
 * patching {@code projector.out} from the counterfactual image's run, i.e. the cross-attention states.
 * Text-only runs skip the cross-attention layers (Hugging Face does too).
 */
package io.github.vlmlens.hooks.internal.mllama;
