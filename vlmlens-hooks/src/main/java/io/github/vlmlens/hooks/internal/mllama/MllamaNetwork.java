package io.github.vlmlens.hooks.internal.mllama;

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
import io.github.vlmlens.hooks.internal.model.CheckedWeights;
import io.github.vlmlens.hooks.internal.model.KvCache;
import io.github.vlmlens.hooks.internal.model.LayerPoints;
import io.github.vlmlens.hooks.internal.model.LlamaBlock;
import io.github.vlmlens.hooks.internal.model.Ops;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * The Llama-3.2-Vision forward pass on raw {@code NDArray} operations with a {@link ForwardTap}
 * visit at every hook point: the vision tower (patch embedding, gated pre-tile, class token, gated
 * position and tile-position embeddings, {@code layernorm_pre}, rows padded to a multiple of 8 per
 * tile, the local encoder, {@code layernorm_post}, the gated post-tile embedding, the gated global
 * encoder, the intermediate local outputs stacked on the last axis), the projector, then the text
 * decoder: Llama 3 self-attention {@link LlamaBlock}s and tanh-gated cross-attention blocks.
 */
final class MllamaNetwork implements AutoCloseable {
  static final String VISION = "vision_model.";
  static final String PROJECTOR = "multi_modal_projector.";
  static final String LM = "language_model.model.";
  static final String LM_HEAD = "language_model.lm_head.weight";
  /** {@code nn.LayerNorm}'s default, used by {@code layernorm_pre} and {@code layernorm_post}. */
  private static final float OUTER_LN_EPS = 1e-5f;

  private final MllamaConfig config;
  private final DataType dataType;
  private final Map<String, NDArray> p;
  private final NDArray patchW; // [D, 3 p p]
  private final LlamaBlock.Weights[] selfLayers; // null at cross-attention layers
  private final LlamaBlock.Settings settings;
  private final NDArray embedTokens;
  private final NDArray finalNorm;
  private final NDArray lmHead;
  private final LayerPoints[] visionPoints;
  private final LayerPoints[] lmPoints;
  private final float visionScale;
  private final float textScale;

  /** The tensors a checkpoint of this config holds, under canonical names. */
  static CheckedWeights layout(MllamaConfig config) {
    MllamaConfig.Vision v = config.vision();
    MllamaConfig.Text t = config.text();
    long d = v.hiddenSize();
    long n = v.patchesPerTile();
    long ids = v.supportedAspectRatios().length + 1L;
    long tiles = v.maxNumTiles();
    CheckedWeights w = new CheckedWeights();
    w.add(VISION + "patch_embedding.weight", d, 3, v.patchSize(), v.patchSize());
    w.add(VISION + "class_embedding", d);
    String g = VISION + "gated_positional_embedding.";
    w.add(g + "embedding", n, d).add(g + "gate", 1).add(g + "tile_embedding.weight", ids, tiles * n * d);
    for (String pre : new String[] {"pre_tile_positional_embedding.", "post_tile_positional_embedding."}) {
      w.add(VISION + pre + "embedding.weight", ids, tiles * d).add(VISION + pre + "gate", 1);
    }
    w.norm(VISION + "layernorm_pre", d, true).norm(VISION + "layernorm_post", d, true);
    for (int i = 0; i < v.numHiddenLayers() + v.numGlobalLayers(); i++) {
      String b = visionLayer(v, i);
      for (String x : new String[] {"q_proj", "k_proj", "v_proj", "o_proj"}) {
        w.linear(b + "self_attn." + x, d, d, false);
      }
      w.linear(b + "mlp.fc1", v.intermediateSize(), d, true).linear(b + "mlp.fc2", d, v.intermediateSize(), true);
      w.norm(b + "input_layernorm", d, true).norm(b + "post_attention_layernorm", d, true);
      if (i >= v.numHiddenLayers()) {
        w.add(b + "gate_attn", 1).add(b + "gate_ffn", 1);
      }
    }
    long h = t.hiddenSize();
    w.linear(PROJECTOR.substring(0, PROJECTOR.length() - 1), h, v.visionOutputDim(), true);
    long q = (long) t.numAttentionHeads() * t.headDim();
    long kv = (long) t.numKeyValueHeads() * t.headDim();
    w.add(LM + "embed_tokens.weight", t.vocabSize() + 8L, h);
    for (int i = 0; i < t.numHiddenLayers(); i++) {
      String lp = LM + "layers." + i + ".";
      String a = lp + (t.isCrossAttention(i) ? "cross_attn." : "self_attn.");
      w.add(lp + "input_layernorm.weight", h);
      w.linear(a + "q_proj", q, h, false).linear(a + "k_proj", kv, h, false).linear(a + "v_proj", kv, h, false);
      w.linear(a + "o_proj", h, q, false);
      if (t.isCrossAttention(i)) {
        w.add(a + "q_norm.weight", t.headDim()).add(a + "k_norm.weight", t.headDim());
        w.add(lp + "cross_attn_attn_gate", 1).add(lp + "cross_attn_mlp_gate", 1);
      }
      w.add(lp + "post_attention_layernorm.weight", h);
      w.linear(lp + "mlp.gate_proj", t.intermediateSize(), h, false);
      w.linear(lp + "mlp.up_proj", t.intermediateSize(), h, false);
      w.linear(lp + "mlp.down_proj", h, t.intermediateSize(), false);
    }
    w.add(LM + "norm.weight", h);
    if (!t.tieWordEmbeddings()) {
      w.add(LM_HEAD, t.vocabSize(), h);
    }
    return w;
  }

