package io.github.vlmlens.hooks.internal.qwen2vl;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.vlmlens.hooks.CheckpointException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * A Qwen2-VL ({@code qwen2_vl}) or Qwen2.5-VL ({@code qwen2_5_vl}) {@code config.json}, in either
 * form Hugging Face writes it:
 *
 * <ul>
 *   <li>transformers 5: text settings nested in {@code text_config} with {@code rope_parameters}
 *       ({@code rope_theta}, {@code rope_type}, {@code mrope_section});
 *   <li>transformers 4 (the published hub configs): text settings at the top level (or in
 *       {@code text_config}), {@code rope_theta} and {@code rope_scaling} ({@code type} or
 *       {@code rope_type} {@code "mrope"} or {@code "default"}, {@code mrope_section}).
 * </ul>
 *
 * <p>Sizes have no defaults: a missing size is an error naming its key. Settings that Hugging
 * Face defaults in its config classes (activations, norm epsilon, rotary bases, special token ids,
 * {@code in_channels}) take those defaults. Settings this implementation does not reproduce
 * (sliding-window attention, rotary scaling other than M-RoPE) are errors naming the key.
 */
public final class Qwen2VlConfig {
  /** Hugging Face's {@code model_type} of Qwen2-VL. */
  public static final String QWEN2_VL = "qwen2_vl";
  /** Hugging Face's {@code model_type} of Qwen2.5-VL. */
  public static final String QWEN2_5_VL = "qwen2_5_vl";

  private final String modelType;
  private final Text text;
  private final Vision vision;
  private final int imageTokenId;
  private final int videoTokenId;
  private final int visionStartTokenId;
  private final int visionEndTokenId;
  private final boolean tieWordEmbeddings;

  /** The language model's settings. */
  public record Text(
      int vocabSize,
      int hiddenSize,
      int intermediateSize,
      int numHiddenLayers,
      int numAttentionHeads,
      int numKeyValueHeads,
      String hiddenAct,
      double rmsNormEps,
      double ropeTheta,
      int[] mropeSection,
      Integer padTokenId) {
    /** {@code hidden_size / num_attention_heads} (Qwen2 ignores a {@code head_dim} key). */
    public int headDim() {
      return hiddenSize / numAttentionHeads;
    }

    @Override
    public String toString() {
      return "Text[vocab " + vocabSize + ", hidden " + hiddenSize + ", " + numHiddenLayers + " layers, "
          + numAttentionHeads + "/" + numKeyValueHeads + " heads, mrope " + Arrays.toString(mropeSection) + "]";
    }
  }

  /**
   * The vision tower's settings. {@code width} is Qwen2-VL's {@code embed_dim} or Qwen2.5-VL's
   * {@code hidden_size}; {@code outHiddenSize} is the merger's output width (Qwen2-VL's
   * {@code hidden_size}, Qwen2.5-VL's {@code out_hidden_size}); {@code intermediateSize} is the
   * MLP width ({@code int(embed_dim * mlp_ratio)} for Qwen2-VL). {@code windowSize} is 0 and
   * {@code fullAttentionBlocks} empty for Qwen2-VL (every block attends to the whole image).
   */
  public record Vision(
      int depth,
      int width,
      int outHiddenSize,
      int intermediateSize,
      int numHeads,
      int inChannels,
      int patchSize,
      int spatialMergeSize,
      int temporalPatchSize,
      String hiddenAct,
      double ropeTheta,
      int windowSize,
      int[] fullAttentionBlocks,
      double tokensPerSecond) {
    /** {@code width / num_heads}. */
    public int headDim() {
      return width / numHeads;
    }

    /** The values of one flattened patch row: channels x temporal x patch x patch. */
    public int patchDim() {
      return inChannels * temporalPatchSize * patchSize * patchSize;
    }

    /** Whether block {@code index} (0-based) attends to the whole image rather than a window. */
    public boolean fullAttention(int index) {
      if (windowSize == 0) {
        return true;
      }
      for (int b : fullAttentionBlocks) {
        if (b == index) {
          return true;
        }
      }
      return false;
    }

    @Override
    public String toString() {
      return "Vision[depth " + depth + ", width " + width + ", out " + outHiddenSize + ", mlp "
          + intermediateSize + ", " + numHeads + " heads, patch " + patchSize + ", merge "
          + spatialMergeSize + ", window " + windowSize + "]";
    }
  }

  private Qwen2VlConfig(
      String modelType, Text text, Vision vision, int imageTokenId, int videoTokenId,
      int visionStartTokenId, int visionEndTokenId, boolean tieWordEmbeddings) {
    this.modelType = modelType;
    this.text = text;
    this.vision = vision;
    this.imageTokenId = imageTokenId;
    this.videoTokenId = videoTokenId;
    this.visionStartTokenId = visionStartTokenId;
    this.visionEndTokenId = visionEndTokenId;
    this.tieWordEmbeddings = tieWordEmbeddings;
  }

