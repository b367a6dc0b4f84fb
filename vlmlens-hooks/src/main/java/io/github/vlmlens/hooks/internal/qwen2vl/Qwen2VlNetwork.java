package io.github.vlmlens.hooks.internal.qwen2vl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.nn.core.Embedding;
import io.github.vlmlens.core.HookPoint;
import io.github.vlmlens.hooks.ForwardTap;
import io.github.vlmlens.hooks.internal.model.Attention;
import io.github.vlmlens.hooks.internal.model.KvCache;
import io.github.vlmlens.hooks.internal.model.LayerPoints;
import io.github.vlmlens.hooks.internal.model.LlamaBlock;
import io.github.vlmlens.hooks.internal.model.Ops;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The Qwen2-VL and Qwen2.5-VL forward pass on raw {@code NDArray} operations with a
 * {@link ForwardTap} visit at every hook point.
 *
 * <p>Vision tower: the Conv3d patch embedding as a linear map of the flattened patch rows, blocks
 * with 2-D rotary attention within each image (each frame of a video) — Qwen2-VL: LayerNorm,
 * {@code fc1/fc2} MLP; Qwen2.5-VL: RMSNorm, SwiGLU MLP, attention within windows except in the
 * full-attention blocks, as an additive mask in the processor's (natural) patch order, which
 * leaves every hook row in that order — then the merger (norm, groups of {@code merge^2}
 * consecutive rows, MLP with exact GELU) as {@code projector.out}. Decoder: Qwen2 blocks (q/k/v
 * biases, no o bias, RMSNorm, SwiGLU, grouped-query attention) with M-RoPE from per-batch tables.
 *
 * <p>Each block runs in a scratch sub-manager of its input's manager, so only its output
 * survives; causal masks are cached per length in a sub-manager of the model's manager.
 */
final class Qwen2VlNetwork implements AutoCloseable {
  private static final int CACHE_LENGTHS = 64;
  private static final float VISION_EPS = 1e-6f;

  private final Qwen2VlConfig config;
  private final boolean v25;
  private final DataType dataType;
  private final NDManager cacheManager;

  private final NDArray patchWeight; // [width, patchDim]
  private final VisionBlock[] visionBlocks;
  private final NDArray mergerNormW;
  private final NDArray mergerNormB;
  private final NDArray merger0W;
  private final NDArray merger0B;
  private final NDArray merger2W;
  private final NDArray merger2B;
  private final float visionScale;

  private final NDArray embedTokens;
  private final LlamaBlock.Weights[] layers;
  private final LlamaBlock.Settings blockSettings;
  private final NDArray finalNorm;
  private final NDArray lmHead;
  private final float rmsEps;
  private final float textScale;

  private final HookPoint visionEmbed = HookPoint.visionResid(0);
  private final LayerPoints[] visionPoints;
  private final HookPoint lmEmbed = HookPoint.lmResid(0);
  private final LayerPoints[] lmPoints;
  private final HookPoint projectorOut = HookPoint.projectorOut();

