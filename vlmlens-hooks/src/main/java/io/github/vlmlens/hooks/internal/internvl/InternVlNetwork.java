package io.github.vlmlens.hooks.internal.internvl;

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
 * The InternVL forward pass on raw {@code NDArray} operations with a {@link ForwardTap} visit at
 * every hook point: InternViT per tile (class token, absolute position embeddings, pre-norm blocks
 * with optional q/k RMSNorm and layer scale), the class token dropped, the pixel shuffle, the
 * projector (LayerNorm, linear, activation, linear), then a Qwen2 or Llama decoder of
 * {@link LlamaBlock}s.
 */
final class InternVlNetwork implements AutoCloseable {
  static final String VISION = "vision_tower.";
  static final String PROJECTOR = "multi_modal_projector.";
  static final String LM = "language_model.model.";
  static final String LM_HEAD = "language_model.lm_head.weight";
  /** InternVLVisionRMSNorm's default epsilon (q/k norm), and nn.LayerNorm's (projector). */
  private static final float QK_EPS = 1e-6f;
  private static final float PROJECTOR_EPS = 1e-5f;

  private final InternVlConfig config;
  private final DataType dataType;
  private final NDArray patchW; // [D, 3 p p]
  private final NDArray patchB;
  private final NDArray cls; // [1, 1, D]
  private final NDArray pos; // [1, n + 1, D] or null
  private final Map<String, NDArray> p;
  private final NDArray postNormW;
  private final NDArray postNormB;
  private final LlamaBlock.Weights[] layers;
  private final LlamaBlock.Settings settings;
  private final NDArray embedTokens;
  private final NDArray finalNorm;
  private final NDArray lmHead;
  private final LayerPoints[] visionPoints;
  private final LayerPoints[] lmPoints;
  private final float visionScale;

  /** The tensors a checkpoint of this config holds, under canonical names. */
  static CheckedWeights layout(InternVlConfig config) {
    InternVlConfig.Vision v = config.vision();
    InternVlConfig.Text t = config.text();
    long d = v.hiddenSize();
    CheckedWeights w = new CheckedWeights();
    String e = VISION + "embeddings.";
    w.add(e + "cls_token", 1, 1, d);
    w.add(e + "patch_embeddings.projection.weight", d, 3, v.patchSize(), v.patchSize());
    w.add(e + "patch_embeddings.projection.bias", d);
    if (v.positionEmbeddings()) {
      w.add(e + "position_embeddings", 1, (long) v.grid() * v.grid() + 1, d);
    }
    for (int i = 0; i < v.numHiddenLayers(); i++) {
      String b = VISION + "encoder.layer." + i + ".";
      for (String x : new String[] {"q_proj", "k_proj", "v_proj"}) {
        w.linear(b + "attention." + x, d, d, v.attentionBias());
      }
      if (v.qkNorm()) {
        w.norm(b + "attention.q_norm", d, false).norm(b + "attention.k_norm", d, false);
      }
      w.linear(b + "attention.projection_layer", d, d, true);
      w.add(b + "lambda_1", d).add(b + "lambda_2", d);
      w.norm(b + "layernorm_before", d, !v.rmsNorm()).norm(b + "layernorm_after", d, !v.rmsNorm());
      w.linear(b + "mlp.fc1", v.intermediateSize(), d, true).linear(b + "mlp.fc2", d, v.intermediateSize(), true);
    }
    if (!v.meanPooling()) {
      w.norm(VISION + "layernorm", d, true);
    }
    long shuffled = d * config.shuffle() * config.shuffle();
    long h = t.hiddenSize();
    w.norm(PROJECTOR + "layer_norm", shuffled, true);
    w.linear(PROJECTOR + "linear_1", h, shuffled, true).linear(PROJECTOR + "linear_2", h, h, true);
    long q = (long) t.numAttentionHeads() * t.headDim();
    long kv = (long) t.numKeyValueHeads() * t.headDim();
    w.add(LM + "embed_tokens.weight", t.vocabSize(), h);
    for (int i = 0; i < t.numHiddenLayers(); i++) {
      String lp = LM + "layers." + i + ".";
      w.add(lp + "input_layernorm.weight", h);
      w.linear(lp + "self_attn.q_proj", q, h, t.qkvBias());
      w.linear(lp + "self_attn.k_proj", kv, h, t.qkvBias());
      w.linear(lp + "self_attn.v_proj", kv, h, t.qkvBias());
      w.linear(lp + "self_attn.o_proj", h, q, t.oBias());
      w.add(lp + "post_attention_layernorm.weight", h);
      w.linear(lp + "mlp.gate_proj", t.intermediateSize(), h, false);
      w.linear(lp + "mlp.up_proj", t.intermediateSize(), h, false);
      w.linear(lp + "mlp.down_proj", h, t.intermediateSize(), false);
    }
    w.add(LM + "norm.weight", h);
    if (!config.tieWordEmbeddings()) {
      w.add(LM_HEAD, t.vocabSize(), h);
    }
    return w;
  }