  /**
   * Parses a parsed {@code config.json}.
   *
   * @param source the file, for messages
   * @throws CheckpointException naming the source and key of a missing, malformed or unsupported
   *     setting
   */
  public static Qwen2VlConfig parse(JsonNode root, String source) {
    if (root == null || !root.isObject()) {
      throw new CheckpointException(source + ": the top level must be a JSON object");
    }
    Reader r = new Reader(source);
    String modelType = r.string(root, "model_type", null);
    if (!QWEN2_VL.equals(modelType) && !QWEN2_5_VL.equals(modelType)) {
      throw r.error("model_type", "expected \"" + QWEN2_VL + "\" or \"" + QWEN2_5_VL + "\", found \"" + modelType + "\"");
    }
    boolean v25 = QWEN2_5_VL.equals(modelType);
    JsonNode tc = root.get("text_config");
    JsonNode textNode;
    String textPrefix;
    if (tc != null && !tc.isNull()) {
      if (!tc.isObject()) {
        throw r.error("text_config", "expected an object, found " + tc);
      }
      textNode = tc;
      textPrefix = "text_config.";
    } else {
      textNode = root;
      textPrefix = "";
    }
    Text text = parseText(textNode, textPrefix, r);
    JsonNode vc = root.get("vision_config");
    if (vc == null || !vc.isObject()) {
      throw r.error("vision_config", vc == null ? "missing" : "expected an object, found " + vc);
    }
    Vision vision = v25 ? parseVision25(vc, r) : parseVision2(vc, r);
    if (vision.outHiddenSize() != text.hiddenSize()) {
      throw r.error(
          v25 ? "vision_config.out_hidden_size" : "vision_config.hidden_size",
          "the merger's output width " + vision.outHiddenSize() + " differs from the language model's hidden_size "
              + text.hiddenSize());
    }
    boolean tie =
        r.bool(root, "tie_word_embeddings", false)
            || (textNode != root && r.bool(textNode, textPrefix + "tie_word_embeddings", false));
    int image = r.integer(root, "image_token_id", 151655);
    int video = r.integer(root, "video_token_id", 151656);
    int start = r.integer(root, "vision_start_token_id", 151652);
    int end = r.integer(root, "vision_end_token_id", 151653);
    String[] keys = {"image_token_id", "video_token_id", "vision_start_token_id", "vision_end_token_id"};
    int[] ids = {image, video, start, end};
    for (int i = 0; i < ids.length; i++) {
      if (ids[i] < 0 || ids[i] >= text.vocabSize()) {
        throw r.error(keys[i], "token id " + ids[i] + " is outside the vocabulary of " + text.vocabSize());
      }
    }
    return new Qwen2VlConfig(modelType, text, vision, image, video, start, end, tie);
  }

  private static Text parseText(JsonNode t, String p, Reader r) {
    int vocab = r.positive(t, p + "vocab_size");
    int hidden = r.positive(t, p + "hidden_size");
    int inter = r.positive(t, p + "intermediate_size");
    int layers = r.positive(t, p + "num_hidden_layers");
    int heads = r.positive(t, p + "num_attention_heads");
    int kv = r.positive(t, p + "num_key_value_heads");
    if (hidden % heads != 0) {
      throw r.error(p + "num_attention_heads", "hidden_size " + hidden + " is not a multiple of " + heads + " heads");
    }
    if (heads % kv != 0) {
      throw r.error(p + "num_key_value_heads", heads + " attention heads are not a multiple of " + kv);
    }
    String act = r.string(t, p + "hidden_act", "silu");
    checkActivation(r, p + "hidden_act", act, "silu", "swish", "gelu", "relu");
    double eps = r.number(t, p + "rms_norm_eps", 1e-5);
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
    // Rotary: transformers 5 rope_parameters; transformers 4 rope_scaling (+ rope_theta).
    JsonNode rope = t.get("rope_scaling");
    String ropeKey = p + "rope_scaling";
    if (rope == null || rope.isNull()) {
      rope = t.get("rope_parameters");
      ropeKey = p + "rope_parameters";
    }
    if (rope != null && !rope.isNull() && !rope.isObject()) {
      throw r.error(ropeKey, "expected an object, found " + rope);
    }
    double theta = r.number(t, p + "rope_theta", 1000000.0);
    int[] section = null;
    if (rope != null && !rope.isNull()) {
      JsonNode type = rope.has("rope_type") ? rope.get("rope_type") : rope.get("type");
      String typeKey = ropeKey + (rope.has("rope_type") ? ".rope_type" : ".type");
      if (type != null && !type.isNull()) {
        String ty = type.asText();
        if (!ty.equals("mrope") && !ty.equals("default")) {
          throw r.error(typeKey, "only \"mrope\" or \"default\" rotary embeddings are supported, found \"" + ty + "\"");
        }
      }
      if (rope.has("rope_theta")) {
        theta = r.number(rope, ropeKey + ".rope_theta", theta);
      }
      JsonNode ms = rope.get("mrope_section");
      if (ms != null && !ms.isNull()) {
        if (!ms.isArray() || ms.isEmpty()) {
          throw r.error(ropeKey + ".mrope_section", "expected a list of positive integers, found " + ms);
        }
        section = new int[ms.size()];
        for (int i = 0; i < section.length; i++) {
          JsonNode n = ms.get(i);
          if (!n.isIntegralNumber() || n.intValue() <= 0) {
            throw r.error(ropeKey + ".mrope_section", "expected a list of positive integers, found " + ms);
          }
          section[i] = n.intValue();
        }
      }
    }
    if (section == null) {
      throw r.error(ropeKey + ".mrope_section", "missing (the multimodal rotary split of the head dimension)");
    }
    if (!(theta > 0)) {
      throw r.error(ropeKey + ".rope_theta", "must be positive, found " + theta);
    }
    int sum = Arrays.stream(section).sum();
    int headDim = hidden / heads;
    if (sum * 2 != headDim) {
      throw r.error(
          ropeKey + ".mrope_section",
          Arrays.toString(section) + " sums to " + sum + " but half the head dimension is " + headDim / 2);
    }
    JsonNode pad = t.get("pad_token_id");
    Integer padId = pad == null || pad.isNull() || !pad.canConvertToInt() ? null : pad.intValue();
    return new Text(vocab, hidden, inter, layers, heads, kv, act, eps, theta, section, padId);
  }

