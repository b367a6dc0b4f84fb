package io.github.vlmlens.hooks.internal.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Embedding;
import io.github.vlmlens.core.HookPoint;
import io.github.vlmlens.hooks.ForwardTap;
import io.github.vlmlens.hooks.LlavaConfig;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The LLaVA forward pass (CLIP vision tower, projector, Llama decoder) on raw {@code NDArray}
 * operations with a {@link ForwardTap} visit at every hook point. Holds references to the
 * parameters (owned by the caller's manager) and caches the rotary tables and causal masks per
 * sequence length in its own sub-manager.
 *
 * <p>Each decoder block and vision layer runs in a scratch sub-manager of its input's manager:
 * its intermediates are freed when it ends and only its output survives, so a deep model's memory
 * peaks at one layer's worth of scratch.
 */
public final class LlavaNetwork implements AutoCloseable {
  private static final int CACHE_LENGTHS = 64;

  private final LlavaConfig config;
  private final DataType dataType;
  private final Map<String, NDArray> params;
  private final NDManager cacheManager;

  // Vision tower.
  private final NDArray classEmbedding;
  private final NDArray patchWeight;
  private final NDArray positionEmbedding;
  private final NDArray preNormW;
  private final NDArray preNormB;
  private final VisionLayer[] visionLayers;
  private final int[] featureLayers;
  private final int visionDepth;
  private final boolean dropCls;
  private final float visionEps;
  private final float visionScale;
  private final String visionAct;
  // Projector.
  private final NDArray proj1W;
  private final NDArray proj1B;
  private final NDArray proj2W;
  private final NDArray proj2B;
  private final String projectorAct;
  // Decoder.
  private final NDArray embedTokens;
  private final LlamaBlock.Weights[] layers;
  private final LlamaBlock.Settings blockSettings;
  private final NDArray finalNorm;
  private final NDArray lmHead;
  private final float rmsEps;
  private final float textScale;
  private final String textAct;

  private final HookPoint visionEmbed = HookPoint.visionResid(0);
  private final LayerPoints[] visionPoints;
  private final HookPoint lmEmbed = HookPoint.lmResid(0);
  private final LayerPoints[] lmPoints;
  private final HookPoint projectorOut = HookPoint.projectorOut();

  private final LinkedHashMap<Integer, CachedTables> tables =
      new LinkedHashMap<>(16, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<Integer, CachedTables> eldest) {
          if (size() > CACHE_LENGTHS) {
            eldest.getValue().manager.close();
            return true;
          }
          return false;
        }
      };

  private static final class CachedTables {
    final NDManager manager;
    final NDArray cos;
    final NDArray sin;
    final NDArray mask;

    CachedTables(NDManager manager, NDArray cos, NDArray sin, NDArray mask) {
      this.manager = manager;
      this.cos = cos;
      this.sin = sin;
      this.mask = mask;
    }
  }

  private static final class VisionLayer {
    NDArray ln1W, ln1B, qW, qB, kW, kB, vW, vB, oW, oB, ln2W, ln2B, fc1W, fc1B, fc2W, fc2B;
  }


  /**
   * A network over the given parameters (every tensor of {@link TensorLayout#of}, by canonical
   * name, already of the right shape and dtype on one device).
   *
   * @param manager the manager under which the cached tables live (the model's)
   * @throws IllegalArgumentException when the config's feature layers or activations are not
   *     supported
   */
  public LlavaNetwork(LlavaConfig config, Map<String, NDArray> params, DataType dataType, NDManager manager) {
    this.config = config;
    this.dataType = dataType;
    this.params = Collections.unmodifiableMap(new LinkedHashMap<>(params));
    this.cacheManager = manager.newSubManager();

    LlavaConfig.Vision v = config.vision();
    String vp = TensorLayout.VISION;
    classEmbedding = p(vp + "embeddings.class_embedding");
    patchWeight = p(vp + "embeddings.patch_embedding.weight");
    positionEmbedding = p(vp + "embeddings.position_embedding.weight");
    preNormW = p(vp + "pre_layrnorm.weight");
    preNormB = p(vp + "pre_layrnorm.bias");
    int lv = v.numHiddenLayers();
    List<Integer> fl = config.visionFeatureLayers();
    featureLayers = new int[fl.size()];
    int depth = 0;
    for (int i = 0; i < featureLayers.length; i++) {
      int k = fl.get(i) < 0 ? fl.get(i) + lv + 1 : fl.get(i);
      if (k < 0 || k > lv) {
        throw new IllegalArgumentException(
            "vision_feature_layer " + fl.get(i) + " is outside the " + (lv + 1)
                + " hidden states of a " + lv + "-layer vision tower");
      }
      featureLayers[i] = k;
      depth = Math.max(depth, k);
    }
    visionDepth = depth;
    String strategy = config.visionFeatureSelectStrategy();
    if (!strategy.equals("default") && !strategy.equals("full")) {
      throw new IllegalArgumentException("unexpected vision_feature_select_strategy '" + strategy + "'");
    }
    dropCls = strategy.equals("default");
    visionEps = (float) v.layerNormEps();
    visionScale = (float) Math.pow((double) v.hiddenSize() / v.numAttentionHeads(), -0.5);
    visionAct = v.hiddenAct();
    Ops.checkActivation("vision hidden_act", visionAct);
    visionLayers = new VisionLayer[lv];
    for (int i = 0; i < lv; i++) {
      String lp = vp + "encoder.layers." + i + ".";
      VisionLayer l = new VisionLayer();
      l.ln1W = p(lp + "layer_norm1.weight");
      l.ln1B = p(lp + "layer_norm1.bias");
      l.qW = p(lp + "self_attn.q_proj.weight");
      l.qB = p(lp + "self_attn.q_proj.bias");
      l.kW = p(lp + "self_attn.k_proj.weight");
      l.kB = p(lp + "self_attn.k_proj.bias");
      l.vW = p(lp + "self_attn.v_proj.weight");
      l.vB = p(lp + "self_attn.v_proj.bias");
      l.oW = p(lp + "self_attn.out_proj.weight");
      l.oB = p(lp + "self_attn.out_proj.bias");
      l.ln2W = p(lp + "layer_norm2.weight");
      l.ln2B = p(lp + "layer_norm2.bias");
      l.fc1W = p(lp + "mlp.fc1.weight");
      l.fc1B = p(lp + "mlp.fc1.bias");
      l.fc2W = p(lp + "mlp.fc2.weight");
      l.fc2B = p(lp + "mlp.fc2.bias");
      visionLayers[i] = l;
    }

    String pp = TensorLayout.PROJECTOR;
    proj1W = p(pp + "linear_1.weight");
    proj1B = params.get(pp + "linear_1.bias");
    proj2W = p(pp + "linear_2.weight");
    proj2B = params.get(pp + "linear_2.bias");
    projectorAct = config.projectorHiddenAct();
    Ops.checkActivation("projector_hidden_act", projectorAct);

    LlavaConfig.Text t = config.text();
    String lm = TensorLayout.LM;
    embedTokens = p(lm + "embed_tokens.weight");
    layers = new LlamaBlock.Weights[t.numHiddenLayers()];
    for (int i = 0; i < layers.length; i++) {
      String lp = lm + "layers." + i + ".";
      layers[i] =
          new LlamaBlock.Weights(
              p(lp + "input_layernorm.weight"),
              p(lp + "self_attn.q_proj.weight"),
              params.get(lp + "self_attn.q_proj.bias"),
              p(lp + "self_attn.k_proj.weight"),
              params.get(lp + "self_attn.k_proj.bias"),
              p(lp + "self_attn.v_proj.weight"),
              params.get(lp + "self_attn.v_proj.bias"),
              p(lp + "self_attn.o_proj.weight"),
              params.get(lp + "self_attn.o_proj.bias"),
              p(lp + "post_attention_layernorm.weight"),
              p(lp + "mlp.gate_proj.weight"),
              params.get(lp + "mlp.gate_proj.bias"),
              p(lp + "mlp.up_proj.weight"),
              params.get(lp + "mlp.up_proj.bias"),
              p(lp + "mlp.down_proj.weight"),
              params.get(lp + "mlp.down_proj.bias"));
    }
    finalNorm = p(lm + "norm.weight");
    lmHead = TensorLayout.tied(config) ? embedTokens : p(TensorLayout.LM_HEAD);
    rmsEps = (float) t.rmsNormEps();
    textScale = (float) Math.pow(t.headDim(), -0.5);
    textAct = t.hiddenAct();
    Ops.checkActivation("text hidden_act", textAct);

    visionPoints = LayerPoints.visionStackWithMaps(lv);
    lmPoints = LayerPoints.lmStack(layers.length);
    blockSettings =
        new LlamaBlock.Settings(
            t.numAttentionHeads(), t.numKeyValueHeads(), t.headDim(), rmsEps, textAct, textScale);
  }

  private NDArray p(String name) {
    NDArray a = params.get(name);
    if (a == null) {
      throw new IllegalArgumentException("missing parameter " + name);
    }
    return a;
  }

  /** The config. */
  public LlavaConfig config() {
    return config;
  }

  /** The dtype of the parameters and activations. */
  public DataType dataType() {
    return dataType;
  }

  /** The parameters by canonical name (unmodifiable). */
  public Map<String, NDArray> parameters() {
    return params;
  }

  /** The number of decoder blocks. */
  public int numLayers() {
    return layers.length;
  }

  /** The number of vision encoder layers actually run (the deepest selected hidden state). */
  public int visionDepth() {
    return visionDepth;
  }

  /** The sequence length of one image in the vision tower: patches + class token. */
  public int visionSequenceLength() {
    int g = config.vision().imageSize() / config.vision().patchSize();
    return g * g + 1;
  }

  /** The number of image tokens one image contributes to the language model. */
  public int imageTokensPerImage() {
    return visionSequenceLength() - (dropCls ? 1 : 0);
  }

  /** Every hook point the forward pass visits, in model order. */
  public List<HookPoint> hookPoints() {
    List<HookPoint> out = new ArrayList<>();
    out.add(visionEmbed);
    for (int l = 1; l <= visionDepth; l++) {
      out.addAll(visionPoints[l].all());
    }
    out.add(projectorOut);
    out.add(lmEmbed);
    for (int l = 1; l <= layers.length; l++) {
      out.addAll(lmPoints[l].all());
    }
    return Collections.unmodifiableList(out);
  }

  // ---------------------------------------------------------------- vision tower and projector

  /**
   * The projected image features {@code [images, image tokens, hidden]} for pixel values
   * {@code [images, channels, size, size]}; visits the vision points and {@code projector.out}.
   *
   * @throws IllegalArgumentException when the pixel values do not have the config's shape
   */
  public NDArray imageFeatures(NDArray pixelValues, ForwardTap tap) {
    LlavaConfig.Vision v = config.vision();
    Shape s = pixelValues.getShape();
    if (s.dimension() != 4
        || s.get(1) != v.numChannels()
        || s.get(2) != v.imageSize()
        || s.get(3) != v.imageSize()) {
      throw new IllegalArgumentException(
          "pixel values have shape " + s + "; the vision tower expects [images, "
              + v.numChannels() + ", " + v.imageSize() + ", " + v.imageSize() + "]");
    }
    long n = s.get(0);
    long d = v.hiddenSize();
    int p = v.patchSize();
    long g = v.imageSize() / p;
    NDArray px = pixelValues.toType(dataType, false);
    NDArray x =
        Conv2d.conv2d(px, patchWeight, null, new Shape(p, p), new Shape(0, 0), new Shape(1, 1))
            .singletonOrThrow(); // [n, d, g, g]
    x = x.reshape(n, d, g * g).transpose(0, 2, 1);
    NDArray cls = x.getManager().zeros(new Shape(n, 1, d), dataType).add(classEmbedding);
    x = NDArrays.concat(new NDList(cls, x), 1).add(positionEmbedding);
    x = Ops.layerNorm(x, preNormW, preNormB, visionEps);
    x = tap.visit(visionEmbed, x);
    NDArray[] hs = new NDArray[visionDepth + 1];
    hs[0] = x;
    for (int l = 1; l <= visionDepth; l++) {
      final int layer = l;
      x = Ops.scoped(x, in -> visionLayer(layer, in, tap));
      hs[l] = x;
    }
    NDList selected = new NDList();
    for (int k : featureLayers) {
      selected.add(dropCls ? hs[k].get(":, 1:, :") : hs[k]);
    }
    NDArray features = selected.size() == 1 ? selected.get(0) : NDArrays.concat(selected, -1);
    NDArray y = Ops.linear(features, proj1W, proj1B);
    y = Ops.linear(Ops.activation(projectorAct, y), proj2W, proj2B);
    return tap.visit(projectorOut, y);
  }

  private NDArray visionLayer(int layer, NDArray x, ForwardTap tap) {
    VisionLayer l = visionLayers[layer - 1];
    LayerPoints pts = visionPoints[layer];
    int heads = config.vision().numAttentionHeads();
    long hd = config.vision().hiddenSize() / heads;
    x = tap.visit(pts.residPre, x);
    NDArray a = Ops.layerNorm(x, l.ln1W, l.ln1B, visionEps);
    NDArray q = Ops.splitHeads(Ops.linear(a, l.qW, l.qB), heads, hd);
    NDArray k = Ops.splitHeads(Ops.linear(a, l.kW, l.kB), heads, hd);
    NDArray v = Ops.splitHeads(Ops.linear(a, l.vW, l.vB), heads, hd);
    NDArray z = Attention.attend(q, k, v, null, visionScale, pts, tap);
    NDArray attnOut = tap.visit(pts.attnOut, Ops.linear(z, l.oW, l.oB));
    NDArray h = tap.visit(pts.residMid, x.add(attnOut));
    NDArray m = Ops.linear(Ops.layerNorm(h, l.ln2W, l.ln2B, visionEps), l.fc1W, l.fc1B);
    m = Ops.linear(Ops.activation(visionAct, m), l.fc2W, l.fc2B);
    NDArray mlpOut = tap.visit(pts.mlpOut, m);
    return tap.visit(pts.residPost, h.add(mlpOut));
  }

  // ---------------------------------------------------------------- language model

  /**
   * The language model's input embeddings {@code [B, T, hidden]} with the image features
   * scattered into the image-token positions (images in batch order, then sequence order);
   * visits the vision points, {@code projector.out} and {@code lm.0.resid_post}.
   *
   * @param inputIds {@code [B, T]} token ids
   * @param pixelValues {@code [images, channels, size, size]}, or null when no image
   * @throws IllegalArgumentException when the number of image tokens and image features differ,
   *     or an id is outside the vocabulary
   */
  public NDArray embed(NDArray inputIds, NDArray pixelValues, ForwardTap tap) {
    Shape s = inputIds.getShape();
    if (s.dimension() != 2) {
      throw new IllegalArgumentException("input ids must be [batch, tokens], got " + s);
    }
    long b = s.get(0);
    long t = s.get(1);
    NDArray ids64 = inputIds.toType(DataType.INT64, false);
    long[] ids = ids64.toLongArray();
    long imageToken = config.imageTokenIndex();
    long vocab = config.text().vocabSize();
    int imageTokens = 0;
    for (int i = 0; i < ids.length; i++) {
      if (ids[i] == imageToken) {
        imageTokens++;
      } else if (ids[i] < 0 || ids[i] >= vocab) {
        throw new IllegalArgumentException(
            "token id " + ids[i] + " at batch row " + i / t + ", position " + i % t
                + " is outside the vocabulary of " + vocab);
      }
    }
    NDArray features = pixelValues == null ? null : imageFeatures(pixelValues, tap);
    long featureRows = features == null ? 0 : features.getShape().get(0) * features.getShape().get(1);
    if (imageTokens != featureRows) {
      throw new IllegalArgumentException(
          "Image features and image tokens do not match: tokens: " + imageTokens + ", features: "
              + featureRows);
    }
    NDManager m = inputIds.getManager();
    long h = config.text().hiddenSize();
    NDArray emb;
    if (imageTokens == 0) {
      emb = Embedding.embedding(ids64, embedTokens, SparseFormat.DENSE).singletonOrThrow();
    } else {
      long[] safe = ids.clone();
      long[] gather = new long[ids.length];
      long next = b * t;
      for (int i = 0; i < ids.length; i++) {
        if (ids[i] == imageToken) {
          safe[i] = 0;
          gather[i] = next++;
        } else {
          gather[i] = i;
        }
      }
      NDArray text =
          Embedding.embedding(m.create(safe, s), embedTokens, SparseFormat.DENSE)
              .singletonOrThrow()
              .reshape(b * t, h);
      NDArray table =
          NDArrays.concat(new NDList(text, features.reshape(featureRows, h).toType(dataType, false)), 0);
      emb =
          Embedding.embedding(m.create(gather), table, SparseFormat.DENSE)
              .singletonOrThrow()
              .reshape(b, t, h);
    }
    return tap.visit(lmEmbed, emb);
  }

  /**
   * The embeddings of token ids read as text only, every id (an image token's included) through
   * the embedding table, as Hugging Face embeds generated tokens; visits {@code lm.0.resid_post}.
   */
  public NDArray embedText(NDArray inputIds, ForwardTap tap) {
    NDArray ids64 = inputIds.toType(DataType.INT64, false);
    return tap.visit(lmEmbed, Embedding.embedding(ids64, embedTokens, SparseFormat.DENSE).singletonOrThrow());
  }

  /**
   * Runs decoder blocks {@code from+1..to} on {@code hidden} ({@code lm.from.resid_post},
   * {@code [B, T, hidden]}) and returns {@code lm.to.resid_post}; visits each block's points, not
   * {@code lm.from} itself.
   */
  public NDArray decode(NDArray hidden, int from, int to, ForwardTap tap) {
    return decode(hidden, from, to, null, tap);
  }

  /**
   * As {@link #decode(NDArray, int, int, ForwardTap)}, continuing after the positions a cache
   * holds (generation): the new positions are {@code cache.length() ..}, their keys and values
   * are appended to the cache.
   *
   * @param cache earlier positions, or null for a run from position 0 without a cache
   */
  public NDArray decode(NDArray hidden, int from, int to, KvCache cache, ForwardTap tap) {
    if (from < 0 || to < from || to > layers.length) {
      throw new IllegalArgumentException(
          "decoder blocks " + from + ".." + to + " outside 0.." + layers.length);
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
    NDArray cos;
    NDArray sin;
    NDArray mask;
    if (past == 0) {
      CachedTables ct = tables(t);
      cos = ct.cos;
      sin = ct.sin;
      mask = ct.mask;
    } else {
      // A generation step: tables for the new positions only, not cached per length.
      LlavaConfig.Text tc = config.text();
      NDList rot = Ops.rotaryTables(hidden.getManager(), past + t, tc.headDim(), tc.ropeTheta(), dataType);
      cos = rot.get(0).get(past + ":");
      sin = rot.get(1).get(past + ":");
      mask = t == 1 ? null : Ops.causalMask(hidden.getManager(), past + t).get(past + ":, :");
    }
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

  /** The final RMSNorm and the head: logits {@code [..., vocab]} for hidden states {@code [..., hidden]}. */
  public NDArray logits(NDArray hidden) {
    return Ops.linear(Ops.rmsNorm(hidden, finalNorm, rmsEps), lmHead, null);
  }

  private synchronized CachedTables tables(int length) {
    CachedTables ct = tables.get(length);
    if (ct == null) {
      LlavaConfig.Text t = config.text();
      NDManager m = cacheManager.newSubManager();
      NDList rot = Ops.rotaryTables(m, length, t.headDim(), t.ropeTheta(), dataType);
      ct = new CachedTables(m, rot.get(0), rot.get(1), Ops.causalMask(m, length));
      tables.put(length, ct);
    }
    return ct;
  }

  /** Frees the cached tables (not the parameters: their manager belongs to the caller). */
  @Override
  public void close() {
    synchronized (this) {
      tables.clear();
    }
    cacheManager.close();
  }

  @Override
  public String toString() {
    return "LlavaNetwork[" + layers.length + " blocks, vision " + visionDepth + "/"
        + visionLayers.length + " layers, " + dataType + ", features " + Arrays.toString(featureLayers) + "]";
  }
}