  /** The prefix of vision layer {@code i} (0-based over local then global layers). */
  private static String visionLayer(MllamaConfig.Vision v, int i) {
    return i < v.numHiddenLayers()
        ? VISION + "transformer.layers." + i + "."
        : VISION + "global_transformer.layers." + (i - v.numHiddenLayers()) + ".";
  }

  /** Loads and checks the tensors of a checkpoint directory (transformers 4 and 5 key layouts). */
  static Map<String, NDArray> load(Path dir, MllamaConfig config, NDManager manager, DataType dataType) {
    String v5 = "model." + VISION;
    return layout(config).load(
        dir, manager, dataType, n -> n.startsWith(v5) ? n.substring("model.".length()) : n,
        n -> n.equals(LM_HEAD) && config.text().tieWordEmbeddings());
  }

  MllamaNetwork(MllamaConfig config, Map<String, NDArray> params, DataType dataType) {
    this.config = config;
    this.dataType = dataType;
    this.p = params;
    MllamaConfig.Vision v = config.vision();
    MllamaConfig.Text t = config.text();
    patchW = g(VISION + "patch_embedding.weight").reshape(v.hiddenSize(), 3L * v.patchSize() * v.patchSize());
    selfLayers = new LlamaBlock.Weights[t.numHiddenLayers()];
    lmPoints = new LayerPoints[t.numHiddenLayers() + 1];
    for (int i = 0; i < selfLayers.length; i++) {
      String lp = LM + "layers." + i + ".";
      if (t.isCrossAttention(i)) {
        lmPoints[i + 1] = LayerPoints.lmCross(i + 1);
        continue;
      }
      lmPoints[i + 1] = LayerPoints.lm(i + 1);
      selfLayers[i] =
          new LlamaBlock.Weights(
              g(lp + "input_layernorm.weight"),
              g(lp + "self_attn.q_proj.weight"), null,
              g(lp + "self_attn.k_proj.weight"), null,
              g(lp + "self_attn.v_proj.weight"), null,
              g(lp + "self_attn.o_proj.weight"), null,
              g(lp + "post_attention_layernorm.weight"),
              g(lp + "mlp.gate_proj.weight"), null,
              g(lp + "mlp.up_proj.weight"), null,
              g(lp + "mlp.down_proj.weight"), null);
    }
    textScale = (float) Math.pow(t.headDim(), -0.5);
    settings =
        new LlamaBlock.Settings(t.numAttentionHeads(), t.numKeyValueHeads(), t.headDim(), (float) t.rmsNormEps(),
            t.hiddenAct(), textScale);
    embedTokens = g(LM + "embed_tokens.weight");
    finalNorm = g(LM + "norm.weight");
    lmHead = t.tieWordEmbeddings() ? embedTokens.get(":" + t.vocabSize()) : g(LM_HEAD);
    visionPoints = LayerPoints.visionStack(v.numHiddenLayers() + v.numGlobalLayers());
    visionScale = (float) Math.pow(v.hiddenSize() / v.numHeads(), -0.5);
  }

