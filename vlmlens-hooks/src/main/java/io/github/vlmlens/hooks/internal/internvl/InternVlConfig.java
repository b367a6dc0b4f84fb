package io.github.vlmlens.hooks.internal.internvl;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.vlmlens.hooks.CheckpointException;
import io.github.vlmlens.hooks.internal.model.ConfigReader;

/**
 * An InternVL ({@code internvl}, the Hugging Face-native format of {@code OpenGVLab/InternVL3-*-hf})
 * {@code config.json}, in the form transformers 5 writes it ({@code text_config.rope_parameters})
 * or the published transformers 4 form ({@code text_config.rope_theta}, {@code rope_scaling}).
 *
 * <p>Sizes have no defaults: a missing size is an error naming its key. Settings Hugging Face
 * defaults in its config classes take those defaults. Settings this implementation does not
 * reproduce are errors naming the key: a text model other than {@code qwen2} or {@code llama},
 * rotary scaling, sliding-window attention, {@code vision_feature_layer} other than -1,
 * {@code vision_feature_select_strategy} other than {@code default}, a mask token, a downsample
 * ratio whose inverse is not an integer, tiles whose patch grid the pixel shuffle cannot halve.
 */
public final class InternVlConfig {
  /** Hugging Face's {@code model_type}. */
  public static final String INTERNVL = "internvl";

  /** The language model's settings. {@code oBias} is Llama's {@code attention_bias} on o_proj. */
  public record Text(
      String modelType, int vocabSize, int hiddenSize, int intermediateSize, int numHiddenLayers,
      int numAttentionHeads, int numKeyValueHeads, int headDim, String hiddenAct, double rmsNormEps,
      double ropeTheta, boolean qkvBias, boolean oBias, Integer padTokenId) {}

  /** The InternViT settings. */
  public record Vision(
      int hiddenSize, int numHiddenLayers, int numHeads, int intermediateSize, boolean attentionBias,
      boolean qkNorm, String hiddenAct, boolean rmsNorm, double layerNormEps, int imageSize, int patchSize,
      int numChannels, boolean positionEmbeddings, boolean meanPooling) {
    /** Patches per side of a tile. */
    public int grid() {
      return imageSize / patchSize;
    }

    /** {@code width / heads}. */
    public int headDim() {
      return hiddenSize / numHeads;
    }
  }

  private final Text text;
  private final Vision vision;
  private final int imageTokenId;
  private final int imageSeqLength;
  private final int shuffle;
  private final String projectorAct;
  private final boolean tieWordEmbeddings;

  private InternVlConfig(
      Text text, Vision vision, int imageTokenId, int imageSeqLength, int shuffle, String projectorAct,
      boolean tie) {
    this.text = text;
    this.vision = vision;
    this.imageTokenId = imageTokenId;
    this.imageSeqLength = imageSeqLength;
    this.shuffle = shuffle;
    this.projectorAct = projectorAct;
    this.tieWordEmbeddings = tie;
  }

  /**
   * Parses a parsed {@code config.json}.
   *
   * @param source the file, for messages
   * @throws CheckpointException naming the source and key at fault
   */
  public static InternVlConfig parse(JsonNode root, String source) {
    if (root == null || !root.isObject()) {
      throw new CheckpointException(source + ": the top level must be a JSON object");
    }
    ConfigReader r = new ConfigReader(source);
    String mt = r.string(root, "model_type", null);
    if (!INTERNVL.equals(mt)) {
      throw r.error("model_type", "expected \"" + INTERNVL + "\", found \"" + mt + "\"");
    }
    Text text = parseText(r.object(root, "text_config"), r);
    Vision vision = parseVision(r.object(root, "vision_config"), r);
    double ratio = r.number(root, "downsample_ratio", 0.5);
    int shuffle = (int) Math.round(1 / ratio);
    if (!(ratio > 0) || Math.abs(shuffle * ratio - 1) > 1e-9) {
      throw r.error("downsample_ratio", "only ratios 1/n are supported, found " + ratio);
    }
    if (vision.grid() % shuffle != 0) {
      throw r.error("downsample_ratio", "a tile's " + vision.grid() + "x" + vision.grid()
          + " patches cannot be pixel-shuffled by " + ratio);
    }
    int layer = r.integer(root, "vision_feature_layer", -1);
    if (layer != -1) {
      throw r.error("vision_feature_layer", "only -1 (the last layer) is supported, found " + layer);
    }
    r.choice(root, "vision_feature_select_strategy", "default", "default");
    String act = r.choice(root, "projector_hidden_act", "gelu", "gelu", "silu", "relu", "quick_gelu");
    int image = r.integer(root, "image_token_id", 151667);
    if (image < 0 || image >= text.vocabSize()) {
      throw r.error("image_token_id", "token id " + image + " is outside the vocabulary of " + text.vocabSize());
    }
    int perTile = vision.grid() * vision.grid() / (shuffle * shuffle);
    int seq = r.integer(root, "image_seq_length", perTile);
    if (seq != perTile) {
      throw r.error("image_seq_length", seq + " differs from the " + perTile
          + " tokens a tile gives (image_size / patch_size)^2 * downsample_ratio^2");
    }
    boolean tie = r.bool(root, "tie_word_embeddings", true);
    return new InternVlConfig(text, vision, image, perTile, shuffle, act, tie);
  }

