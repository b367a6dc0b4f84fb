package io.github.vlmlens.hooks.internal.siglip;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import io.github.vlmlens.core.HookPoint;
import io.github.vlmlens.hooks.ForwardTap;
import io.github.vlmlens.hooks.internal.model.Attention;
import io.github.vlmlens.hooks.internal.model.CheckedWeights;
import io.github.vlmlens.hooks.internal.model.LayerPoints;
import io.github.vlmlens.hooks.internal.model.Ops;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Hugging Face's {@code SiglipVisionModel} on raw {@code NDArray} operations: the patch embedding
 * (a stride-{@code patch} convolution, run as a linear map of flattened patch rows) plus position
 * embeddings, no class token; pre-norm encoder layers (LayerNorm, full attention with q/k/v/out
 * biases, LayerNorm, {@code fc1}-activation-{@code fc2}); {@code post_layernorm}. The attention
 * pooling head ({@code vision_use_head}) is not part of any family's path and is not loaded.
 *
 * <p>Hook points: {@code vision.0.resid_post} is the embeddings output ({@code embeddings}),
 * {@code vision.L.*} encoder layer {@code L} ({@code encoder.layers[L-1]}). Activations are
 * {@code [images, patches, hidden]}: the rows of each image (tile, frame) row-major, images one
 * after another.
 */
public final class SiglipTower {
  private final SiglipConfig config;
  private final DataType dataType;
  private final NDArray patchW;
  private final NDArray patchB;
  private final NDArray position;
  private final NDArray[][] layers;
  private final NDArray postW;
  private final NDArray postB;
  private final LayerPoints[] points;
  private final float scale;
  private final float eps;

  private static final String[] LAYER_TENSORS = {
    "layer_norm1.weight", "layer_norm1.bias", "self_attn.q_proj.weight", "self_attn.q_proj.bias",
    "self_attn.k_proj.weight", "self_attn.k_proj.bias", "self_attn.v_proj.weight", "self_attn.v_proj.bias",
    "self_attn.out_proj.weight", "self_attn.out_proj.bias", "layer_norm2.weight", "layer_norm2.bias",
    "mlp.fc1.weight", "mlp.fc1.bias", "mlp.fc2.weight", "mlp.fc2.bias"
  };

  /**
   * @param params the loaded tensors, named {@code prefix + ...} as {@link #layout} lists them
   * @param layersRun the encoder layers the family's path runs (the rest are not loaded)
   */
  public SiglipTower(
      SiglipConfig config, Map<String, NDArray> params, String prefix, int layersRun, DataType dataType) {
    this.config = config;
    this.dataType = dataType;
    int d = config.hiddenSize();
    int p = config.patchSize();
    this.patchW = CheckedWeights.get(params, prefix + "embeddings.patch_embedding.weight")
        .reshape(d, (long) config.numChannels() * p * p);
    this.patchB = CheckedWeights.get(params, prefix + "embeddings.patch_embedding.bias");
    this.position = CheckedWeights.get(params, prefix + "embeddings.position_embedding.weight");
    this.layers = new NDArray[layersRun][];
    for (int i = 0; i < layersRun; i++) {
      layers[i] = new NDArray[LAYER_TENSORS.length];
      for (int k = 0; k < LAYER_TENSORS.length; k++) {
        layers[i][k] = CheckedWeights.get(params, prefix + "encoder.layers." + i + "." + LAYER_TENSORS[k]);
      }
    }
    this.postW = params.get(prefix + "post_layernorm.weight");
    this.postB = params.get(prefix + "post_layernorm.bias");
    this.points = LayerPoints.visionStackWithMaps(layersRun);
    this.scale = (float) Math.pow(config.headDim(), -0.5);
    this.eps = (float) config.layerNormEps();
  }

  /**
   * Adds the tower's tensors to a layout: embeddings, encoder layers {@code 0..layersRun-1} and,
   * when {@code postNorm}, {@code post_layernorm}.
   */
  public static void layout(CheckedWeights w, String prefix, SiglipConfig c, int layersRun, boolean postNorm) {
    long d = c.hiddenSize();
    long p = c.patchSize();
    w.add(prefix + "embeddings.patch_embedding.weight", d, c.numChannels(), p, p);
    w.add(prefix + "embeddings.patch_embedding.bias", d);
    w.add(prefix + "embeddings.position_embedding.weight", c.patches(), d);
    for (int i = 0; i < layersRun; i++) {
      String l = prefix + "encoder.layers." + i + ".";
      w.norm(l + "layer_norm1", d, true);
      w.linear(l + "self_attn.q_proj", d, d, true);
      w.linear(l + "self_attn.k_proj", d, d, true);
      w.linear(l + "self_attn.v_proj", d, d, true);
      w.linear(l + "self_attn.out_proj", d, d, true);
      w.norm(l + "layer_norm2", d, true);
      w.linear(l + "mlp.fc1", c.intermediateSize(), d, true);
      w.linear(l + "mlp.fc2", d, c.intermediateSize(), true);
    }
    if (postNorm) {
      w.norm(prefix + "post_layernorm", d, true);
    }
  }

