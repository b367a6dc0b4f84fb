package io.github.vlmlens.hooks.internal.siglip;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.vlmlens.hooks.internal.model.ConfigReader;

/**
 * A {@code SiglipVisionConfig} ({@code vision_config} of Gemma 3 and LLaVA-OneVision). Absent keys
 * take the class defaults (the published Gemma 3 configs rely on them): hidden 768, MLP 3072, 12
 * layers, 12 heads, 3 channels, image 224, patch 16, {@code gelu_pytorch_tanh}, eps 1e-6.
 */
public record SiglipConfig(
    int hiddenSize,
    int intermediateSize,
    int numHiddenLayers,
    int numAttentionHeads,
    int numChannels,
    int imageSize,
    int patchSize,
    String hiddenAct,
    double layerNormEps,
    boolean useHead) {

  /** Patches per side. */
  public int side() {
    return imageSize / patchSize;
  }

  /** Patches (rows) per image. */
  public int patches() {
    return side() * side();
  }

  /** {@code hidden_size / num_attention_heads}. */
  public int headDim() {
    return hiddenSize / numAttentionHeads;
  }

  /**
   * Parses a {@code vision_config} object.
   *
   * @param prefix the key path of the object, e.g. {@code "vision_config."}, for messages
   * @throws io.github.vlmlens.hooks.CheckpointException naming the key of a bad setting
   */
  public static SiglipConfig parse(JsonNode v, String prefix, ConfigReader r) {
    int hidden = v.has("hidden_size") ? r.positive(v, prefix + "hidden_size") : 768;
    int inter = v.has("intermediate_size") ? r.positive(v, prefix + "intermediate_size") : 3072;
    int layers = v.has("num_hidden_layers") ? r.positive(v, prefix + "num_hidden_layers") : 12;
    int heads = v.has("num_attention_heads") ? r.positive(v, prefix + "num_attention_heads") : 12;
    int channels = v.has("num_channels") ? r.positive(v, prefix + "num_channels") : 3;
    int image = v.has("image_size") ? r.positive(v, prefix + "image_size") : 224;
    int patch = v.has("patch_size") ? r.positive(v, prefix + "patch_size") : 16;
    String act = r.string(v, prefix + "hidden_act", "gelu_pytorch_tanh");
    try {
      io.github.vlmlens.hooks.internal.model.Ops.checkActivation(prefix + "hidden_act", act);
    } catch (IllegalArgumentException e) {
      throw r.error(prefix + "hidden_act", e.getMessage());
    }
    double eps = r.number(v, prefix + "layer_norm_eps", 1e-6);
    if (hidden % heads != 0) {
      throw r.error(prefix + "num_attention_heads", "hidden_size " + hidden + " is not a multiple of " + heads);
    }
    if (image % patch != 0) {
      throw r.error(prefix + "patch_size", "image_size " + image + " is not a multiple of " + patch);
    }
    boolean head = r.bool(v, prefix + "vision_use_head", true);
    return new SiglipConfig(hidden, inter, layers, heads, channels, image, patch, act, eps, head);
  }
}