  private static Vision parseVision2(JsonNode v, Reader r) {
    String p = "vision_config.";
    int depth = r.positive(v, p + "depth");
    int width = r.positive(v, p + "embed_dim");
    int out = r.positive(v, p + "hidden_size");
    JsonNode ratio = v.get("mlp_ratio");
    if (ratio == null || !ratio.isNumber() || !(ratio.doubleValue() > 0)) {
      throw r.error(p + "mlp_ratio", ratio == null ? "missing" : "expected a positive number, found " + ratio);
    }
    int inter = (int) (width * ratio.doubleValue());
    int heads = r.positive(v, p + "num_heads");
    String act = r.string(v, p + "hidden_act", "quick_gelu");
    checkActivation(r, p + "hidden_act", act, "quick_gelu", "gelu", "silu", "swish", "relu");
    return common(v, r, depth, width, out, inter, heads, act, 0, new int[0], 0);
  }

  private static Vision parseVision25(JsonNode v, Reader r) {
    String p = "vision_config.";
    int depth = r.positive(v, p + "depth");
    int width = r.positive(v, p + "hidden_size");
    int out = r.positive(v, p + "out_hidden_size");
    int inter = r.positive(v, p + "intermediate_size");
    int heads = r.positive(v, p + "num_heads");
    String act = r.string(v, p + "hidden_act", "silu");
    checkActivation(r, p + "hidden_act", act, "silu", "swish", "gelu", "quick_gelu", "relu");
    int window = r.positive(v, p + "window_size");
    JsonNode fb = v.get("fullatt_block_indexes");
    if (fb == null || !fb.isArray()) {
      throw r.error(p + "fullatt_block_indexes", fb == null ? "missing" : "expected a list of block indexes, found " + fb);
    }
    List<Integer> full = new ArrayList<>();
    for (JsonNode n : fb) {
      if (!n.isIntegralNumber() || n.intValue() < 0 || n.intValue() >= depth) {
        throw r.error(p + "fullatt_block_indexes", "expected block indexes in 0.." + (depth - 1) + ", found " + fb);
      }
      full.add(n.intValue());
    }
    double tps = r.number(v, p + "tokens_per_second", 4);
    return common(
        v, r, depth, width, out, inter, heads, act, window, full.stream().mapToInt(Integer::intValue).toArray(), tps);
  }