  private final LinkedHashMap<Integer, NDArray> masks =
      new LinkedHashMap<>(16, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<Integer, NDArray> eldest) {
          if (size() > CACHE_LENGTHS) {
            eldest.getValue().close();
            return true;
          }
          return false;
        }
      };

  private static final class VisionBlock {
    NDArray n1W, n1B, n2W, n2B, qkvW, qkvB, projW, projB;
    NDArray fc1W, fc1B, fc2W, fc2B; // Qwen2-VL
    NDArray gateW, gateB, upW, upB, downW, downB; // Qwen2.5-VL
    boolean full;
  }


  /**
   * The vision tower's inputs for a batch's images: the pixel rows, the attention segments (one
   * per image, or per frame of a video) with their window masks, and the 2-D rotary tables.
   */
  record VisionInput(
      NDArray rows, int[] segmentStart, int[] segmentLength, NDArray[] windowMasks, NDArray cos, NDArray sin) {}

  Qwen2VlNetwork(Qwen2VlConfig config, Map<String, NDArray> params, DataType dataType, NDManager manager) {
    this.config = config;
    this.v25 = config.isQwen25();
    this.dataType = dataType;
    this.cacheManager = manager.newSubManager();
    Qwen2VlConfig.Vision v = config.vision();
    String vp = Qwen2VlWeights.VISUAL;
    patchWeight = p(params, vp + "patch_embed.proj.weight").reshape(v.width(), v.patchDim());
    visionBlocks = new VisionBlock[v.depth()];
    for (int i = 0; i < v.depth(); i++) {
      String bp = vp + "blocks." + i + ".";
      VisionBlock b = new VisionBlock();
      b.n1W = p(params, bp + "norm1.weight");
      b.n1B = params.get(bp + "norm1.bias");
      b.n2W = p(params, bp + "norm2.weight");
      b.n2B = params.get(bp + "norm2.bias");
      b.qkvW = p(params, bp + "attn.qkv.weight");
      b.qkvB = p(params, bp + "attn.qkv.bias");
      b.projW = p(params, bp + "attn.proj.weight");
      b.projB = p(params, bp + "attn.proj.bias");
      if (v25) {
        b.gateW = p(params, bp + "mlp.gate_proj.weight");
        b.gateB = p(params, bp + "mlp.gate_proj.bias");
        b.upW = p(params, bp + "mlp.up_proj.weight");
        b.upB = p(params, bp + "mlp.up_proj.bias");
        b.downW = p(params, bp + "mlp.down_proj.weight");
        b.downB = p(params, bp + "mlp.down_proj.bias");
      } else {
        b.fc1W = p(params, bp + "mlp.fc1.weight");
        b.fc1B = p(params, bp + "mlp.fc1.bias");
        b.fc2W = p(params, bp + "mlp.fc2.weight");
        b.fc2B = p(params, bp + "mlp.fc2.bias");
      }
      b.full = v.fullAttention(i);
      visionBlocks[i] = b;
    }
    mergerNormW = p(params, vp + "merger.ln_q.weight");
    mergerNormB = params.get(vp + "merger.ln_q.bias");
    merger0W = p(params, vp + "merger.mlp.0.weight");
    merger0B = p(params, vp + "merger.mlp.0.bias");
    merger2W = p(params, vp + "merger.mlp.2.weight");
    merger2B = p(params, vp + "merger.mlp.2.bias");
    visionScale = (float) Math.pow(v.headDim(), -0.5);

    Qwen2VlConfig.Text t = config.text();
    String lm = Qwen2VlWeights.LM;
    embedTokens = p(params, lm + "embed_tokens.weight");
    layers = new LlamaBlock.Weights[t.numHiddenLayers()];
    for (int i = 0; i < layers.length; i++) {
      String lp = lm + "layers." + i + ".";
      layers[i] =
          new LlamaBlock.Weights(
              p(params, lp + "input_layernorm.weight"),
              p(params, lp + "self_attn.q_proj.weight"),
              p(params, lp + "self_attn.q_proj.bias"),
              p(params, lp + "self_attn.k_proj.weight"),
              p(params, lp + "self_attn.k_proj.bias"),
              p(params, lp + "self_attn.v_proj.weight"),
              p(params, lp + "self_attn.v_proj.bias"),
              p(params, lp + "self_attn.o_proj.weight"),
              null,
              p(params, lp + "post_attention_layernorm.weight"),
              p(params, lp + "mlp.gate_proj.weight"),
              null,
              p(params, lp + "mlp.up_proj.weight"),
              null,
              p(params, lp + "mlp.down_proj.weight"),
              null);
    }
    finalNorm = p(params, lm + "norm.weight");
    lmHead = config.tieWordEmbeddings() ? embedTokens : p(params, Qwen2VlWeights.LM_HEAD);
    rmsEps = (float) t.rmsNormEps();
    textScale = (float) Math.pow(t.headDim(), -0.5);

    visionPoints = LayerPoints.visionStack(v.depth());
    lmPoints = LayerPoints.lmStack(layers.length);
    blockSettings =
        new LlamaBlock.Settings(
            t.numAttentionHeads(), t.numKeyValueHeads(), t.headDim(), rmsEps, t.hiddenAct(), textScale);
  }

  private static NDArray p(Map<String, NDArray> params, String name) {
    NDArray a = params.get(name);
    if (a == null) {
      throw new IllegalArgumentException("missing parameter " + name);
    }
    return a;
  }

  /** Every hook point the forward pass visits, in model order. */
  List<HookPoint> hookPoints() {
    List<HookPoint> out = new ArrayList<>();
    out.add(visionEmbed);
    for (int l = 1; l < visionPoints.length; l++) {
      out.addAll(visionPoints[l].all());
    }
    out.add(projectorOut);
    out.add(lmEmbed);
    for (int l = 1; l <= layers.length; l++) {
      out.addAll(lmPoints[l].all());
    }
    return Collections.unmodifiableList(out);
  }

  int numLayers() {
    return layers.length;
  }

  // ---------------------------------------------------------------- vision tower and merger

  /**
   * The merged image features {@code [patches / merge^2, hidden]} of a batch's images; visits the
   * vision points ({@code [1, patches, width]}) and {@code projector.out}
   * ({@code [1, patches / merge^2, hidden]}).
   */
  NDArray imageFeatures(VisionInput in, ForwardTap tap) {
    long n = in.rows().getShape().get(0);
    NDArray x = Ops.linear(in.rows().toType(dataType, false), patchWeight, null).expandDims(0);
    x = tap.visit(visionEmbed, x);
    for (int l = 1; l < visionPoints.length; l++) {
      final int layer = l;
      x = Ops.scoped(x, h -> visionBlock(layer, h, in, tap));
    }
    int unit = config.vision().spatialMergeSize() * config.vision().spatialMergeSize();
    long width = config.vision().width();
    NDArray y = v25 ? Ops.rmsNorm(x, mergerNormW, VISION_EPS) : Ops.layerNorm(x, mergerNormW, mergerNormB, VISION_EPS);
    y = y.reshape(1, n / unit, width * unit);
    y = Ops.linear(Ops.gelu(Ops.linear(y, merger0W, merger0B)), merger2W, merger2B);
    y = tap.visit(projectorOut, y);
    return y.reshape(n / unit, config.text().hiddenSize());
  }

  private NDArray visionBlock(int layer, NDArray x, VisionInput in, ForwardTap tap) {
    VisionBlock b = visionBlocks[layer - 1];
    LayerPoints pts = visionPoints[layer];
    Qwen2VlConfig.Vision v = config.vision();
    x = tap.visit(pts.residPre, x);
    int heads = v.numHeads();
    long hd = v.headDim();
    long width = v.width();
    NDArray a = norm(x, b.n1W, b.n1B);
    NDArray qkv = Ops.linear(a, b.qkvW, b.qkvB); // [1, N, 3 * width]
    NDArray q = rotate(Ops.splitHeads(qkv.get("..., :" + width), heads, hd), in);
    NDArray k = rotate(Ops.splitHeads(qkv.get("..., " + width + ":" + 2 * width), heads, hd), in);
    NDArray val = Ops.splitHeads(qkv.get("..., " + 2 * width + ":"), heads, hd);
    int segments = in.segmentStart().length;
    // Each image (segment) attends within itself; the tap sees z once, for all segments.
    NDArray o;
    if (segments == 1 && (b.full || in.windowMasks() == null)) {
      o = Attention.attend(q, k, val, null, visionScale, pts, ForwardTap.NONE);
    } else {
      NDList parts = new NDList(segments);
      for (int s = 0; s < segments; s++) {
        String slice = ":, :, " + in.segmentStart()[s] + ":" + (in.segmentStart()[s] + in.segmentLength()[s]) + ", :";
        NDArray mask = b.full || in.windowMasks() == null ? null : in.windowMasks()[s];
        parts.add(Attention.attend(q.get(slice), k.get(slice), val.get(slice), mask, visionScale, pts, ForwardTap.NONE));
      }
      o = NDArrays.concat(parts, 1);
    }
    NDArray z = tap.visit(pts.z, o);
    NDArray attnOut = tap.visit(pts.attnOut, Ops.linear(z, b.projW, b.projB));
    NDArray h = tap.visit(pts.residMid, x.add(attnOut));
    NDArray m = norm(h, b.n2W, b.n2B);
    if (v25) {
      NDArray gate = Ops.activation(v.hiddenAct(), Ops.linear(m, b.gateW, b.gateB));
      m = Ops.linear(gate.mul(Ops.linear(m, b.upW, b.upB)), b.downW, b.downB);
    } else {
      m = Ops.linear(Ops.activation(v.hiddenAct(), Ops.linear(m, b.fc1W, b.fc1B)), b.fc2W, b.fc2B);
    }
    NDArray mlpOut = tap.visit(pts.mlpOut, m);
    return tap.visit(pts.residPost, h.add(mlpOut));
  }

  private NDArray norm(NDArray x, NDArray w, NDArray bias) {
    return v25 ? Ops.rmsNorm(x, w, VISION_EPS) : Ops.layerNorm(x, w, bias, VISION_EPS);
  }

  /** The vision rotary embedding, applied in float32 as Hugging Face does. */
  private NDArray rotate(NDArray x, VisionInput in) {
    NDArray r = Ops.applyRotary(x.toType(DataType.FLOAT32, false), in.cos(), in.sin());
    return r.toType(dataType, false);
  }

  // ---------------------------------------------------------------- language model

  /**
   * The input embeddings {@code [B, T, hidden]} with {@code features} scattered into the rows
   * {@code imageRows} ({@code b * T + t}, in batch then sequence order); visits
   * {@code lm.0.resid_post}.
   */
  NDArray embed(NDArray ids, long[] imageRows, NDArray features, ForwardTap tap) {
    Shape s = ids.getShape();
    long h = config.text().hiddenSize();
    NDArray emb = Embedding.embedding(ids, embedTokens, SparseFormat.DENSE).singletonOrThrow();
    if (imageRows.length > 0) {
      emb = Ops.replaceRows(emb.reshape(s.get(0) * s.get(1), h), imageRows, features).reshape(s.get(0), s.get(1), h);
    }
    return tap.visit(lmEmbed, emb);
  }

  /**
   * Decoder blocks {@code from+1..to} on {@code hidden} ({@code [B, T, hidden]}) with the batch's
   * M-RoPE tables {@code cos}, {@code sin} ({@code [B, 1, T, headDim]}).
   */
  NDArray decode(NDArray hidden, int from, int to, NDArray cos, NDArray sin, KvCache cache, ForwardTap tap) {
    if (from < 0 || to < from || to > layers.length) {
      throw new IllegalArgumentException("decoder blocks " + from + ".." + to + " outside 0.." + layers.length);
    }
    Shape s = hidden.getShape();
    if (s.dimension() != 3 || s.get(2) != config.text().hiddenSize()) {
      throw new IllegalArgumentException(
          "hidden state must be [batch, tokens, " + config.text().hiddenSize() + "], got " + s);
    }
    if (from == to) {
      return hidden;
    }
    int t = (int) s.get(1);
    int past = cache == null ? 0 : cache.length();
    NDArray mask =
        past == 0
            ? causalMask(t)
            : t == 1 ? null : Ops.causalMask(hidden.getManager(), past + t).get(past + ":, :");
    NDArray x = hidden;
    for (int l = from + 1; l <= to; l++) {
      final int layer = l;
      x =
          Ops.scoped(
              x,
              in ->
                  LlamaBlock.forward(
                      layers[layer - 1], blockSettings, lmPoints[layer], layer, in, cos, sin, mask, cache, tap));
    }
    return x;
  }

  /** The final RMSNorm and the head. */
  NDArray logits(NDArray hidden) {
    return Ops.linear(Ops.rmsNorm(hidden, finalNorm, rmsEps), lmHead, null);
  }

  private synchronized NDArray causalMask(int length) {
    NDArray m = masks.get(length);
    if (m == null) {
      m = Ops.causalMask(cacheManager, length);
      masks.put(length, m);
    }
    return m;
  }

  @Override
  public void close() {
    synchronized (this) {
      masks.clear();
    }
    cacheManager.close();
  }
}
