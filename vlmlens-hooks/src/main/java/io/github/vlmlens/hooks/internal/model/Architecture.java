package io.github.vlmlens.hooks.internal.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import io.github.vlmlens.core.HookPoint;
import io.github.vlmlens.core.PromptFormat;
import io.github.vlmlens.core.Tokenization;
import io.github.vlmlens.core.VlmInput;
import io.github.vlmlens.hooks.ForwardTap;
import java.util.List;

/**
 * One model family's network and processor, as the one {@link HookedRunner} drives it. A family
 * (LLaVA, Qwen2-VL, ...) implements this once; the runner implements the whole
 * {@link io.github.vlmlens.core.RunSpec} contract (interventions, captures, readouts, resume,
 * batching, early stop) on top of it for every family.
 *
 * <p>Activations at every hook point are {@code [units, rows, width]} tensors whose flattened rows
 * are, per component: {@code LM} the batch's sequences right-padded to a common length
 * ({@code row = sample * T + position}); {@code VISION} and {@code PROJECTOR} the rows of each
 * sample's images one after another in batch order (a sample's rows at a component are
 * {@link Encoded#rows}). Right padding must leave real positions exact (causal attention).
 */
public interface Architecture extends AutoCloseable {

  /** The family's {@code model_type}, e.g. {@code "llava"}, {@code "qwen2_vl"}. */
  String modelType();

  /** The manager of the parameters; each batch runs in a sub-manager of it. */
  NDManager manager();

  /** The compute dtype. */
  DataType dataType();

  /** Decoder blocks. */
  int numLayers();

  /** The language model's hidden size. */
  int hiddenSize();

  /** Rows of the logits. */
  int vocabSize();

  /** A token id to right-pad with (never attended to by real positions). */
  long padId();

  /** Every hook point the pass visits, in model order. */
  HookPointCatalog catalog();

  /**
   * The width of one row of activations at a hook point (for {@code attn_z}:
   * {@code heads * head_dim}). Not called for attention maps, whose rows hold
   * {@code heads() * keys}.
   */
  int width(HookPoint point);

  /**
   * The attention (query) heads of a component's blocks: attention-map rows hold
   * {@code heads(LM) * keys} values, and {@code attn_z} rows {@code heads * head_dim}.
   */
  int heads(HookPoint.Component component);

  /** The prompt format of the checkpoint. */
  PromptFormat promptFormat();

  /** Tokenizes an input, visual tokens expanded as the family's processor does. */
  Tokenization tokenize(VlmInput input);

  /** The token id of a single-token answer word. */
  int answerTokenId(String word);

  /** The text of a token. */
  String tokenText(int id);

  /** The text of generated token ids, special tokens skipped. */
  String decodeText(int[] ids);

  /** The token ids that end generation by default (the checkpoint's {@code eos_token_id}). */
  int[] stopTokenIds();

  /**
   * The encoding of an input followed by more text tokens (generated ones), positioned as the
   * family positions text after the prompt.
   */
  Encoded withTokens(Encoded encoded, int[] appended);

  /**
   * Everything the forward pass needs of one input, on the host: token ids, preprocessed pixels,
   * position ids. Called once per request, before anything runs.
   *
   * @throws IllegalArgumentException when the input does not fit the model
   */
  Encoded encode(VlmInput input, Tokenization tokenization);

  /**
   * The device-side inputs of a batch.
   *
   * @param inputs the batch's encoded inputs, in batch order
   * @param length the padded sequence length {@code T}
   * @param withPixels whether the vision tower will run (false when resuming from a cache)
   * @param run the batch's manager
   */
  Batch batch(List<Encoded> inputs, int length, boolean withPixels, NDManager run);

  /**
   * Vision tower, projector and merge into the text stream: {@code lm.0.resid_post}
   * {@code [B, T, hidden]}; visits the vision points, {@code projector.out} and {@code lm.0}.
   */
  NDArray embed(Batch batch, ForwardTap tap);

  /** The vision tower and projector alone (for runs that only touch them). */
  void encodeImages(Batch batch, ForwardTap tap);

  /**
   * Decoder blocks {@code from+1..to} on {@code hidden} ({@code lm.from.resid_post}); returns
   * {@code lm.to.resid_post}, visiting each computed block's points.
   *
   * @param cache for generation: the keys and values of earlier positions, to which the blocks
   *     append this call's; null for a plain run
   */
  NDArray decode(NDArray hidden, int from, int to, Batch batch, KvCache cache, ForwardTap tap);

  /**
   * The inputs of one generation step of a one-sequence batch: the token at sequence index
   * {@code position}, following what {@code batch} (or an earlier step) held; its embedding is
   * the token's (no image), its rotary position continues the prompt's.
   */
  Batch extend(Batch batch, int token, int position, NDManager run);

  /** The final norm and the head: logits {@code [..., vocab]} for {@code [..., hidden]}. */
  NDArray logits(NDArray hidden);

  /**
   * The trainable parameters by the name they are saved under in the family's Hugging Face
   * layout, in checkpoint order; the very arrays the forward pass reads, so changing one in place
   * changes the model (fine-tuning updates them this way).
   *
   * @throws UnsupportedOperationException when the family does not support fine-tuning yet
   */
  default java.util.Map<String, NDArray> parameters() {
    throw new UnsupportedOperationException(
        "fine-tuning is not supported for model_type '" + modelType() + "' yet (it needs parameters() and"
            + " saveWeights() on its Architecture; llava and qwen2_vl have them)");
  }

  /**
   * The checkpoint's tensors by name as loaded (after {@code LoadOptions.optRandomInit}'s redraw),
   * for the weights fingerprint of a redrawn model; unlike {@link #parameters()} they need not be
   * the arrays the forward pass reads. By default the parameters.
   */
  default java.util.Map<String, NDArray> weights() {
    return parameters();
  }

  /**
   * Writes {@code config.json} and the weights ({@code model.safetensors}, every parameter in its
   * dtype, under the names of {@link #parameters()}) into {@code dir}, so that the family's loader
   * reads them back. Other checkpoint files (tokenizer, processor settings) are not written.
   *
   * @throws UnsupportedOperationException when the family does not support it yet
   * @throws java.io.IOException when a file cannot be written
   */
  default void saveWeights(java.nio.file.Path dir) throws java.io.IOException {
    throw new UnsupportedOperationException(
        "saving weights is not supported for model_type '" + modelType() + "' yet (llava and qwen2_vl have it)");
  }

  /** Frees what the architecture owns. */
  @Override
  void close();

  /** One input's host-side encoding. */
  interface Encoded {
    /** The token ids of the sequence. */
    int[] ids();

    /** The number of images (or frames) the input holds. */
    int images();

    /** The rows of this input's activations at a vision or projector point. */
    int rows(HookPoint.Component component);
  }

  /** A batch's device-side inputs, opaque to the runner. */
  interface Batch {}
}
