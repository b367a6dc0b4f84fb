package io.github.vlmlens.hooks.internal.mllama;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.vlmlens.hooks.CheckpointException;
import io.github.vlmlens.hooks.internal.model.ConfigReader;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A Llama-3.2-Vision ({@code mllama}) {@code config.json}, in the form transformers 5 writes it
 * ({@code text_config.rope_parameters}) or the published transformers 4 form
 * ({@code text_config.rope_theta} and {@code rope_scaling}). Sizes have no defaults (a missing size
 * is an error naming its key); settings HF defaults take those defaults; unsupported settings
 * (rotary types other than {@code default} and {@code llama3}, a vision tower that is not square)
 * are errors naming the key.
 */
public final class MllamaConfig {
  /** Hugging Face's {@code model_type}. */
  public static final String MLLAMA = "mllama";

  /** Llama 3's rotary scaling ({@code rope_type: llama3}); null fields for {@code default}. */
  public record Llama3Scaling(double factor, double lowFreqFactor, double highFreqFactor, int originalMaxPositions) {}

  /** The text decoder: self-attention layers plus cross-attention layers at {@code crossAttentionLayers} (0-based). */
  public record Text(
      int vocabSize, int hiddenSize, int intermediateSize, int numHiddenLayers, int numAttentionHeads,
      int numKeyValueHeads, String hiddenAct, double rmsNormEps, double ropeTheta, Llama3Scaling llama3,
      int[] crossAttentionLayers, boolean tieWordEmbeddings, Integer padTokenId) {
    /** {@code hidden_size / num_attention_heads}. */
    public int headDim() {
      return hiddenSize / numAttentionHeads;
    }

    /** Whether decoder layer {@code index} (0-based) is a cross-attention layer. */
    public boolean isCrossAttention(int index) {
      return Arrays.stream(crossAttentionLayers).anyMatch(i -> i == index);
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Text t && toString().equals(t.toString());
    }

    @Override
    public int hashCode() {
      return toString().hashCode();
    }

    @Override
    public String toString() {
      return "Text[vocab " + vocabSize + ", hidden " + hiddenSize + ", mlp " + intermediateSize + ", " + numHiddenLayers
          + " layers, " + numAttentionHeads + "/" + numKeyValueHeads + " heads, " + hiddenAct + ", eps " + rmsNormEps
          + ", theta " + ropeTheta + ", " + llama3 + ", cross " + Arrays.toString(crossAttentionLayers) + ", tie "
          + tieWordEmbeddings + ", pad " + padTokenId + "]";
    }
  }

  /** The vision tower: a local encoder, a gated global encoder, intermediate local outputs appended. */
  public record Vision(
      int hiddenSize, int numHiddenLayers, int numGlobalLayers, int numHeads, int intermediateSize, String hiddenAct,
      int visionOutputDim, int imageSize, int patchSize, double normEps, int maxNumTiles, int[] intermediateLayers,
      int[][] supportedAspectRatios) {
    /** Patches of a tile plus the class token. */
    public int patchesPerTile() {
      return (imageSize / patchSize) * (imageSize / patchSize) + 1;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Vision v && toString().equals(v.toString());
    }

    @Override
    public int hashCode() {
      return toString().hashCode();
    }

    @Override
    public String toString() {
      return "Vision[width " + hiddenSize + ", " + numHiddenLayers + "+" + numGlobalLayers + " layers, " + numHeads
          + " heads, mlp " + intermediateSize + ", out " + visionOutputDim + ", tile " + imageSize + ", patch "
          + patchSize + ", eps " + normEps + ", tiles " + maxNumTiles + ", intermediate "
          + Arrays.toString(intermediateLayers) + ", ratios " + Arrays.deepToString(supportedAspectRatios) + "]";
    }
  }

  private final Text text;
  private final Vision vision;
  private final int imageTokenId;

  private MllamaConfig(Text text, Vision vision, int imageTokenId) {
    this.text = text;
    this.vision = vision;
    this.imageTokenId = imageTokenId;
  }