  private static Vision common(
      JsonNode v, Reader r, int depth, int width, int out, int inter, int heads, String act, int window,
      int[] full, double tps) {
    String p = "vision_config.";
    if (width % heads != 0) {
      throw r.error(p + "num_heads", "width " + width + " is not a multiple of " + heads + " heads");
    }
    if ((width / heads) % 4 != 0) {
      throw r.error(p + "num_heads", "the head dimension " + width / heads + " must be a multiple of 4 (2-D rotary)");
    }
    int channels =
        v.has("in_channels") ? r.positive(v, p + "in_channels") : v.has("in_chans") ? r.positive(v, p + "in_chans") : 3;
    int patch = r.positive(v, p + "patch_size");
    int merge = r.positive(v, p + "spatial_merge_size");
    int temporal = r.positive(v, p + "temporal_patch_size");
    double theta = 10000.0;
    JsonNode rope = v.get("rope_parameters");
    if (rope != null && rope.isObject()) {
      JsonNode type = rope.get("rope_type");
      if (type != null && !type.isNull() && !"axial".equals(type.asText())) {
        throw r.error(p + "rope_parameters.rope_type", "only \"axial\" is supported, found " + type);
      }
      theta = r.number(rope, p + "rope_parameters.rope_theta", theta);
    }
    if (window > 0 && window % (patch * merge) != 0) {
      throw r.error(p + "window_size", window + " px is not a multiple of patch_size x spatial_merge_size = " + patch * merge);
    }
    return new Vision(
        depth, width, out, inter, heads, channels, patch, merge, temporal, act, theta, window, full, tps);
  }

  private static void checkActivation(Reader r, String key, String act, String... allowed) {
    String a = act.toLowerCase(Locale.ROOT);
    for (String s : allowed) {
      if (s.equals(a)) {
        return;
      }
    }
    throw r.error(key, "unsupported activation \"" + act + "\"; supported: " + String.join(", ", allowed));
  }

  /** {@code qwen2_vl} or {@code qwen2_5_vl}. */
  public String modelType() {
    return modelType;
  }

  /** Whether this is Qwen2.5-VL (RMSNorm, SwiGLU and windowed attention in the vision tower). */
  public boolean isQwen25() {
    return QWEN2_5_VL.equals(modelType);
  }

  /** The language model's settings. */
  public Text text() {
    return text;
  }

  /** The vision tower's settings. */
  public Vision vision() {
    return vision;
  }

  /** {@code image_token_id} ({@code <|image_pad|>}). */
  public int imageTokenId() {
    return imageTokenId;
  }

  /** {@code video_token_id} ({@code <|video_pad|>}). */
  public int videoTokenId() {
    return videoTokenId;
  }

  /** {@code vision_start_token_id}. */
  public int visionStartTokenId() {
    return visionStartTokenId;
  }

  /** {@code vision_end_token_id}. */
  public int visionEndTokenId() {
    return visionEndTokenId;
  }

  /** Whether the head shares the token embedding (top level or text config). */
  public boolean tieWordEmbeddings() {
    return tieWordEmbeddings;
  }

  @Override
  public String toString() {
    return "Qwen2VlConfig[" + modelType + ", " + text + ", " + vision + ", image token " + imageTokenId
        + (tieWordEmbeddings ? ", tied" : "") + "]";
  }

  /** Typed reads of JSON keys with errors naming the source and key. */
  static final class Reader {
    final String source;

    Reader(String source) {
      this.source = source;
    }

    CheckpointException error(String key, String what) {
      return new CheckpointException(source + ": key '" + key + "': " + what);
    }

    private static JsonNode get(JsonNode node, String key) {
      int dot = key.lastIndexOf('.');
      return node.get(dot < 0 ? key : key.substring(dot + 1));
    }

    int positive(JsonNode node, String key) {
      JsonNode n = get(node, key);
      if (n == null || n.isNull()) {
        throw error(key, "missing");
      }
      if (!n.isIntegralNumber() || !n.canConvertToInt() || n.intValue() <= 0) {
        throw error(key, "expected a positive integer, found " + n);
      }
      return n.intValue();
    }

    int integer(JsonNode node, String key, int dflt) {
      JsonNode n = get(node, key);
      if (n == null || n.isNull()) {
        return dflt;
      }
      if (!n.isIntegralNumber() || !n.canConvertToInt()) {
        throw error(key, "expected an integer, found " + n);
      }
      return n.intValue();
    }

    double number(JsonNode node, String key, double dflt) {
      JsonNode n = get(node, key);
      if (n == null || n.isNull()) {
        return dflt;
      }
      if (!n.isNumber() || !Double.isFinite(n.doubleValue())) {
        throw error(key, "expected a number, found " + n);
      }
      return n.doubleValue();
    }

    boolean bool(JsonNode node, String key, boolean dflt) {
      JsonNode n = get(node, key);
      if (n == null || n.isNull()) {
        return dflt;
      }
      if (!n.isBoolean()) {
        throw error(key, "expected true or false, found " + n);
      }
      return n.booleanValue();
    }

    String string(JsonNode node, String key, String dflt) {
      JsonNode n = get(node, key);
      if (n == null || n.isNull()) {
        if (dflt == null) {
          throw error(key, "missing");
        }
        return dflt;
      }
      if (!n.isTextual()) {
        throw error(key, "expected a string, found " + n);
      }
      return n.textValue();
    }
  }
}
