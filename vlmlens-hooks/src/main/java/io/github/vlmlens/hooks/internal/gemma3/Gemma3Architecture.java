package io.github.vlmlens.hooks.internal.gemma3;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.nn.core.Embedding;
import com.fasterxml.jackson.databind.JsonNode;
import io.github.vlmlens.core.HookPoint;
import io.github.vlmlens.core.PromptFormat;
import io.github.vlmlens.core.RgbImage;
import io.github.vlmlens.core.Tokenization;
import io.github.vlmlens.core.VlmInput;
import io.github.vlmlens.hooks.CheckpointException;
import io.github.vlmlens.hooks.ForwardTap;
import io.github.vlmlens.hooks.LoadOptions;
import io.github.vlmlens.hooks.internal.io.GenerationDefaults;
import io.github.vlmlens.hooks.internal.io.ImagePreprocessor;
import io.github.vlmlens.hooks.internal.io.LlavaTokenizer;
import io.github.vlmlens.hooks.internal.model.Architecture;
import io.github.vlmlens.hooks.internal.model.Attention;
import io.github.vlmlens.hooks.internal.model.CheckedWeights;
import io.github.vlmlens.hooks.internal.model.HookPointCatalog;
import io.github.vlmlens.hooks.internal.model.KvCache;
import io.github.vlmlens.hooks.internal.model.LayerPoints;
import io.github.vlmlens.hooks.internal.model.TokenizedArchitecture;
import io.github.vlmlens.hooks.internal.model.Ops;
import io.github.vlmlens.hooks.internal.siglip.FixedSizeImages;
import io.github.vlmlens.hooks.internal.siglip.SiglipConfig;
import io.github.vlmlens.hooks.internal.siglip.SiglipTower;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Gemma 3 ({@code gemma3}) behind the runner's {@link Architecture} seam: SigLIP tower, the
 * multimodal projector (average pooling to {@code mm_tokens_per_image}, soft-embedding RMSNorm,
 * a matmul), and the Gemma 3 decoder.
 *
 * <p>Hook points and the Hugging Face modules they are: {@code vision.0.resid_post}
 * {@code vision_tower.embeddings}; {@code vision.L.*} {@code vision_tower.encoder.layers[L-1]};
 * {@code projector.out} {@code multi_modal_projector} ({@code mm_tokens_per_image} rows per image,
 * exactly the rows scattered into the {@code <image_soft_token>} positions); {@code lm.0} the
 * embeddings (text rows {@code embed_tokens * sqrt(hidden)}, image rows unscaled);
 * {@code lm.L.*} {@code language_model.layers[L-1]}, whose {@code attn_out} is the attention
 * branch after {@code post_attention_layernorm} and {@code mlp_out} the MLP branch after
 * {@code post_feedforward_layernorm} (the terms added to the residual stream).
 *
 * <p>Attention masks are built per batch: global layers are causal, except that the tokens of
 * one image attend to each other both ways; local (sliding) layers further keep only keys with
 * {@code key > query - sliding_window} (Hugging Face's {@code create_masks_for_vision_model}: so an
 * image token sees every later token of its image, and earlier ones within the window).
 *
 * <p>The prompt format is {@value #TEMPLATE} (the chat template's rendering of one user turn; the
 * tokenizer adds {@code <bos>}); as {@code Gemma3Processor} does, each {@code <image>} becomes
 * {@code "\n\n<start_of_image>"} + {@code mm_tokens_per_image} x {@code <image_soft_token>} +
 * {@code "<end_of_image>\n\n"}. Pan and scan is not supported.
 *
 * <p>Like Hugging Face's {@code Gemma3ForConditionalGeneration} (transformers 5.18), the logits are
 * not soft-capped even when {@code final_logit_softcapping} is set: only the text-only
 * {@code Gemma3ForCausalLM} applies it.
 */