  /**
   * Parses a parsed {@code config.json}.
   *
   * @throws CheckpointException naming the source and key at fault
   */
  public static MllamaConfig parse(JsonNode root, String source) {
    if (root == null || !root.isObject()) {
      throw new CheckpointException(source + ": the top level must be a JSON object");
    }
    ConfigReader r = new ConfigReader(source);
    String mt = r.string(root, "model_type", null);
    if (!MLLAMA.equals(mt)) {
      throw r.error("model_type", "expected \"" + MLLAMA + "\", found \"" + mt + "\"");
    }
    Text text = parseText(r.object(root, "text_config"), r);
    Vision vision = parseVision(r.object(root, "vision_config"), r);
    String key = root.has("image_token_index") ? "image_token_index" : "image_token_id";
    int image = r.integer(root, key, 128256);
    if (image < 0 || image >= text.vocabSize() + 8) {
      throw r.error(key, "token id " + image + " is outside the embedding table of " + (text.vocabSize() + 8));
    }
    return new MllamaConfig(text, vision, image);
  }

  private static Text parseText(JsonNode t, ConfigReader r) {
    String p = "text_config.";
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
    String act = r.choice(t, p + "hidden_act", "silu", "silu", "swish", "gelu", "relu");
    double eps = r.number(t, p + "rms_norm_eps", 1e-5);
    int[] cross = ints(t, p + "cross_attention_layers", r);
    for (int c : cross) {
      if (c < 0 || c >= layers) {
        throw r.error(p + "cross_attention_layers", "layer " + c + " is outside 0.." + (layers - 1));
      }
    }
    // Rotary: transformers 5 rope_parameters (rope_theta inside); transformers 4 rope_theta + rope_scaling.
    double theta = r.number(t, p + "rope_theta", 500000.0);
    Llama3Scaling llama3 = null;
    for (String k : new String[] {"rope_parameters", "rope_scaling"}) {
      JsonNode rope = t.get(k);
      if (rope == null || rope.isNull()) {
        continue;
      }
      if (!rope.isObject()) {
        throw r.error(p + k, "expected an object, found " + rope);
      }
      String rk = p + k + ".";
      String typeKey = rope.has("rope_type") ? "rope_type" : "type";
      String type = r.choice(rope, rk + typeKey, "default", "default", "llama3");
      theta = r.number(rope, rk + "rope_theta", theta);
      if (type.equals("llama3")) {
        double factor = r.number(rope, rk + "factor", Double.NaN);
        double low = r.number(rope, rk + "low_freq_factor", Double.NaN);
        double high = r.number(rope, rk + "high_freq_factor", Double.NaN);
        int orig = r.has(rope, rk + "original_max_position_embeddings")
            ? r.positive(rope, rk + "original_max_position_embeddings")
            : r.positive(t, p + "max_position_embeddings");
        for (String[] kv2 : new String[][] {{"factor", "" + factor}, {"low_freq_factor", "" + low},
            {"high_freq_factor", "" + high}}) {
          double v = Double.parseDouble(kv2[1]);
          if (!(v > 0)) {
            throw r.error(rk + kv2[0], Double.isNaN(v) ? "missing (needed by llama3 rotary scaling)" : "must be positive");
          }
        }
        if (!(high > low)) {
          throw r.error(rk + "high_freq_factor", "must exceed low_freq_factor " + low + ", found " + high);
        }
        llama3 = new Llama3Scaling(factor, low, high, orig);
      }
    }
    if (!(theta > 0)) {
      throw r.error(p + "rope_theta", "must be positive, found " + theta);
    }
    JsonNode pad = t.get("pad_token_id");
    Integer padId = pad == null || !pad.canConvertToInt() ? null : pad.intValue();
    boolean tie = r.bool(t, p + "tie_word_embeddings", false);
    return new Text(vocab, hidden, inter, layers, heads, kv, act, eps, theta, llama3, cross, tie, padId);
  }