  private NDArray g(String name) {
    return CheckedWeights.get(p, name);
  }

  /** Vision rows per tile as the encoders see them: patches + 1, padded to a multiple of 8. */
  int paddedRows() {
    int n = config.vision().patchesPerTile();
    return n + (8 - n % 8) % 8;
  }

  /** Every hook point the pass visits, in model order. */
  List<HookPoint> hookPoints() {
    List<HookPoint> out = new ArrayList<>();
    out.add(HookPoint.visionResid(0));
    for (int l = 1; l < visionPoints.length; l++) {
      out.addAll(visionPoints[l].all());
    }
    out.add(HookPoint.projectorOut());
    out.add(HookPoint.lmResid(0));
    for (int l = 1; l < lmPoints.length; l++) {
      out.addAll(lmPoints[l].all());
    }
    return Collections.unmodifiableList(out);
  }

  /**
   * The embeddings {@code [N, tiles, patches + 1, D]} of {@code N} images: patch embedding, the
   * gated pre-tile embedding, the class token first, the gated position and tile-position
   * embeddings (the input of {@code layernorm_pre}).
   *
   * @param patches {@code [N, tiles, patches, 3 p p]}
   * @param aspectRatioIds {@code [N]}
   */
  NDArray embeddings(NDArray patches, NDArray aspectRatioIds) {
    MllamaConfig.Vision v = config.vision();
    Shape s = patches.getShape();
    long imgs = s.get(0);
    long tiles = s.get(1);
    long d = v.hiddenSize();
    long n = v.patchesPerTile();
    NDArray x = Ops.linear(patches.toType(dataType, false), patchW, null); // [N, tiles, n - 1, D]
    String pre = VISION + "pre_tile_positional_embedding.";
    NDArray preEmb = embedding(aspectRatioIds, g(pre + "embedding.weight")).reshape(imgs, tiles, 1, d);
    x = x.add(preEmb.mul(g(pre + "gate").tanh()));
    NDArray cls = x.get(":, :, :1, :").zerosLike().add(g(VISION + "class_embedding"));
    x = NDArrays.concat(new NDList(cls, x), 2);
    String gp = VISION + "gated_positional_embedding.";
    NDArray gate = g(gp + "gate").tanh();
    NDArray pos = gate.neg().add(1f).mul(g(gp + "embedding")); // (1 - tanh(gate)) * embedding
    x = x.add(pos.reshape(1, 1, n, d));
    NDArray tileEmb = embedding(aspectRatioIds, g(gp + "tile_embedding.weight")).reshape(imgs, tiles, n, d);
    return x.add(gate.mul(tileEmb));
  }

  private static NDArray embedding(NDArray ids, NDArray table) {
    return Embedding.embedding(ids, table, SparseFormat.DENSE).singletonOrThrow();
  }