public final class Gemma3Architecture extends TokenizedArchitecture {
  /** The chat template's rendering of one user turn with an image and the question. */
  public static final String TEMPLATE =
      "<start_of_turn>user\n<image>{question}<end_of_turn>\n<start_of_turn>model\n";

  static final String LM = "language_model.model.";
  static final String LM_HEAD = "language_model.lm_head.weight";
  static final String VISION = "vision_tower.vision_model.";
  static final String PROJ = "multi_modal_projector.";

  /** The tensors as loaded (redrawn for the random-init baseline), for the fingerprint. */
  private final Map<String, NDArray> weights;
  private final Gemma3Config config;
  private final FixedSizeImages images;
  private final SiglipTower tower;
  private final HookPointCatalog catalog;
  private final int[] stopIds;

  private final NDArray embedTokens;
  private final NDArray lmHead;
  private final NDArray finalNorm;
  private final NDArray[][] layers;
  private final LayerPoints[] lmPoints;
  private final NDArray projW;
  private final NDArray projNorm;
  private final float[] globalInvFreq;
  private final float[] localInvFreq;

  private static final String[] LAYER_TENSORS = {
    "input_layernorm.weight", "self_attn.q_proj.weight", "self_attn.k_proj.weight", "self_attn.v_proj.weight",
    "self_attn.q_norm.weight", "self_attn.k_norm.weight", "self_attn.o_proj.weight",
    "post_attention_layernorm.weight", "pre_feedforward_layernorm.weight", "mlp.gate_proj.weight",
    "mlp.up_proj.weight", "mlp.down_proj.weight", "post_feedforward_layernorm.weight"
  };
  private static final boolean[] ONE_PLUS = {
    true, false, false, false, true, true, false, true, true, false, false, false, true
  };