  /** Loads and checks the tensors of a checkpoint directory. */
  static Map<String, NDArray> load(Path dir, InternVlConfig config, NDManager manager, DataType dataType) {
    // SafetensorsCheckpoint's canonical names put LLaVA's CLIP level under vision_tower; InternViT has none.
    String clip = VISION + "vision_model.";
    return layout(config).load(
        dir, manager, dataType, n -> n.startsWith(clip) ? VISION + n.substring(clip.length()) : n,
        n -> n.equals(LM_HEAD) && config.tieWordEmbeddings());
  }

  InternVlNetwork(InternVlConfig config, Map<String, NDArray> params, DataType dataType) {
    this.config = config;
    this.dataType = dataType;
    this.p = params;
    InternVlConfig.Vision v = config.vision();
    InternVlConfig.Text t = config.text();
    String e = VISION + "embeddings.";
    patchW = g(e + "patch_embeddings.projection.weight").reshape(v.hiddenSize(), 3L * v.patchSize() * v.patchSize());
    patchB = g(e + "patch_embeddings.projection.bias");
    cls = g(e + "cls_token");
    pos = v.positionEmbeddings() ? g(e + "position_embeddings") : null;
    postNormW = v.meanPooling() ? null : g(VISION + "layernorm.weight");
    postNormB = v.meanPooling() ? null : g(VISION + "layernorm.bias");
    layers = new LlamaBlock.Weights[t.numHiddenLayers()];
    for (int i = 0; i < layers.length; i++) {
      String lp = LM + "layers." + i + ".";
      layers[i] =
          new LlamaBlock.Weights(
              g(lp + "input_layernorm.weight"),
              g(lp + "self_attn.q_proj.weight"), params.get(lp + "self_attn.q_proj.bias"),
              g(lp + "self_attn.k_proj.weight"), params.get(lp + "self_attn.k_proj.bias"),
              g(lp + "self_attn.v_proj.weight"), params.get(lp + "self_attn.v_proj.bias"),
              g(lp + "self_attn.o_proj.weight"), params.get(lp + "self_attn.o_proj.bias"),
              g(lp + "post_attention_layernorm.weight"),
              g(lp + "mlp.gate_proj.weight"), null,
              g(lp + "mlp.up_proj.weight"), null,
              g(lp + "mlp.down_proj.weight"), null);
    }
    settings =
        new LlamaBlock.Settings(t.numAttentionHeads(), t.numKeyValueHeads(), t.headDim(), (float) t.rmsNormEps(),
            t.hiddenAct(), (float) Math.pow(t.headDim(), -0.5));
    embedTokens = g(LM + "embed_tokens.weight");
    finalNorm = g(LM + "norm.weight");
    lmHead = config.tieWordEmbeddings() ? embedTokens : g(LM_HEAD);
    visionPoints = LayerPoints.visionStackWithMaps(v.numHiddenLayers());
    lmPoints = LayerPoints.lmStack(layers.length);
    visionScale = (float) Math.pow(v.headDim(), -0.5);
  }