  /**
   * The projected vision states {@code [N, tiles * (patches + 1), hidden]} of {@code N} images;
   * visits the vision points ({@code [N, tiles * paddedRows, D]}) and {@code projector.out}.
   *
   * @param mask the additive vision attention mask {@code [N, 1, R, R]} (padding to padding blocked)
   */
  NDArray visionStates(NDArray patches, NDArray aspectRatioIds, NDArray mask, ForwardTap tap) {
    MllamaConfig.Vision v = config.vision();
    long imgs = patches.getShape().get(0);
    long tiles = patches.getShape().get(1);
    long d = v.hiddenSize();
    long n = v.patchesPerTile();
    long pr = paddedRows();
    NDArray x = embeddings(patches, aspectRatioIds);
    x = Ops.layerNorm(x, g(VISION + "layernorm_pre.weight"), g(VISION + "layernorm_pre.bias"), OUTER_LN_EPS);
    if (pr > n) {
      x = NDArrays.concat(new NDList(x, x.getManager().zeros(new Shape(imgs, tiles, pr - n, d), x.getDataType())), 2);
    }
    x = x.reshape(imgs, tiles * pr, d);
    x = tap.visit(HookPoint.visionResid(0), x);
    int local = v.numHiddenLayers();
    int[] keep = v.intermediateLayers();
    NDArray[] intermediate = new NDArray[keep.length];
    for (int l = 1; l <= local; l++) {
      final int layer = l;
      x = Ops.scoped(x, h -> visionBlock(layer, h, mask, tap));
      for (int k = 0; k < keep.length; k++) {
        if (keep[k] == l - 1) {
          intermediate[k] = x;
        }
      }
    }
    x = Ops.layerNorm(x, g(VISION + "layernorm_post.weight"), g(VISION + "layernorm_post.bias"), OUTER_LN_EPS);
    String post = VISION + "post_tile_positional_embedding.";
    NDArray postEmb = embedding(aspectRatioIds, g(post + "embedding.weight")).reshape(imgs, tiles, 1, d);
    x = x.reshape(imgs, tiles, pr, d).add(postEmb.mul(g(post + "gate").tanh())).reshape(imgs, tiles * pr, d);
    for (int l = local + 1; l < visionPoints.length; l++) {
      final int layer = l;
      x = Ops.scoped(x, h -> visionBlock(layer, h, mask, tap));
    }
    NDArray out = x.reshape(imgs, tiles, pr, d).get(":, :, :" + n + ", :");
    if (keep.length > 0) {
      // torch.stack(dim=-1): channel c of intermediate layer k sits at c * K + k
      NDArray stacked = NDArrays.stack(new NDList(intermediate), -1).reshape(imgs, tiles, pr, d * keep.length);
      out = NDArrays.concat(new NDList(out, stacked.get(":, :, :" + n + ", :")), -1);
    }
    out = out.reshape(imgs, tiles * n, v.visionOutputDim());
    NDArray y = Ops.linear(out, g(PROJECTOR + "weight"), g(PROJECTOR + "bias"));
    return tap.visit(HookPoint.projectorOut(), y);
  }

  /**
   * One vision layer: pre-norm attention and MLP; in the global encoder {@code attn_out} and
   * {@code mlp_out} are the tanh-gated outputs ({@code gate_attn}, {@code gate_ffn}).
   */
  private NDArray visionBlock(int layer, NDArray x, NDArray mask, ForwardTap tap) {
    MllamaConfig.Vision v = config.vision();
    LayerPoints pts = visionPoints[layer];
    String b = visionLayer(v, layer - 1);
    boolean gated = layer > v.numHiddenLayers();
    float eps = (float) v.normEps();
    x = tap.visit(pts.residPre, x);
    NDArray a = Ops.layerNorm(x, g(b + "input_layernorm.weight"), g(b + "input_layernorm.bias"), eps);
    int heads = v.numHeads();
    int hd = v.hiddenSize() / heads;
    String sa = b + "self_attn.";
    NDArray z =
        Attention.attend(
            Ops.splitHeads(Ops.linear(a, g(sa + "q_proj.weight"), null), heads, hd),
            Ops.splitHeads(Ops.linear(a, g(sa + "k_proj.weight"), null), heads, hd),
            Ops.splitHeads(Ops.linear(a, g(sa + "v_proj.weight"), null), heads, hd),
            mask, visionScale, pts, tap);
    NDArray o = Ops.linear(z, g(sa + "o_proj.weight"), null);
    if (gated) {
      o = g(b + "gate_attn").tanh().mul(o);
    }
    NDArray attnOut = tap.visit(pts.attnOut, o);
    NDArray h = tap.visit(pts.residMid, x.add(attnOut));
    NDArray m = Ops.layerNorm(h, g(b + "post_attention_layernorm.weight"), g(b + "post_attention_layernorm.bias"), eps);
    m = Ops.linear(Ops.activation(v.hiddenAct(), Ops.linear(m, g(b + "mlp.fc1.weight"), g(b + "mlp.fc1.bias"))),
        g(b + "mlp.fc2.weight"), g(b + "mlp.fc2.bias"));
    if (gated) {
      m = g(b + "gate_ffn").tanh().mul(m);
    }
    NDArray mlpOut = tap.visit(pts.mlpOut, m);
    return tap.visit(pts.residPost, h.add(mlpOut));
  }

