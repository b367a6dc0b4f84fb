package io.github.vlmlens.hooks.internal.gemma3;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.vlmlens.hooks.CheckpointException;
import io.github.vlmlens.hooks.internal.model.ConfigReader;
import io.github.vlmlens.hooks.internal.siglip.SiglipConfig;
import java.util.Locale;

/**
 * A Gemma 3 ({@code gemma3}) {@code config.json} in either form Hugging Face writes it: text
 * settings in {@code text_config} with {@code rope_parameters} per layer type and
 * {@code layer_types} (transformers 5), or with {@code rope_theta}, {@code rope_local_base_freq},
 * {@code rope_scaling} (the global layers') and {@code sliding_window_pattern} (transformers 4, the
 * published {@code google/gemma-3-*-it} configs, which leave most keys at their class defaults).
 * Absent keys take {@code Gemma3TextConfig}'s and {@code SiglipVisionConfig}'s defaults. Settings
 * this implementation does not reproduce ({@code attn_logit_softcapping},
 * {@code use_bidirectional_attention}, {@code attention_bias}, rotary types other than
 * {@code default} and {@code linear}) are errors naming the key.
 */
public record Gemma3Config(
    Text text, SiglipConfig vision, int mmTokensPerImage, int boiTokenId, int eoiTokenId, int imageTokenId,
    boolean tieWordEmbeddings) {

  /** One layer type's rotary settings: base and linear scaling factor (1 for none). */
  public record Rope(double theta, double factor) {}

  /** The language model's settings; {@code sliding[i]} says whether layer {@code i} is local. */
  public record Text(
      int vocabSize, int hiddenSize, int intermediateSize, int numHiddenLayers, int numAttentionHeads,
      int numKeyValueHeads, int headDim, String hiddenActivation, double rmsNormEps, double queryPreAttnScalar,
      int slidingWindow, boolean[] sliding, Rope global, Rope local, Double finalLogitSoftcapping,
      Integer padTokenId) {}

  /** Parses a parsed {@code config.json}. */
  public static Gemma3Config parse(JsonNode root, String source) {
    if (root == null || !root.isObject()) {
      throw new CheckpointException(source + ": the top level must be a JSON object");
    }
    ConfigReader r = new ConfigReader(source);
    String type = r.string(root, "model_type", null);
    if (!"gemma3".equals(type)) {
      throw r.error("model_type", "expected \"gemma3\", found \"" + type + "\"");
    }
    JsonNode tc = r.object(root, "text_config");
    Text text = parseText(tc, r);
    JsonNode vc = root.get("vision_config");
    if (vc != null && !vc.isNull() && !vc.isObject()) {
      throw r.error("vision_config", "expected an object, found " + vc);
    }
    SiglipConfig vision =
        SiglipConfig.parse(
            vc == null || vc.isNull() ? com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode() : vc,
            "vision_config.", r);
    int mm = root.has("mm_tokens_per_image") ? r.positive(root, "mm_tokens_per_image") : 256;
    int side = (int) Math.round(Math.sqrt(mm));
    if (side * side != mm || vision.side() % side != 0) {
      throw r.error(
          "mm_tokens_per_image",
          mm + " is not a square whose side divides the " + vision.side() + " patches per side");
    }
    int boi = r.integer(root, "boi_token_index", 255_999);
    int eoi = r.integer(root, "eoi_token_index", 256_000);
    int image = root.has("image_token_index")
        ? r.integer(root, "image_token_index", 262_144)
        : r.integer(root, "image_token_id", 262_144);
    boolean tie = r.bool(root, "tie_word_embeddings", true) && r.bool(tc, "text_config.tie_word_embeddings", true);
    return new Gemma3Config(text, vision, mm, boi, eoi, image, tie);
  }

  private static Text parseText(JsonNode t, ConfigReader r) {
    String p = "text_config.";
    int vocab = t.has("vocab_size") ? r.positive(t, p + "vocab_size") : 262_208;
    int hidden = t.has("hidden_size") ? r.positive(t, p + "hidden_size") : 2304;
    int inter = t.has("intermediate_size") ? r.positive(t, p + "intermediate_size") : 9216;
    int layers = t.has("num_hidden_layers") ? r.positive(t, p + "num_hidden_layers") : 26;
    int heads = t.has("num_attention_heads") ? r.positive(t, p + "num_attention_heads") : 8;
    int kv = t.has("num_key_value_heads") ? r.positive(t, p + "num_key_value_heads") : 4;
    int headDim = t.has("head_dim") ? r.positive(t, p + "head_dim") : 256;
    if (heads % kv != 0) {
      throw r.error(p + "num_key_value_heads", heads + " attention heads are not a multiple of " + kv);
    }
    String act = r.string(t, p + "hidden_activation", r.string(t, p + "hidden_act", "gelu_pytorch_tanh"));
    try {
      io.github.vlmlens.hooks.internal.model.Ops.checkActivation(p + "hidden_activation", act);
    } catch (IllegalArgumentException e) {
      throw r.error(p + "hidden_activation", e.getMessage());
    }
    double eps = r.number(t, p + "rms_norm_eps", 1e-6);
    double qScalar = r.number(t, p + "query_pre_attn_scalar", 256);
    int window = t.has("sliding_window") ? r.positive(t, p + "sliding_window") : 4096;
    if (r.has(t, p + "attn_logit_softcapping")) {
      throw r.error(p + "attn_logit_softcapping", "attention logit soft-capping is not supported (Gemma 3 has none)");
    }
    if (r.bool(t, p + "use_bidirectional_attention", false)) {
      throw r.error(p + "use_bidirectional_attention", "bidirectional text attention is not supported");
    }
    if (r.bool(t, p + "attention_bias", false)) {
      throw r.error(p + "attention_bias", "attention biases are not supported (Gemma 3 has none)");
    }
    boolean[] sliding = new boolean[layers];
    JsonNode types = t.get("layer_types");
    if (types != null && !types.isNull()) {
      if (!types.isArray() || types.size() != layers) {
        throw r.error(p + "layer_types", "expected " + layers + " layer types, found " + types);
      }
      for (int i = 0; i < layers; i++) {
        String lt = types.get(i).asText();
        if (!lt.equals("sliding_attention") && !lt.equals("full_attention")) {
          throw r.error(p + "layer_types", "unknown layer type \"" + lt + "\" at " + i);
        }
        sliding[i] = lt.equals("sliding_attention");
      }
    } else {
      int pattern = t.has("sliding_window_pattern") ? r.positive(t, p + "sliding_window_pattern") : 6;
      for (int i = 0; i < layers; i++) {
        sliding[i] = (i + 1) % pattern != 0;
      }
    }
    Rope global;
    Rope local;
    JsonNode rp = t.get("rope_parameters");
    if (rp != null && !rp.isNull() && (rp.has("full_attention") || rp.has("sliding_attention"))) {
      global = rope(rp.get("full_attention"), p + "rope_parameters.full_attention.", 1_000_000.0, r);
      local = rope(rp.get("sliding_attention"), p + "rope_parameters.sliding_attention.", 10_000.0, r);
    } else {
      if (rp != null && !rp.isNull()) {
        throw r.error(p + "rope_parameters", "expected full_attention and sliding_attention entries, found " + rp);
      }
      double theta = r.number(t, p + "rope_theta", 1_000_000.0);
      double localTheta = r.number(t, p + "rope_local_base_freq", 10_000.0);
      JsonNode scaling = t.get("rope_scaling");
      Rope g = rope(scaling, p + "rope_scaling.", theta, r);
      global = new Rope(theta, g.factor());
      local = new Rope(localTheta, 1.0);
    }
    Double cap = r.has(t, p + "final_logit_softcapping") ? r.number(t, p + "final_logit_softcapping", 0) : null;
    Integer pad = r.has(t, p + "pad_token_id") ? r.integer(t, p + "pad_token_id", 0) : 0;
    return new Text(vocab, hidden, inter, layers, heads, kv, headDim, act, eps, qScalar, window, sliding, global,
        local, cap, pad);
  }

  private static Rope rope(JsonNode n, String prefix, double defaultTheta, ConfigReader r) {
    if (n == null || n.isNull()) {
      return new Rope(defaultTheta, 1.0);
    }
    if (!n.isObject()) {
      throw r.error(prefix.substring(0, prefix.length() - 1), "expected an object, found " + n);
    }
    String type = n.has("rope_type") ? r.string(n, prefix + "rope_type", "default")
        : r.string(n, prefix + "type", "default");
    double theta = r.number(n, prefix + "rope_theta", defaultTheta);
    switch (type.toLowerCase(Locale.ROOT)) {
      case "default":
        return new Rope(theta, 1.0);
      case "linear":
        double f = r.number(n, prefix + "factor", Double.NaN);
        if (!(f > 0)) {
          throw r.error(prefix + "factor", "linear rotary scaling needs a positive factor, found " + n.get("factor"));
        }
        return new Rope(theta, f);
      default:
        throw r.error(prefix + "rope_type", "unsupported rotary type \"" + type + "\"; supported: default, linear");
    }
  }
}