  private static Text parseText(JsonNode t, ConfigReader r) {
    String p = "text_config.";
    String mt = r.choice(t, p + "model_type", "qwen2", "qwen2", "llama");
    boolean qwen = mt.equals("qwen2");
    int vocab = r.positive(t, p + "vocab_size");
    int hidden = r.positive(t, p + "hidden_size");
    int inter = r.positive(t, p + "intermediate_size");
    int layers = r.positive(t, p + "num_hidden_layers");
    int heads = r.positive(t, p + "num_attention_heads");
    int kv = r.has(t, p + "num_key_value_heads") ? r.positive(t, p + "num_key_value_heads") : heads;
    if (heads % kv != 0) {
      throw r.error(p + "num_key_value_heads", heads + " attention heads are not a multiple of " + kv);
    }
    int headDim = r.has(t, p + "head_dim") ? r.positive(t, p + "head_dim") : hidden / heads;
    String act = r.choice(t, p + "hidden_act", "silu", "silu", "swish", "gelu", "relu");
    double eps = r.number(t, p + "rms_norm_eps", 1e-6);
    if (r.bool(t, p + "use_sliding_window", false)) {
      throw r.error(p + "use_sliding_window", "sliding-window attention is not supported");
    }
    JsonNode lt = t.get("layer_types");
    if (lt != null && lt.isArray()) {
      for (JsonNode n : lt) {
        if (!"full_attention".equals(n.asText())) {
          throw r.error(p + "layer_types", "only full_attention layers are supported, found " + n);
        }
      }
    }
    if (r.bool(t, p + "mlp_bias", false)) {
      throw r.error(p + "mlp_bias", "MLP biases are not supported");
    }
    boolean attnBias = !qwen && r.bool(t, p + "attention_bias", false);
    double theta = r.number(t, p + "rope_theta", qwen ? 1000000.0 : 10000.0);
    for (String key : new String[] {"rope_parameters", "rope_scaling"}) {
      JsonNode rope = t.get(key);
      if (rope == null || rope.isNull()) {
        continue;
      }
      if (!rope.isObject()) {
        throw r.error(p + key, "expected an object, found " + rope);
      }
      String typeKey = rope.has("rope_type") ? "rope_type" : "type";
      String type = r.string(rope, p + key + "." + typeKey, "default");
      if (!type.equals("default")) {
        throw r.error(p + key + "." + typeKey, "only \"default\" rotary embeddings are supported, found \"" + type + "\"");
      }
      theta = r.number(rope, p + key + ".rope_theta", theta);
    }
    if (!(theta > 0)) {
      throw r.error(p + "rope_theta", "must be positive, found " + theta);
    }
    JsonNode pad = t.get("pad_token_id");
    Integer padId = pad == null || !pad.canConvertToInt() ? null : pad.intValue();
    return new Text(mt, vocab, hidden, inter, layers, heads, kv, headDim, act, eps, theta, qwen || attnBias, attnBias,
        padId);
  }

  private static Vision parseVision(JsonNode v, ConfigReader r) {
    String p = "vision_config.";
    int hidden = r.positive(v, p + "hidden_size");
    int layers = r.positive(v, p + "num_hidden_layers");
    int heads = r.positive(v, p + "num_attention_heads");
    if (hidden % heads != 0) {
      throw r.error(p + "num_attention_heads", "hidden_size " + hidden + " is not a multiple of " + heads + " heads");
    }
    int inter = r.positive(v, p + "intermediate_size");
    boolean bias = r.bool(v, p + "attention_bias", false);
    boolean qk = r.bool(v, p + "use_qk_norm", false);
    String act = r.choice(v, p + "hidden_act", "gelu", "gelu", "quick_gelu", "silu", "relu");
    String norm = r.choice(v, p + "norm_type", "layer_norm", "layer_norm", "rms_norm");
    double eps = r.number(v, p + "layer_norm_eps", 1e-6);
    int image = r.has(v, p + "image_size") ? r.square(v, p + "image_size") : 448;
    int patch = r.has(v, p + "patch_size") ? r.square(v, p + "patch_size") : 14;
    if (image % patch != 0) {
      throw r.error(p + "patch_size", "image_size " + image + " is not a multiple of the patch size " + patch);
    }
    int channels = r.has(v, p + "num_channels") ? r.positive(v, p + "num_channels") : 3;
    if (channels != 3) {
      throw r.error(p + "num_channels", "only 3 (RGB) is supported, found " + channels);
    }
    if (r.bool(v, p + "use_mask_token", false)) {
      throw r.error(p + "use_mask_token", "mask tokens (masked image modelling) are not supported");
    }
    boolean pos = r.bool(v, p + "use_absolute_position_embeddings", true);
    boolean mean = r.bool(v, p + "use_mean_pooling", true);
    return new Vision(hidden, layers, heads, inter, bias, qk, act, norm.equals("rms_norm"), eps, image, patch, channels,
        pos, mean);
  }

  /** The language model's settings. */
  public Text text() {
    return text;
  }

  /** The vision tower's settings. */
  public Vision vision() {
    return vision;
  }

  /** {@code image_token_id} ({@code <IMG_CONTEXT>}). */
  public int imageTokenId() {
    return imageTokenId;
  }

  /** Image tokens per tile. */
  public int tokensPerTile() {
    return imageSeqLength;
  }

  /** {@code 1 / downsample_ratio}: the pixel shuffle's factor per side. */
  public int shuffle() {
    return shuffle;
  }

  /** {@code projector_hidden_act}. */
  public String projectorAct() {
    return projectorAct;
  }

  /** Whether the head shares the token embedding. */
  public boolean tieWordEmbeddings() {
    return tieWordEmbeddings;
  }

  @Override
  public String toString() {
    return "InternVlConfig[" + text + ", " + vision + ", image token " + imageTokenId + "]";
  }
}
