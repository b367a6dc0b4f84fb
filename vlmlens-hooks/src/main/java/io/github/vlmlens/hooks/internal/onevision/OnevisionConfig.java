package io.github.vlmlens.hooks.internal.onevision;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.vlmlens.hooks.CheckpointException;
import io.github.vlmlens.hooks.internal.model.ConfigReader;
import io.github.vlmlens.hooks.internal.model.Ops;
import io.github.vlmlens.hooks.internal.siglip.SiglipConfig;
import java.util.ArrayList;
import java.util.List;

/**
 * A LLaVA-OneVision ({@code llava_onevision}) {@code config.json} in either form: the Qwen2
 * {@code text_config} with {@code rope_parameters} (transformers 5) or {@code rope_theta} (the
 * published {@code llava-hf/llava-onevision-*} configs, transformers 4), where absent settings take
 * {@code Qwen2Config}'s defaults (activation, norm epsilon, rotary base) but sizes are required.
 * Settings this implementation does not reproduce (a list of {@code vision_feature_layer}s, the
 * {@code default} feature strategy, which would drop a SigLIP patch, rotary scaling, sliding-window
 * attention) are errors naming the key.
 */
public record OnevisionConfig(
    Text text, SiglipConfig vision, int imageTokenId, int videoTokenId, int featureLayer, int maxAnyresPatches,
    List<int[]> gridPinpoints, String projectorAct, boolean projectorBias, boolean tieWordEmbeddings) {

  /** The Qwen2 language model's settings. */
  public record Text(
      int vocabSize, int hiddenSize, int intermediateSize, int numHiddenLayers, int numAttentionHeads,
      int numKeyValueHeads, String hiddenAct, double rmsNormEps, double ropeTheta, Integer padTokenId) {
    /** {@code hidden_size / num_attention_heads}. */
    public int headDim() {
      return hiddenSize / numAttentionHeads;
    }
  }

  /** The vision layers the path runs: the index of {@code vision_feature_layer} in the hidden states. */
  public int visionLayersRun() {
    return featureLayer;
  }

  /** Parses a parsed {@code config.json}. */
  public static OnevisionConfig parse(JsonNode root, String source) {
    if (root == null || !root.isObject()) {
      throw new CheckpointException(source + ": the top level must be a JSON object");
    }
    ConfigReader r = new ConfigReader(source);
    String type = r.string(root, "model_type", null);
    if (!"llava_onevision".equals(type)) {
      throw r.error("model_type", "expected \"llava_onevision\", found \"" + type + "\"");
    }
    JsonNode tc = r.object(root, "text_config");
    Text text = parseText(tc, r);
    SiglipConfig vision = SiglipConfig.parse(r.object(root, "vision_config"), "vision_config.", r);
    int image = root.has("image_token_index") ? r.integer(root, "image_token_index", 151646)
        : r.integer(root, "image_token_id", 151646);
    int video = root.has("video_token_index") ? r.integer(root, "video_token_index", 151647)
        : r.integer(root, "video_token_id", 151647);
    JsonNode fl = root.get("vision_feature_layer");
    if (fl != null && fl.isArray()) {
      throw r.error("vision_feature_layer", "a list of feature layers is not supported, found " + fl);
    }
    int layer = r.integer(root, "vision_feature_layer", -1);
    int n = vision.numHiddenLayers();
    int index = layer < 0 ? n + 1 + layer : layer;
    if (index < 0 || index > n) {
      throw r.error("vision_feature_layer", layer + " is outside the " + (n + 1) + " hidden states of the tower");
    }
    r.choice(root, "vision_feature_select_strategy", "full", "full");
    int max = maxPatches(r.string(root, "vision_aspect_ratio", "anyres_max_9"), "vision_aspect_ratio", r);
    List<int[]> pinpoints = pinpoints(root.get("image_grid_pinpoints"), "image_grid_pinpoints", r);
    String act = r.string(root, "projector_hidden_act", "gelu");
    try {
      Ops.checkActivation("projector_hidden_act", act);
    } catch (IllegalArgumentException e) {
      throw r.error("projector_hidden_act", e.getMessage());
    }
    boolean bias = r.bool(root, "multimodal_projector_bias", true);
    boolean tie = r.bool(root, "tie_word_embeddings", false) || r.bool(tc, "text_config.tie_word_embeddings", false);
    return new OnevisionConfig(text, vision, image, video, index, max, pinpoints, act, bias, tie);
  }

  /** {@code N} of {@code "anyres_max_N"}. */
  static int maxPatches(String aspect, String key, ConfigReader r) {
    if (!aspect.startsWith("anyres_max_")) {
      throw r.error(key, "expected \"anyres_max_N\", found \"" + aspect + "\"");
    }
    try {
      int n = Integer.parseInt(aspect.substring("anyres_max_".length()));
      if (n > 0) {
        return n;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw r.error(key, "expected \"anyres_max_N\" with a positive N, found \"" + aspect + "\"");
  }

  /** A list of {@code [height, width]} resolutions; the default is 384..2304 in steps of 384. */
  static List<int[]> pinpoints(JsonNode n, String key, ConfigReader r) {
    List<int[]> out = new ArrayList<>();
    if (n == null || n.isNull()) {
      for (int h = 1; h <= 6; h++) {
        for (int w = 1; w <= 6; w++) {
          out.add(new int[] {384 * h, 384 * w});
        }
      }
      return out;
    }
    if (!n.isArray() || n.isEmpty()) {
      throw r.error(key, "expected a list of [height, width], found " + n);
    }
    for (JsonNode e : n) {
      if (!e.isArray() || e.size() != 2 || !e.get(0).canConvertToInt() || !e.get(1).canConvertToInt()
          || e.get(0).intValue() <= 0 || e.get(1).intValue() <= 0) {
        throw r.error(key, "expected a list of [height, width], found " + e);
      }
      out.add(new int[] {e.get(0).intValue(), e.get(1).intValue()});
    }
    return out;
  }

  private static Text parseText(JsonNode t, ConfigReader r) {
    String p = "text_config.";
    String mt = r.string(t, p + "model_type", "qwen2");
    if (!mt.equals("qwen2")) {
      throw r.error(p + "model_type", "only a qwen2 language model is supported, found \"" + mt + "\"");
    }
    int vocab = r.positive(t, p + "vocab_size");
    int hidden = r.positive(t, p + "hidden_size");
    int inter = r.positive(t, p + "intermediate_size");
    int layers = r.positive(t, p + "num_hidden_layers");
    int heads = r.positive(t, p + "num_attention_heads");
    int kv = t.has("num_key_value_heads") ? r.positive(t, p + "num_key_value_heads") : heads;
    if (hidden % heads != 0 || heads % kv != 0) {
      throw r.error(p + "num_attention_heads", "hidden_size " + hidden + ", " + heads + " heads and " + kv
          + " key-value heads do not divide");
    }
    String act = r.string(t, p + "hidden_act", "silu");
    try {
      Ops.checkActivation(p + "hidden_act", act);
    } catch (IllegalArgumentException e) {
      throw r.error(p + "hidden_act", e.getMessage());
    }
    double eps = r.number(t, p + "rms_norm_eps", 1e-6);
    if (r.bool(t, p + "use_sliding_window", false)) {
      throw r.error(p + "use_sliding_window", "sliding-window attention is not supported");
    }
    double theta = r.number(t, p + "rope_theta", 1_000_000.0);
    JsonNode rp = t.get("rope_parameters");
    if (rp != null && !rp.isNull()) {
      String rt = r.string(rp, p + "rope_parameters.rope_type", "default");
      if (!rt.equals("default")) {
        throw r.error(p + "rope_parameters.rope_type", "only default rotary embeddings are supported, found \"" + rt + "\"");
      }
      theta = r.number(rp, p + "rope_parameters.rope_theta", theta);
    }
    JsonNode rs = t.get("rope_scaling");
    if (rs != null && !rs.isNull()) {
      throw r.error(p + "rope_scaling", "rotary scaling is not supported, found " + rs);
    }
    Integer pad = r.has(t, p + "pad_token_id") ? r.integer(t, p + "pad_token_id", 0) : null;
    return new Text(vocab, hidden, inter, layers, heads, kv, act, eps, theta, pad);
  }
}