  /**
   * Whether a tensor of the tower may be in a checkpoint without being loaded: the pooling head,
   * {@code post_layernorm} and layers past the ones the path runs.
   */
  public static boolean ignorable(String name, String prefix, int layersRun) {
    if (!name.startsWith(prefix)) {
      return false;
    }
    String rest = name.substring(prefix.length());
    if (rest.startsWith("head.") || rest.startsWith("post_layernorm.")) {
      return true;
    }
    if (rest.startsWith("encoder.layers.")) {
      String idx = rest.substring("encoder.layers.".length()).split("\\.", 2)[0];
      try {
        return Integer.parseInt(idx) >= layersRun;
      } catch (NumberFormatException e) {
        return false;
      }
    }
    return false;
  }

  /** The hook points the tower visits, in order. */
  public List<HookPoint> hookPoints() {
    List<HookPoint> out = new ArrayList<>();
    out.add(HookPoint.visionResid(0));
    for (int l = 1; l < points.length; l++) {
      out.addAll(points[l].all());
    }
    return out;
  }

  /** The encoder layers run. */
  public int layersRun() {
    return layers.length;
  }

  /**
   * The flattened patch rows of preprocessed images: {@code chw} holds {@code images} images of
   * {@code channels x size x size} values; row {@code (image, py, px)} holds the patch's values in
   * the convolution weight's {@code (channel, y, x)} order.
   */
  public static float[] patchRows(float[] chw, int images, int channels, int size, int patch) {
    int side = size / patch;
    int k = channels * patch * patch;
    float[] out = new float[images * side * side * k];
    int at = 0;
    for (int n = 0; n < images; n++) {
      int base = n * channels * size * size;
      for (int py = 0; py < side; py++) {
        for (int px = 0; px < side; px++) {
          for (int c = 0; c < channels; c++) {
            for (int y = 0; y < patch; y++) {
              System.arraycopy(chw, base + c * size * size + (py * patch + y) * size + px * patch, out, at, patch);
              at += patch;
            }
          }
        }
      }
    }
    return out;
  }

  /**
   * The output of the last layer run ({@code [images, patches, hidden]}, before
   * {@code post_layernorm}) for patch rows {@code [images, patches, channels * patch^2]}.
   */
  public NDArray forward(NDArray rows, ForwardTap tap) {
    NDArray x = Ops.linear(rows.toType(dataType, false), patchW, patchB).add(position);
    x = tap.visit(HookPoint.visionResid(0), x);
    for (int l = 1; l < points.length; l++) {
      final int layer = l;
      x = Ops.scoped(x, h -> layer(layer, h, tap));
    }
    return x;
  }

  /** {@code post_layernorm}. */
  public NDArray postLayerNorm(NDArray x) {
    return Ops.layerNorm(x, postW, postB, eps);
  }

  private NDArray layer(int layer, NDArray x, ForwardTap tap) {
    NDArray[] w = layers[layer - 1];
    LayerPoints p = points[layer];
    int heads = config.numAttentionHeads();
    int hd = config.headDim();
    x = tap.visit(p.residPre, x);
    NDArray a = Ops.layerNorm(x, w[0], w[1], eps);
    NDArray q = Ops.splitHeads(Ops.linear(a, w[2], w[3]), heads, hd);
    NDArray k = Ops.splitHeads(Ops.linear(a, w[4], w[5]), heads, hd);
    NDArray v = Ops.splitHeads(Ops.linear(a, w[6], w[7]), heads, hd);
    NDArray z = Attention.attend(q, k, v, null, scale, p, tap);
    NDArray attnOut = tap.visit(p.attnOut, Ops.linear(z, w[8], w[9]));
    NDArray h = tap.visit(p.residMid, x.add(attnOut));
    NDArray m = Ops.linear(Ops.activation(config.hiddenAct(), Ops.linear(Ops.layerNorm(h, w[10], w[11], eps), w[12], w[13])), w[14], w[15]);
    NDArray mlpOut = tap.visit(p.mlpOut, m);
    return tap.visit(p.residPost, h.add(mlpOut));
  }
}