  /** Token embeddings {@code [B, T, hidden]} (no image rows: images enter through cross-attention); visits {@code lm.0}. */
  NDArray embed(NDArray ids, ForwardTap tap) {
    return tap.visit(HookPoint.lmResid(0), embedding(ids, embedTokens));
  }

  /**
   * What the cross-attention blocks of one pass read.
   *
   * @param flat the batch's image states one image after another, {@code [images * rows, hidden]}
   *     (the rows of {@code projector.out} and of each block's {@code cross_states}), or null in a
   *     generation step (the blocks' keys and values are cached)
   * @param gather for each sample's key slot {@code [B * K]}, its row of {@code flat} plus a zero
   *     row appended last (slots of images a sample lacks)
   * @param states {@code flat} gathered to {@code [B, K, hidden]}, or null with {@code flat}
   */
  record Cross(
      NDArray flat, NDArray gather, NDArray states, NDArray mask, NDArray rowMask, NDArray sampleMask,
      boolean any) {

    /** States {@code [B, K, hidden]} of (possibly changed) flat rows. */
    NDArray gathered(NDArray rows) {
      if (rows == flat) {
        return states;
      }
      Shape s = states.getShape();
      NDArray zero = rows.getManager().zeros(new Shape(1, s.get(2)), rows.getDataType());
      return NDArrays.concat(new NDList(rows, zero), 0).get(gather).reshape(s);
    }
  }

  /**
   * Decoder blocks {@code from+1..to}: self-attention blocks with rotary tables {@code [T, d]} and
   * an additive mask (or null), cross-attention blocks on {@code cross}.
   */
  NDArray decode(
      NDArray hidden, int from, int to, NDArray cos, NDArray sin, NDArray mask, Cross cross, KvCache cache,
      ForwardTap tap) {
    if (from < 0 || to < from || to > selfLayers.length) {
      throw new IllegalArgumentException("decoder blocks " + from + ".." + to + " outside 0.." + selfLayers.length);
    }
    NDArray x = hidden;
    for (int l = from + 1; l <= to; l++) {
      final int layer = l;
      if (selfLayers[l - 1] == null) {
        x = Ops.scoped(x, in -> crossBlock(layer, in, cross, cache, tap));
      } else {
        x = Ops.scoped(x, in -> LlamaBlock.forward(
            selfLayers[layer - 1], settings, lmPoints[layer], layer, in, cos, sin, mask, cache, tap));
      }
    }
    return x;
  }

  /** Whether decoder block {@code layer} (1-based) is a cross-attention block. */
  boolean isCross(int layer) {
    return selfLayers[layer - 1] == null;
  }