  private static Vision parseVision(JsonNode v, ConfigReader r) {
    String p = "vision_config.";
    int hidden = r.positive(v, p + "hidden_size");
    int layers = r.positive(v, p + "num_hidden_layers");
    int global = r.positive(v, p + "num_global_layers");
    String headsKey = v.has("attention_heads") ? "attention_heads" : "num_attention_heads";
    int heads = r.positive(v, p + headsKey);
    if (hidden % heads != 0) {
      throw r.error(p + headsKey, "hidden_size " + hidden + " is not a multiple of " + heads + " heads");
    }
    int inter = r.positive(v, p + "intermediate_size");
    String act = r.choice(v, p + "hidden_act", "gelu", "gelu", "quick_gelu", "silu", "relu");
    int channels = r.has(v, p + "num_channels") ? r.positive(v, p + "num_channels") : 3;
    if (channels != 3) {
      throw r.error(p + "num_channels", "only 3 (RGB) is supported, found " + channels);
    }
    int image = r.square(v, p + "image_size");
    int patch = r.square(v, p + "patch_size");
    if (image % patch != 0) {
      throw r.error(p + "patch_size", "image_size " + image + " is not a multiple of the patch size " + patch);
    }
    double eps = r.number(v, p + "norm_eps", 1e-5);
    int tiles = r.positive(v, p + "max_num_tiles");
    int[] inter2 = ints(v, p + "intermediate_layers_indices", r);
    for (int i : inter2) {
      if (i < 0 || i >= layers) {
        throw r.error(p + "intermediate_layers_indices", "layer " + i + " is outside 0.." + (layers - 1));
      }
    }
    int out = r.positive(v, p + "vision_output_dim");
    if (out != hidden * (1 + inter2.length)) {
      throw r.error(p + "vision_output_dim", out + " differs from hidden_size x (1 + " + inter2.length
          + " intermediate layers) = " + hidden * (1 + inter2.length));
    }
    JsonNode sr = v.get("supported_aspect_ratios");
    if (sr == null || !sr.isArray() || sr.isEmpty()) {
      throw r.error(p + "supported_aspect_ratios", sr == null ? "missing" : "expected a list of [rows, columns]");
    }
    int[][] ratios = new int[sr.size()][];
    for (int i = 0; i < ratios.length; i++) {
      JsonNode e = sr.get(i);
      if (!e.isArray() || e.size() != 2 || !e.get(0).canConvertToInt() || !e.get(1).canConvertToInt()
          || e.get(0).intValue() * e.get(1).intValue() > tiles || e.get(0).intValue() < 1 || e.get(1).intValue() < 1) {
        throw r.error(p + "supported_aspect_ratios", "entry " + e + " is not a grid of at most " + tiles + " tiles");
      }
      ratios[i] = new int[] {e.get(0).intValue(), e.get(1).intValue()};
    }
    return new Vision(hidden, layers, global, heads, inter, act, out, image, patch, eps, tiles, inter2, ratios);
  }

  private static int[] ints(JsonNode node, String key, ConfigReader r) {
    JsonNode n = node.get(key.substring(key.lastIndexOf('.') + 1));
    if (n == null || !n.isArray()) {
      throw r.error(key, n == null ? "missing" : "expected a list of integers, found " + n);
    }
    List<Integer> out = new ArrayList<>();
    for (JsonNode e : n) {
      if (!e.isIntegralNumber()) {
        throw r.error(key, "expected a list of integers, found " + n);
      }
      out.add(e.intValue());
    }
    return out.stream().mapToInt(Integer::intValue).toArray();
  }

  /** The text decoder's settings. */
  public Text text() {
    return text;
  }

  /** The vision tower's settings. */
  public Vision vision() {
    return vision;
  }

  /** {@code image_token_index} ({@code <|image|>}). */
  public int imageTokenId() {
    return imageTokenId;
  }

  @Override
  public String toString() {
    return "MllamaConfig[" + text + ", " + vision + ", image token " + imageTokenId + "]";
  }
}