  private Gemma3Architecture(
      Gemma3Config config, FixedSizeImages images, LlavaTokenizer tokenizer, NDManager manager, DataType dataType,
      Map<String, NDArray> params, PromptFormat format, int[] stopIds) {
    super(tokenizer, manager, dataType, format);
    this.weights = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(params));
    this.config = config;
    this.images = images;
    this.stopIds = stopIds;
    SiglipConfig v = config.vision();
    this.tower = new SiglipTower(v, params, VISION, v.numHiddenLayers(), dataType);
    Gemma3Config.Text t = config.text();
    this.embedTokens = CheckedWeights.get(params, LM + "embed_tokens.weight");
    this.lmHead = config.tieWordEmbeddings() ? embedTokens : CheckedWeights.get(params, LM_HEAD);
    this.finalNorm = onePlus(CheckedWeights.get(params, LM + "norm.weight"));
    this.layers = new NDArray[t.numHiddenLayers()][];
    for (int i = 0; i < layers.length; i++) {
      layers[i] = new NDArray[LAYER_TENSORS.length];
      for (int k = 0; k < LAYER_TENSORS.length; k++) {
        NDArray a = CheckedWeights.get(params, LM + "layers." + i + "." + LAYER_TENSORS[k]);
        layers[i][k] = ONE_PLUS[k] ? onePlus(a) : a;
      }
    }
    this.lmPoints = LayerPoints.lmStack(layers.length);
    this.projW = CheckedWeights.get(params, PROJ + "mm_input_projection_weight");
    this.projNorm = onePlus(CheckedWeights.get(params, PROJ + "mm_soft_emb_norm.weight"));
    this.globalInvFreq = invFreq(t.global(), t.headDim());
    this.localInvFreq = invFreq(t.local(), t.headDim());
    List<HookPoint> points = new ArrayList<>(tower.hookPoints());
    points.add(HookPoint.projectorOut());
    points.add(HookPoint.lmResid(0));
    for (int l = 1; l <= layers.length; l++) {
      points.addAll(lmPoints[l].all());
    }
    this.catalog = new HookPointCatalog(points, layers.length, v.numHiddenLayers(), v.numHiddenLayers());
  }

  /** A Gemma RMSNorm weight as the float32 {@code 1 + w} it is applied as. */
  private static NDArray onePlus(NDArray w) {
    return w.toType(DataType.FLOAT32, false).add(1f);
  }

  /** {@code 1 / theta^(2i/d)} in float32, divided by the linear scaling factor. */
  private static float[] invFreq(Gemma3Config.Rope rope, int headDim) {
    float[] out = new float[headDim / 2];
    for (int i = 0; i < out.length; i++) {
      float exponent = (float) (2 * i) / headDim;
      out[i] = (float) (1.0 / Math.pow(rope.theta(), exponent));
      if (rope.factor() != 1.0) {
        out[i] = (float) (out[i] / rope.factor());
      }
    }
    return out;
  }

  /**
   * Loads a checkpoint directory: {@code config.json} (already parsed), the safetensors weights,
   * {@code tokenizer.json} and the image processor settings.
   *
   * @throws CheckpointException naming the file and key or tensor at fault
   */
  public static Gemma3Architecture load(Path dir, JsonNode configJson, LoadOptions options) {
    Objects.requireNonNull(dir, "dir");
    Path configFile = dir.resolve("config.json");
    Gemma3Config config = Gemma3Config.parse(configJson, configFile.toString());
    FixedSizeImages.Settings settings = FixedSizeImages.read(dir);
    JsonNode ip = settings.imageProcessor();
    if (ip.has("do_pan_and_scan") && ip.get("do_pan_and_scan").asBoolean(false)) {
      throw new CheckpointException(settings.source() + ": key 'do_pan_and_scan': pan and scan is not supported");
    }
    FixedSizeImages images =
        FixedSizeImages.parse(ip, settings.source(), 224, 2, new double[] {0.5, 0.5, 0.5}, new double[] {0.5, 0.5, 0.5});
    SiglipConfig v = config.vision();
    if (images.height() != v.imageSize() || images.width() != v.imageSize()) {
      throw new CheckpointException(
          settings.source() + ": key 'size': " + images.width() + "x" + images.height()
              + " differs from vision_config.image_size " + v.imageSize());
    }
    PromptFormat format = PromptFormat.of(options.promptTemplate().orElse(TEMPLATE));
    Path tokenizerJson = dir.resolve("tokenizer.json");
    String[] wrap = LlavaTokenizer.tokenTexts(tokenizerJson, config.boiTokenId(), config.eoiTokenId());
    int mm = config.mmTokensPerImage();
    LlavaTokenizer tokenizer =
        LlavaTokenizer.load(
            tokenizerJson, config.imageTokenId(), img -> mm,
            new LlavaTokenizer.VisualTokens("\n\n" + wrap[0], wrap[1] + "\n\n", -1, null));
    int vl = v.numHiddenLayers();
    return load(configFile, tokenizer, options,
        manager -> layout(config).load(dir, manager, options.dataType(), n -> n,
            n -> (config.tieWordEmbeddings() && n.equals(LM_HEAD)) || SiglipTower.ignorable(n, VISION, vl)),
        (manager, params) -> new Gemma3Architecture(
            config, images, tokenizer, manager, options.dataType(), params, format, GenerationDefaults.eosTokenIds(dir)));
  }

  /** Every tensor a checkpoint of this config holds, under the published names. */
  static CheckedWeights layout(Gemma3Config config) {
    CheckedWeights w = new CheckedWeights();
    SiglipConfig v = config.vision();
    SiglipTower.layout(w, VISION, v, v.numHiddenLayers(), true);
    w.add(PROJ + "mm_input_projection_weight", v.hiddenSize(), config.text().hiddenSize());
    w.add(PROJ + "mm_soft_emb_norm.weight", v.hiddenSize());
    Gemma3Config.Text t = config.text();
    long h = t.hiddenSize();
    long q = (long) t.numAttentionHeads() * t.headDim();
    long kv = (long) t.numKeyValueHeads() * t.headDim();
    w.add(LM + "embed_tokens.weight", t.vocabSize(), h);
    for (int i = 0; i < t.numHiddenLayers(); i++) {
      String l = LM + "layers." + i + ".";
      w.add(l + "input_layernorm.weight", h);
      w.add(l + "self_attn.q_proj.weight", q, h);
      w.add(l + "self_attn.k_proj.weight", kv, h);
      w.add(l + "self_attn.v_proj.weight", kv, h);
      w.add(l + "self_attn.q_norm.weight", t.headDim());
      w.add(l + "self_attn.k_norm.weight", t.headDim());
      w.add(l + "self_attn.o_proj.weight", h, q);
      w.add(l + "post_attention_layernorm.weight", h);
      w.add(l + "pre_feedforward_layernorm.weight", h);
      w.add(l + "mlp.gate_proj.weight", t.intermediateSize(), h);
      w.add(l + "mlp.up_proj.weight", t.intermediateSize(), h);
      w.add(l + "mlp.down_proj.weight", h, t.intermediateSize());
      w.add(l + "post_feedforward_layernorm.weight", h);
    }
    w.add(LM + "norm.weight", h);
    if (!config.tieWordEmbeddings()) {
      w.add(LM_HEAD, t.vocabSize(), h);
    }
    return w;
  }

  /** The parsed config. */
  public Gemma3Config config() {
    return config;
  }

  /** The model input of an image ({@code [3 * size * size]}, channels first). */
  public float[] pixelValues(RgbImage image) {
    return images.process(image);
  }

  @Override
  public String modelType() {
    return "gemma3";
  }

  @Override
  public int numLayers() {
    return layers.length;
  }

  @Override
  public int hiddenSize() {
    return config.text().hiddenSize();
  }

  @Override
  public int vocabSize() {
    return config.text().vocabSize();
  }

  @Override
  public long padId() {
    Integer pad = config.text().padTokenId();
    return pad != null && pad >= 0 && pad < vocabSize() && pad != config.imageTokenId() ? pad : 0;
  }

  @Override
  public HookPointCatalog catalog() {
    return catalog;
  }

  @Override
  public int width(HookPoint point) {
    if (point.component() == HookPoint.Component.VISION) {
      return config.vision().hiddenSize();
    }
    if (point.site() == HookPoint.Site.ATTN_Z) {
      return config.text().numAttentionHeads() * config.text().headDim();
    }
    return config.text().hiddenSize();
  }

  @Override
  public int heads(HookPoint.Component component) {
    return component == HookPoint.Component.VISION
        ? config.vision().numAttentionHeads()
        : config.text().numAttentionHeads();
  }

  @Override
  public Tokenization tokenize(VlmInput input) {
    if (input.isVideo()) {
      throw new IllegalArgumentException("Gemma 3 takes images, not video; pass the frames as images");
    }
    return tokenizer.tokenize(input);
  }

  @Override
  public int[] stopTokenIds() {
    return stopIds.clone();
  }

  // ------------------------------------------------------------------------------ encoding

  private static final class GemmaEncoded implements Encoded {
    final int[] ids;
    final List<RgbImage> images;
    final int visionRows;
    final int projectorRows;

    GemmaEncoded(int[] ids, List<RgbImage> images, int patches, int tokens) {
      this.ids = ids;
      this.images = images;
      this.visionRows = images.size() * patches;
      this.projectorRows = images.size() * tokens;
    }

    @Override
    public int[] ids() {
      return ids.clone();
    }

    @Override
    public int images() {
      return images.size();
    }

    @Override
    public int rows(HookPoint.Component component) {
      switch (component) {
        case VISION:
          return visionRows;
        case PROJECTOR:
          return projectorRows;
        default:
          return ids.length;
      }
    }
  }

  @Override
  public Encoded encode(VlmInput input, Tokenization tokenization) {
    int[] ids = tokenization.ids();
    int count = 0;
    for (int id : ids) {
      if (id == config.imageTokenId()) {
        count++;
      }
    }
    int expected = input.images().size() * config.mmTokensPerImage();
    if (count != expected) {
      throw new IllegalArgumentException(
          "Image features and image tokens do not match: tokens: " + count + ", features: " + expected);
    }
    return new GemmaEncoded(ids, input.images(), config.vision().patches(), config.mmTokensPerImage());
  }

  @Override
  public Encoded withTokens(Encoded encoded, int[] appended) {
    GemmaEncoded g = (GemmaEncoded) encoded;
    int[] ids = Arrays.copyOf(g.ids, g.ids.length + appended.length);
    System.arraycopy(appended, 0, ids, g.ids.length, appended.length);
    return new GemmaEncoded(ids, g.images, config.vision().patches(), config.mmTokensPerImage());
  }

  /** A batch's device-side inputs: ids, patch rows, image rows, masks and rotary tables. */
  private static final class GemmaBatch implements Batch {
    NDArray ids;
    NDArray patches;
    long[] imageRows;
    NDArray fullMask;
    NDArray slidingMask;
    NDArray[] global;
    NDArray[] local;
  }

  @Override
  public Batch batch(List<Encoded> inputs, int length, boolean withPixels, NDManager run) {
    int b = inputs.size();
    int vocab = vocabSize();
    long[] ids = new long[b * length];
    Arrays.fill(ids, padId());
    List<Long> imageRows = new ArrayList<>();
    int[] block = new int[b * length];
    Arrays.fill(block, -1);
    int[] lengths = new int[b];
    List<RgbImage> all = new ArrayList<>();
    for (int s = 0; s < b; s++) {
      GemmaEncoded e = (GemmaEncoded) inputs.get(s);
      lengths[s] = e.ids.length;
      int group = -1;
      for (int t = 0; t < e.ids.length; t++) {
        int id = e.ids[t];
        boolean image = id == config.imageTokenId();
        // HF looks image tokens up as id 0 when the image token lies past the vocabulary
        ids[s * length + t] = image && id >= vocab ? 0 : id;
        if (image) {
          imageRows.add((long) s * length + t);
          if (t == 0 || e.ids[t - 1] != id) {
            group++;
          }
          block[s * length + t] = group;
        }
      }
      all.addAll(e.images);
    }
    GemmaBatch gb = new GemmaBatch();
    gb.ids = run.create(ids, new Shape(b, length));
    gb.imageRows = imageRows.stream().mapToLong(Long::longValue).toArray();
    int window = config.text().slidingWindow();
    float[] full = new float[b * length * length];
    float[] sliding = new float[b * length * length];
    for (int s = 0; s < b; s++) {
      for (int q = 0; q < length; q++) {
        for (int k = 0; k < length; k++) {
          int bq = block[s * length + q];
          boolean allowed = k <= q || (bq >= 0 && bq == block[s * length + k]);
          int at = (s * length + q) * length + k;
          full[at] = allowed ? 0f : -Float.MAX_VALUE;
          sliding[at] = allowed && k > q - window ? 0f : -Float.MAX_VALUE;
        }
      }
    }
    gb.fullMask = run.create(full, new Shape(b, 1, length, length));
    gb.slidingMask = run.create(sliding, new Shape(b, 1, length, length));
    int[] positions = new int[length];
    for (int t = 0; t < length; t++) {
      positions[t] = t;
    }
    gb.global = rotary(run, positions, globalInvFreq);
    gb.local = rotary(run, positions, localInvFreq);
    if (withPixels && !all.isEmpty()) {
      SiglipConfig v = config.vision();
      int per = 3 * v.imageSize() * v.imageSize();
      float[] px = new float[all.size() * per];
      for (int i = 0; i < all.size(); i++) {
        System.arraycopy(images.process(all.get(i)), 0, px, i * per, per);
      }
      float[] rows = SiglipTower.patchRows(px, all.size(), 3, v.imageSize(), v.patchSize());
      gb.patches = run.create(rows, new Shape(all.size(), v.patches(), 3L * v.patchSize() * v.patchSize()));
    }
    return gb;
  }

  /** cos and sin {@code [1, 1, T, d]} for the positions, in the compute dtype. */
  private NDArray[] rotary(NDManager run, int[] positions, float[] inv) {
    int d = config.text().headDim();
    int half = d / 2;
    float[] cos = new float[positions.length * d];
    float[] sin = new float[positions.length * d];
    for (int t = 0; t < positions.length; t++) {
      for (int i = 0; i < half; i++) {
        float f = positions[t] * inv[i];
        float c = (float) Math.cos(f);
        float s = (float) Math.sin(f);
        cos[t * d + i] = c;
        cos[t * d + half + i] = c;
        sin[t * d + i] = s;
        sin[t * d + half + i] = s;
      }
    }
    Shape shape = new Shape(1, 1, positions.length, d);
    return new NDArray[] {
      run.create(cos, shape).toType(dataType, false), run.create(sin, shape).toType(dataType, false)
    };
  }

  private NDArray imageFeatures(NDArray patches, ForwardTap tap) {
    SiglipConfig v = config.vision();
    NDArray x = tower.postLayerNorm(tower.forward(patches, tap)); // [N, P, Dv]
    long n = x.getShape().get(0);
    int side = v.side();
    int tokensSide = (int) Math.round(Math.sqrt(config.mmTokensPerImage()));
    int k = side / tokensSide;
    long dv = v.hiddenSize();
    NDArray pooled =
        x.reshape(n, tokensSide, k, tokensSide, k, dv)
            .transpose(0, 1, 3, 2, 4, 5)
            .reshape(n, (long) tokensSide * tokensSide, (long) k * k, dv)
            .mean(new int[] {2});
    NDArray normed = Ops.rmsNormOnePlus(pooled, projNorm, (float) v.layerNormEps());
    NDArray projected = normed.matMul(projW).toType(x.getDataType(), false);
    return tap.visit(HookPoint.projectorOut(), projected);
  }

  @Override
  public NDArray embed(Batch batch, ForwardTap tap) {
    GemmaBatch gb = (GemmaBatch) batch;
    Shape s = gb.ids.getShape();
    long h = hiddenSize();
    NDArray emb = Embedding.embedding(gb.ids, embedTokens, SparseFormat.DENSE).singletonOrThrow();
    NDArray scale = Ops.scalar(emb, (float) Math.sqrt(h)).toType(emb.getDataType(), false);
    emb = emb.mul(scale);
    long features = 0;
    NDArray f = null;
    if (gb.patches != null) {
      f = imageFeatures(gb.patches, tap);
      features = f.getShape().get(0) * f.getShape().get(1);
    }
    if (features != gb.imageRows.length) {
      throw new IllegalArgumentException(
          "Image features and image tokens do not match: tokens: " + gb.imageRows.length + ", features: " + features);
    }
    if (f != null) {
      emb = Ops.replaceRows(emb.reshape(s.get(0) * s.get(1), h), gb.imageRows, f.reshape(features, h))
          .reshape(s.get(0), s.get(1), h);
    }
    return tap.visit(HookPoint.lmResid(0), emb);
  }

  @Override
  public void encodeImages(Batch batch, ForwardTap tap) {
    GemmaBatch gb = (GemmaBatch) batch;
    if (gb.patches != null) {
      imageFeatures(gb.patches, tap);
    }
  }

  @Override
  public NDArray decode(NDArray hidden, int from, int to, Batch batch, KvCache cache, ForwardTap tap) {
    if (from < 0 || to < from || to > layers.length) {
      throw new IllegalArgumentException("decoder blocks " + from + ".." + to + " outside 0.." + layers.length);
    }
    GemmaBatch gb = (GemmaBatch) batch;
    NDArray x = hidden;
    for (int l = from + 1; l <= to; l++) {
      final int layer = l;
      x = Ops.scoped(x, in -> block(layer, in, gb, cache, tap));
    }
    return x;
  }

  private NDArray block(int layer, NDArray x, GemmaBatch gb, KvCache cache, ForwardTap tap) {
    NDArray[] w = layers[layer - 1];
    LayerPoints p = lmPoints[layer];
    Gemma3Config.Text t = config.text();
    boolean sliding = t.sliding()[layer - 1];
    NDArray[] rope = sliding ? gb.local : gb.global;
    NDArray mask = sliding ? gb.slidingMask : gb.fullMask;
    float eps = (float) t.rmsNormEps();
    x = tap.visit(p.residPre, x);
    NDArray a = Ops.rmsNormOnePlus(x, w[0], eps);
    NDArray q = Ops.rmsNormOnePlus(Ops.splitHeads(Ops.linear(a, w[1], null), t.numAttentionHeads(), t.headDim()), w[4], eps);
    NDArray k = Ops.rmsNormOnePlus(Ops.splitHeads(Ops.linear(a, w[2], null), t.numKeyValueHeads(), t.headDim()), w[5], eps);
    NDArray v = Ops.splitHeads(Ops.linear(a, w[3], null), t.numKeyValueHeads(), t.headDim());
    q = Ops.applyRotary(q, rope[0], rope[1]);
    k = Ops.applyRotary(k, rope[0], rope[1]);
    if (cache != null) {
      NDArray[] kv = cache.append(layer, k, v);
      k = kv[0];
      v = kv[1];
    }
    float scale = (float) Math.pow(t.queryPreAttnScalar(), -0.5);
    NDArray z = Attention.attend(q, k, v, mask, scale, p, tap);
    NDArray attnOut = tap.visit(p.attnOut, Ops.rmsNormOnePlus(Ops.linear(z, w[6], null), w[7], eps));
    NDArray h = tap.visit(p.residMid, x.add(attnOut));
    NDArray m = Ops.rmsNormOnePlus(h, w[8], eps);
    NDArray gate = Ops.activation(t.hiddenActivation(), Ops.linear(m, w[9], null));
    m = Ops.linear(gate.mul(Ops.linear(m, w[10], null)), w[11], null);
    NDArray mlpOut = tap.visit(p.mlpOut, Ops.rmsNormOnePlus(m, w[12], eps));
    return tap.visit(p.residPost, h.add(mlpOut));
  }

  @Override
  public Batch extend(Batch batch, int token, int position, NDManager run) {
    GemmaBatch gb = new GemmaBatch();
    long id = token == config.imageTokenId() && token >= vocabSize() ? 0 : token;
    gb.ids = run.create(new long[] {id}, new Shape(1, 1));
    gb.imageRows = new long[0];
    int window = config.text().slidingWindow();
    float[] sliding = new float[position + 1];
    for (int k = 0; k <= position; k++) {
      sliding[k] = k > position - window ? 0f : -Float.MAX_VALUE;
    }
    gb.slidingMask = run.create(sliding, new Shape(1, 1, 1, position + 1));
    gb.fullMask = null;
    gb.global = rotary(run, new int[] {position}, globalInvFreq);
    gb.local = rotary(run, new int[] {position}, localInvFreq);
    return gb;
  }

  @Override
  public NDArray logits(NDArray hidden) {
    // Gemma3ForConditionalGeneration does not soft-cap its logits (only the text-only
    // Gemma3ForCausalLM applies final_logit_softcapping): checked against transformers 5.18.
    return Ops.linear(Ops.rmsNormOnePlus(hidden, finalNorm, (float) config.text().rmsNormEps()), lmHead, null);
  }

  @Override
  public Map<String, NDArray> weights() {
    return weights;
  }

  @Override
  public String toString() {
    return "Gemma3Architecture[" + layers.length + " layers, " + dataType + "]";
  }
}