  /** A cross-attention block's keys and values {@code [B, kvHeads, K, d]} of the states {@code [B, K, hidden]}. */
  NDArray[] crossKeysValues(int layer, NDArray states) {
    MllamaConfig.Text t = config.text();
    String a = LM + "layers." + (layer - 1) + ".cross_attn.";
    NDArray k = Ops.splitHeads(Ops.linear(states, g(a + "k_proj.weight"), null), t.numKeyValueHeads(), t.headDim());
    k = Ops.rmsNorm(k, g(a + "k_norm.weight"), (float) t.rmsNormEps());
    NDArray v = Ops.splitHeads(Ops.linear(states, g(a + "v_proj.weight"), null), t.numKeyValueHeads(), t.headDim());
    return new NDArray[] {k, v};
  }

  /**
   * A cross-attention block: {@code attn_out = tanh(attn_gate) * o_proj(z)} (times 0 for samples
   * with no image), {@code mlp_out = tanh(mlp_gate) * rowMask * mlp(...)} (0 at text rows that see
   * no image). With no image in the batch the block adds zeros, as Hugging Face skips it.
   */
  private NDArray crossBlock(int layer, NDArray x, Cross cross, KvCache cache, ForwardTap tap) {
    MllamaConfig.Text t = config.text();
    LayerPoints pts = lmPoints[layer];
    String lp = LM + "layers." + (layer - 1) + ".";
    String a = lp + "cross_attn.";
    float eps = (float) t.rmsNormEps();
    x = tap.visit(pts.residPre, x);
    Shape s = x.getShape();
    if (cross == null || !cross.any()) {
      NDArray zeros = x.zerosLike();
      tap.visit(pts.z, x.getManager().zeros(new Shape(s.get(0), s.get(1), (long) t.numAttentionHeads() * t.headDim()),
          x.getDataType()));
      NDArray attnOut = tap.visit(pts.attnOut, zeros);
      NDArray h = tap.visit(pts.residMid, x.add(attnOut));
      NDArray mlpOut = tap.visit(pts.mlpOut, zeros);
      return tap.visit(pts.residPost, h.add(mlpOut));
    }
    NDArray n = Ops.rmsNorm(x, g(lp + "input_layernorm.weight"), eps);
    NDArray q = Ops.splitHeads(Ops.linear(n, g(a + "q_proj.weight"), null), t.numAttentionHeads(), t.headDim());
    q = Ops.rmsNorm(q, g(a + "q_norm.weight"), eps);
    // lm.L.cross_states is visited where the block reads it: once per generation (keys cached)
    java.util.function.Supplier<NDArray[]> kvOf =
        () -> crossKeysValues(layer, cross.gathered(tap.visit(pts.crossStates, cross.flat())));
    NDArray[] kv = cache != null ? cache.fixed(layer, kvOf) : kvOf.get();
    NDArray z = Attention.attendCross(q, kv[0], kv[1], cross.mask(), textScale, pts, tap);
    NDArray o = g(lp + "cross_attn_attn_gate").tanh().mul(Ops.linear(z, g(a + "o_proj.weight"), null));
    if (cross.sampleMask() != null) {
      o = o.mul(cross.sampleMask());
    }
    NDArray attnOut = tap.visit(pts.attnOut, o);
    NDArray h = tap.visit(pts.residMid, x.add(attnOut));
    NDArray m = Ops.rmsNorm(h, g(lp + "post_attention_layernorm.weight"), eps);
    NDArray gate = Ops.activation(t.hiddenAct(), Ops.linear(m, g(lp + "mlp.gate_proj.weight"), null));
    m = Ops.linear(gate.mul(Ops.linear(m, g(lp + "mlp.up_proj.weight"), null)), g(lp + "mlp.down_proj.weight"), null);
    m = g(lp + "cross_attn_mlp_gate").tanh().mul(cross.rowMask().mul(m));
    NDArray mlpOut = tap.visit(pts.mlpOut, m);
    return tap.visit(pts.residPost, h.add(mlpOut));
  }

  /** The final RMSNorm and the head. */
  NDArray logits(NDArray hidden) {
    return Ops.linear(Ops.rmsNorm(hidden, finalNorm, (float) config.text().rmsNormEps()), lmHead, null);
  }

  @Override
  public void close() {}
}