  private NDArray g(String name) {
    return CheckedWeights.get(p, name);
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
   * The projected image features {@code [tiles * tokensPerTile, hidden]} of a batch's tiles
   * ({@code patches [tiles, n, 3 p p]}, each row a patch's channels x rows x columns); visits the
   * vision points ({@code [tiles, n + 1, width]}, class token first) and {@code projector.out}
   * ({@code [1, tiles * tokensPerTile, hidden]}).
   */
  NDArray imageFeatures(NDArray patches, ForwardTap tap) {
    InternVlConfig.Vision v = config.vision();
    long tiles = patches.getShape().get(0);
    long d = v.hiddenSize();
    NDArray x = Ops.linear(patches.toType(dataType, false), patchW, patchB);
    NDArray c = x.get(":, :1, :").zerosLike().add(cls); // the class token, on the activation's manager
    x = NDArrays.concat(new NDList(c, x), 1);
    if (pos != null) {
      x = x.add(pos);
    }
    x = tap.visit(HookPoint.visionResid(0), x);
    for (int l = 1; l < visionPoints.length; l++) {
      final int layer = l;
      x = Ops.scoped(x, h -> visionBlock(layer, h, tap));
    }
    if (postNormW != null) {
      x = Ops.layerNorm(x, postNormW, postNormB, (float) v.layerNormEps());
    }
    int g = v.grid();
    int s = config.shuffle();
    // drop the class token; HF's pixel_shuffle on (tiles, g, g, D) with scale 1/s
    NDArray f = x.get(":, 1:, :").reshape(tiles, g, g / s, d * s);
    f = f.transpose(0, 2, 1, 3).reshape(tiles, g / s, g / s, d * s * s).transpose(0, 2, 1, 3);
    f = f.reshape(1, tiles * (g / s) * (g / s), d * s * s);
    String pp = PROJECTOR;
    NDArray y = Ops.layerNorm(f, g(pp + "layer_norm.weight"), g(pp + "layer_norm.bias"), PROJECTOR_EPS);
    y = Ops.linear(y, g(pp + "linear_1.weight"), g(pp + "linear_1.bias"));
    y = Ops.linear(Ops.activation(config.projectorAct(), y), g(pp + "linear_2.weight"), g(pp + "linear_2.bias"));
    y = tap.visit(HookPoint.projectorOut(), y);
    return y.reshape(y.getShape().get(1), config.text().hiddenSize());
  }

  private NDArray norm(NDArray x, String prefix) {
    InternVlConfig.Vision v = config.vision();
    return v.rmsNorm()
        ? Ops.rmsNorm(x, g(prefix + ".weight"), (float) v.layerNormEps())
        : Ops.layerNorm(x, g(prefix + ".weight"), g(prefix + ".bias"), (float) v.layerNormEps());
  }

  /**
   * One InternViT layer: {@code attn_out} is the layer-scaled attention output
   * ({@code lambda_1 * projection_layer(z)}), {@code mlp_out} the layer-scaled MLP output.
   */
  private NDArray visionBlock(int layer, NDArray x, ForwardTap tap) {
    InternVlConfig.Vision v = config.vision();
    LayerPoints pts = visionPoints[layer];
    String b = VISION + "encoder.layer." + (layer - 1) + ".";
    String a = b + "attention.";
    x = tap.visit(pts.residPre, x);
    NDArray n = norm(x, b + "layernorm_before");
    NDArray q = Ops.linear(n, g(a + "q_proj.weight"), p.get(a + "q_proj.bias"));
    NDArray k = Ops.linear(n, g(a + "k_proj.weight"), p.get(a + "k_proj.bias"));
    NDArray val = Ops.linear(n, g(a + "v_proj.weight"), p.get(a + "v_proj.bias"));
    if (v.qkNorm()) {
      q = Ops.rmsNorm(q, g(a + "q_norm.weight"), QK_EPS);
      k = Ops.rmsNorm(k, g(a + "k_norm.weight"), QK_EPS);
    }
    int heads = v.numHeads();
    int hd = v.headDim();
    NDArray z =
        Attention.attend(
            Ops.splitHeads(q, heads, hd), Ops.splitHeads(k, heads, hd), Ops.splitHeads(val, heads, hd), null,
            visionScale, pts, tap);
    NDArray o = Ops.linear(z, g(a + "projection_layer.weight"), g(a + "projection_layer.bias"));
    NDArray attnOut = tap.visit(pts.attnOut, o.mul(g(b + "lambda_1")));
    NDArray h = tap.visit(pts.residMid, x.add(attnOut));
    NDArray m = norm(h, b + "layernorm_after");
    m = Ops.linear(Ops.activation(v.hiddenAct(), Ops.linear(m, g(b + "mlp.fc1.weight"), g(b + "mlp.fc1.bias"))),
        g(b + "mlp.fc2.weight"), g(b + "mlp.fc2.bias"));
    NDArray mlpOut = tap.visit(pts.mlpOut, m.mul(g(b + "lambda_2")));
    return tap.visit(pts.residPost, h.add(mlpOut));
  }

  /**
   * Token embeddings {@code [B, T, hidden]} with {@code features} in the rows {@code imageRows}
   * ({@code b * T + t}); visits {@code lm.0.resid_post}.
   */
  NDArray embed(NDArray ids, long[] imageRows, NDArray features, ForwardTap tap) {
    Shape s = ids.getShape();
    long h = config.text().hiddenSize();
    NDArray emb = Embedding.embedding(ids, embedTokens, SparseFormat.DENSE).singletonOrThrow();
    if (imageRows.length > 0) {
      emb = Ops.replaceRows(emb.reshape(s.get(0) * s.get(1), h), imageRows, features).reshape(s.get(0), s.get(1), h);
    }
    return tap.visit(HookPoint.lmResid(0), emb);
  }

  /** Decoder blocks {@code from+1..to} with rotary tables {@code [T, d]} and an additive mask (or null). */
  NDArray decode(
      NDArray hidden, int from, int to, NDArray cos, NDArray sin, NDArray mask, KvCache cache, ForwardTap tap) {
    if (from < 0 || to < from || to > layers.length) {
      throw new IllegalArgumentException("decoder blocks " + from + ".." + to + " outside 0.." + layers.length);
    }
    NDArray x = hidden;
    for (int l = from + 1; l <= to; l++) {
      final int layer = l;
      x = Ops.scoped(x, in -> LlamaBlock.forward(
          layers[layer - 1], settings, lmPoints[layer], layer, in, cos, sin, mask, cache, tap));
    }
    return x;
  }

  /** The final RMSNorm and the head. */
  NDArray logits(NDArray hidden) {
    return Ops.linear(Ops.rmsNorm(hidden, finalNorm, (float) config.text().rmsNormEps()), lmHead, null);
  }

  @Override
  public void close() {}
}
