package io.github.vlmlens.hooks.internal.onevision;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
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
import io.github.vlmlens.hooks.internal.io.LlavaTokenizer;
import io.github.vlmlens.hooks.internal.model.Architecture;
import io.github.vlmlens.hooks.internal.model.CheckedWeights;
import io.github.vlmlens.hooks.internal.model.HookPointCatalog;
import io.github.vlmlens.hooks.internal.model.KvCache;
import io.github.vlmlens.hooks.internal.model.LayerPoints;
import io.github.vlmlens.hooks.internal.model.TokenizedArchitecture;
import io.github.vlmlens.hooks.internal.model.LlamaBlock;
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
 * LLaVA-OneVision ({@code llava_onevision}) behind the runner's {@link Architecture} seam: the
 * SigLIP tower (up to {@code vision_feature_layer}, before {@code post_layernorm}), the two-layer
 * projector, anyres packing with {@code image_newline}, and the Qwen2 decoder of shared
 * {@link LlamaBlock}s; images and videos.
 *
 * <p>Hook points and the Hugging Face modules they are: {@code vision.0.resid_post}
 * {@code vision_tower.embeddings}; {@code vision.L.*} {@code vision_tower.encoder.layers[L-1]}
 * (rows: every tile of a sample's images, or every frame of its video, {@code patches} rows each,
 * in processor order); {@code projector.out} the packed features, exactly the rows scattered into
 * the {@code <image>} ({@code <video>}) positions: per image the base tile's projected rows, then
 * the tiles' grid unpadded to the image's aspect ratio (bilinearly shrunk past
 * {@code anyres_max_N}) row-major with the {@code image_newline} row after each grid row (a sample
 * with several images: each image's one tile, then one newline row); per video the frames' 2x2
 * bilinearly pooled rows, then one newline row. The image ranges of a tokenization include the
 * newline positions (a video's last frame's range ends with the newline). {@code lm.0} the
 * embeddings with those rows scattered in; {@code lm.L.*} {@code language_model.layers[L-1]}.
 *
 * <p>The prompt format is {@value #TEMPLATE}, the published chat template's rendering of one user
 * turn with an image; for a video, {@code <video>} takes the image's place
 * ({@link VlmInput#ofVideo}). Video frames are processed as images resized to the tile size (the
 * PIL path; Hugging Face's torchvision video processor may differ by one 8-bit level).
 */
public final class OnevisionArchitecture extends TokenizedArchitecture {
  /** The chat template's rendering of one user turn with an image and the question. */
  public static final String TEMPLATE = "<|im_start|>user <image>\n{question}<|im_end|><|im_start|>assistant\n";

  static final String LM = "language_model.model.";
  static final String LM_HEAD = "language_model.lm_head.weight";
  static final String VISION = "vision_tower.vision_model.";
  static final String PROJ = "multi_modal_projector.";
  static final String NEWLINE = "image_newline";

  /** The tensors as loaded (redrawn for the random-init baseline), for the fingerprint. */
  private final Map<String, NDArray> weights;
  private final OnevisionConfig config;
  private final AnyresImages images;
  private final SiglipTower tower;
  private final HookPointCatalog catalog;
  private final int[] stopIds;
  private final NDArray embedTokens;
  private final NDArray lmHead;
  private final NDArray finalNorm;
  private final NDArray newline;
  private final NDArray[] projector;
  private final LlamaBlock.Weights[] layers;
  private final LlamaBlock.Settings settings;
  private final LayerPoints[] lmPoints;

  private OnevisionArchitecture(
      OnevisionConfig config, AnyresImages images, LlavaTokenizer tokenizer, NDManager manager, DataType dataType,
      Map<String, NDArray> params, PromptFormat format, int[] stopIds) {
    super(tokenizer, manager, dataType, format);
    this.weights = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(params));
    this.config = config;
    this.images = images;
    this.stopIds = stopIds;
    this.tower = new SiglipTower(config.vision(), params, VISION, config.visionLayersRun(), dataType);
    this.embedTokens = CheckedWeights.get(params, LM + "embed_tokens.weight");
    this.lmHead = config.tieWordEmbeddings() ? embedTokens : CheckedWeights.get(params, LM_HEAD);
    this.finalNorm = CheckedWeights.get(params, LM + "norm.weight");
    this.newline = CheckedWeights.get(params, NEWLINE);
    this.projector = new NDArray[] {
      CheckedWeights.get(params, PROJ + "linear_1.weight"), params.get(PROJ + "linear_1.bias"),
      CheckedWeights.get(params, PROJ + "linear_2.weight"), params.get(PROJ + "linear_2.bias")
    };
    OnevisionConfig.Text t = config.text();
    this.layers = new LlamaBlock.Weights[t.numHiddenLayers()];
    for (int i = 0; i < layers.length; i++) {
      String l = LM + "layers." + i + ".";
      layers[i] = new LlamaBlock.Weights(
          g(params, l + "input_layernorm.weight"), g(params, l + "self_attn.q_proj.weight"),
          g(params, l + "self_attn.q_proj.bias"), g(params, l + "self_attn.k_proj.weight"),
          g(params, l + "self_attn.k_proj.bias"), g(params, l + "self_attn.v_proj.weight"),
          g(params, l + "self_attn.v_proj.bias"), g(params, l + "self_attn.o_proj.weight"), null,
          g(params, l + "post_attention_layernorm.weight"), g(params, l + "mlp.gate_proj.weight"), null,
          g(params, l + "mlp.up_proj.weight"), null, g(params, l + "mlp.down_proj.weight"), null);
    }
    this.settings = new LlamaBlock.Settings(t.numAttentionHeads(), t.numKeyValueHeads(), t.headDim(),
        (float) t.rmsNormEps(), t.hiddenAct(), (float) Math.pow(t.headDim(), -0.5));
    this.lmPoints = LayerPoints.lmStack(layers.length);
    List<HookPoint> points = new ArrayList<>(tower.hookPoints());
    points.add(HookPoint.projectorOut());
    points.add(HookPoint.lmResid(0));
    for (int l = 1; l <= layers.length; l++) {
      points.addAll(lmPoints[l].all());
    }
    this.catalog = new HookPointCatalog(
        points, layers.length, config.visionLayersRun(), config.vision().numHiddenLayers());
  }

  private static NDArray g(Map<String, NDArray> params, String name) {
    return CheckedWeights.get(params, name);
  }

  /**
   * Loads a checkpoint directory: {@code config.json} (already parsed), the safetensors weights,
   * {@code tokenizer.json} and the image processor settings.
   *
   * @throws CheckpointException naming the file and key or tensor at fault
   */
  public static OnevisionArchitecture load(Path dir, JsonNode configJson, LoadOptions options) {
    Objects.requireNonNull(dir, "dir");
    Path configFile = dir.resolve("config.json");
    OnevisionConfig config = OnevisionConfig.parse(configJson, configFile.toString());
    FixedSizeImages.Settings s = FixedSizeImages.read(dir);
    FixedSizeImages tiles = FixedSizeImages.parse(s.imageProcessor(), s.source(), 384, 3,
        io.github.vlmlens.hooks.internal.io.ImagePreprocessor.OPENAI_CLIP_MEAN,
        io.github.vlmlens.hooks.internal.io.ImagePreprocessor.OPENAI_CLIP_STD);
    SiglipConfig v = config.vision();
    if (tiles.height() != v.imageSize() || tiles.width() != v.imageSize()) {
      throw new CheckpointException(s.source() + ": key 'size': " + tiles.width() + "x" + tiles.height()
          + " differs from vision_config.image_size " + v.imageSize());
    }
    io.github.vlmlens.hooks.internal.model.ConfigReader r =
        new io.github.vlmlens.hooks.internal.model.ConfigReader(s.source());
    List<int[]> pinpoints = s.imageProcessor().has("image_grid_pinpoints")
        ? OnevisionConfig.pinpoints(s.imageProcessor().get("image_grid_pinpoints"), "image_grid_pinpoints", r)
        : config.gridPinpoints();
    for (int[] p : pinpoints) {
      if (p[0] % v.imageSize() != 0 || p[1] % v.imageSize() != 0) {
        throw r.error("image_grid_pinpoints", Arrays.toString(p) + " is not a multiple of the tile size " + v.imageSize());
      }
    }
    AnyresImages anyres = new AnyresImages(tiles, pinpoints, v.side(), config.maxAnyresPatches());
    PromptFormat format = PromptFormat.of(options.promptTemplate().orElse(TEMPLATE));
    LlavaTokenizer tokenizer = LlavaTokenizer.load(dir.resolve("tokenizer.json"), config.imageTokenId(), img -> 0,
        new LlavaTokenizer.VisualTokens("", "", config.videoTokenId(), in -> counts(anyres, in)));
    int run = config.visionLayersRun();
    return load(configFile, tokenizer, options,
        manager -> layout(config).load(dir, manager, options.dataType(),
            n -> n.equals("model." + NEWLINE) ? NEWLINE : n,
            n -> (config.tieWordEmbeddings() && n.equals(LM_HEAD)) || SiglipTower.ignorable(n, VISION, run)),
        (manager, params) -> new OnevisionArchitecture(config, anyres, tokenizer, manager, options.dataType(), params,
            format, GenerationDefaults.eosTokenIds(dir)));
  }

  /** Tokens per image (anyres for a sample's only image) or per video frame (the last with the newline). */
  static int[] counts(AnyresImages anyres, VlmInput in) {
    int n = in.images().size();
    int[] out = new int[n];
    for (int i = 0; i < n; i++) {
      out[i] = in.isVideo()
          ? anyres.frameTokens() + (i == n - 1 ? 1 : 0)
          : anyres.tokens(anyres.tiles(in.images().get(i), n == 1));
    }
    return out;
  }

  static CheckedWeights layout(OnevisionConfig config) {
    CheckedWeights w = new CheckedWeights();
    SiglipConfig v = config.vision();
    SiglipTower.layout(w, VISION, v, config.visionLayersRun(), false);
    OnevisionConfig.Text t = config.text();
    long h = t.hiddenSize();
    w.linear(PROJ + "linear_1", h, v.hiddenSize(), config.projectorBias());
    w.linear(PROJ + "linear_2", h, h, config.projectorBias());
    w.add(NEWLINE, h);
    long kv = (long) t.numKeyValueHeads() * t.headDim();
    w.add(LM + "embed_tokens.weight", t.vocabSize(), h);
    for (int i = 0; i < t.numHiddenLayers(); i++) {
      String l = LM + "layers." + i + ".";
      w.add(l + "input_layernorm.weight", h);
      w.linear(l + "self_attn.q_proj", h, h, true);
      w.linear(l + "self_attn.k_proj", kv, h, true);
      w.linear(l + "self_attn.v_proj", kv, h, true);
      w.linear(l + "self_attn.o_proj", h, h, false);
      w.add(l + "post_attention_layernorm.weight", h);
      w.linear(l + "mlp.gate_proj", t.intermediateSize(), h, false);
      w.linear(l + "mlp.up_proj", t.intermediateSize(), h, false);
      w.linear(l + "mlp.down_proj", h, t.intermediateSize(), false);
    }
    w.add(LM + "norm.weight", h);
    if (!config.tieWordEmbeddings()) {
      w.add(LM_HEAD, t.vocabSize(), h);
    }
    return w;
  }

  /** The parsed config. */
  public OnevisionConfig config() {
    return config;
  }

  /** The image processing. */
  public AnyresImages images() {
    return images;
  }

  @Override
  public String modelType() {
    return "llava_onevision";
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
    if (pad != null && pad >= 0 && pad < vocabSize() && pad != config.imageTokenId() && pad != config.videoTokenId()) {
      return pad;
    }
    return 0;
  }

  @Override
  public HookPointCatalog catalog() {
    return catalog;
  }

  @Override
  public int width(HookPoint point) {
    return point.component() == HookPoint.Component.VISION ? config.vision().hiddenSize() : hiddenSize();
  }

  @Override
  public int heads(HookPoint.Component component) {
    return component == HookPoint.Component.VISION
        ? config.vision().numAttentionHeads() : config.text().numAttentionHeads();
  }

  @Override
  public int[] stopTokenIds() {
    return stopIds.clone();
  }

  // ------------------------------------------------------------------------------ encoding

  /** One input's tiles (or frames), feature layouts and ids. */
  private static final class OvEncoded implements Encoded {
    final int[] ids;
    final boolean video;
    final List<AnyresImages.Tiles> tiles;
    final List<float[]> frames;
    final int images;
    final int visionRows;
    final int projectorRows;

    OvEncoded(int[] ids, boolean video, List<AnyresImages.Tiles> tiles, List<float[]> frames, int images,
        int visionRows, int projectorRows) {
      this.ids = ids;
      this.video = video;
      this.tiles = tiles;
      this.frames = frames;
      this.images = images;
      this.visionRows = visionRows;
      this.projectorRows = projectorRows;
    }

    @Override
    public int[] ids() {
      return ids.clone();
    }

    @Override
    public int images() {
      return images;
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

    int tileCount() {
      return video ? frames.size() : tiles.stream().mapToInt(t -> t.pixels().size()).sum();
    }
  }

  @Override
  public Encoded encode(VlmInput input, Tokenization tokenization) {
    int[] ids = tokenization.ids();
    int token = input.isVideo() ? config.videoTokenId() : config.imageTokenId();
    int count = 0;
    for (int id : ids) {
      if (id < 0 || id >= vocabSize()) {
        throw new IllegalArgumentException("token id " + id + " is outside the vocabulary of " + vocabSize());
      }
      if (id == token) {
        count++;
      }
    }
    int patches = config.vision().patches();
    List<AnyresImages.Tiles> tiles = new ArrayList<>();
    List<float[]> frames = new ArrayList<>();
    int features = 0;
    int tileCount = 0;
    int n = input.images().size();
    for (RgbImage img : input.images()) {
      if (input.isVideo()) {
        frames.add(images.frame(img));
        features += images.frameTokens();
        tileCount++;
      } else {
        AnyresImages.Tiles t = images.tiles(img, n == 1);
        tiles.add(t);
        features += images.tokens(t);
        tileCount += t.pixels().size();
      }
    }
    if (input.isVideo() && n > 0) {
      features++;
    }
    if (features != count) {
      throw new IllegalArgumentException(
          "Image features and image tokens do not match: tokens: " + count + ", features: " + features);
    }
    return new OvEncoded(ids, input.isVideo(), tiles, frames, n, tileCount * patches, features);
  }

  @Override
  public Encoded withTokens(Encoded encoded, int[] appended) {
    OvEncoded e = (OvEncoded) encoded;
    int[] ids = Arrays.copyOf(e.ids, e.ids.length + appended.length);
    System.arraycopy(appended, 0, ids, e.ids.length, appended.length);
    return new OvEncoded(ids, e.video, e.tiles, e.frames, e.images, e.visionRows, e.projectorRows);
  }

  /** A batch's device-side inputs. */
  private static final class OvBatch implements Batch {
    NDArray ids;
    NDArray patches;
    List<OvEncoded> inputs;
    long[] imageRows;
    NDArray cos;
    NDArray sin;
  }

  @Override
  public Batch batch(List<Encoded> inputs, int length, boolean withPixels, NDManager run) {
    int b = inputs.size();
    long[] ids = new long[b * length];
    Arrays.fill(ids, padId());
    List<Long> rows = new ArrayList<>();
    List<float[]> pixels = new ArrayList<>();
    OvBatch ob = new OvBatch();
    ob.inputs = new ArrayList<>();
    for (int s = 0; s < b; s++) {
      OvEncoded e = (OvEncoded) inputs.get(s);
      ob.inputs.add(e);
      int token = e.video ? config.videoTokenId() : config.imageTokenId();
      for (int t = 0; t < e.ids.length; t++) {
        ids[s * length + t] = e.ids[t];
        if (e.ids[t] == token && e.images > 0) {
          rows.add((long) s * length + t);
        }
      }
      if (e.video) {
        pixels.addAll(e.frames);
      } else {
        for (AnyresImages.Tiles t : e.tiles) {
          pixels.addAll(t.pixels());
        }
      }
    }
    ob.ids = run.create(ids, new Shape(b, length));
    ob.imageRows = rows.stream().mapToLong(Long::longValue).toArray();
    NDList tables = Ops.rotaryTables(run, length, config.text().headDim(), config.text().ropeTheta(), dataType);
    ob.cos = tables.get(0);
    ob.sin = tables.get(1);
    if (withPixels && !pixels.isEmpty()) {
      SiglipConfig v = config.vision();
      int per = 3 * v.imageSize() * v.imageSize();
      float[] all = new float[pixels.size() * per];
      for (int i = 0; i < pixels.size(); i++) {
        System.arraycopy(pixels.get(i), 0, all, i * per, per);
      }
      float[] patchRows = SiglipTower.patchRows(all, pixels.size(), 3, v.imageSize(), v.patchSize());
      ob.patches = run.create(patchRows, new Shape(pixels.size(), v.patches(), 3L * v.patchSize() * v.patchSize()));
    }
    return ob;
  }

  /** The packed features {@code [rows, hidden]} of a batch's images and videos; visits {@code projector.out}. */
  private NDArray imageFeatures(OvBatch ob, ForwardTap tap) {
    NDArray x = tower.forward(ob.patches, tap);
    NDArray y = Ops.linear(Ops.activation(config.projectorAct(), Ops.linear(x, projector[0], projector[1])),
        projector[2], projector[3]); // [N, P, H]
    int side = config.vision().side();
    long h = hiddenSize();
    NDArray nl = newline.toType(y.getDataType(), false);
    NDList parts = new NDList();
    int at = 0;
    for (OvEncoded e : ob.inputs) {
      if (e.video) {
        int f = e.frames.size();
        NDArray frames = y.get(at + ":" + (at + f)).reshape(f, side, side, h).transpose(0, 3, 1, 2);
        int p = (side + 1) / 2;
        NDArray pooled = bilinear(frames, p, p); // [F, H, p, p]
        parts.add(pooled.transpose(0, 2, 3, 1).reshape((long) f * p * p, h));
        parts.add(nl.reshape(1, h));
        at += f;
        continue;
      }
      for (AnyresImages.Tiles t : e.tiles) {
        int n = t.pixels().size();
        parts.add(y.get(at));
        if (!t.anyres()) {
          parts.add(nl.reshape(1, h));
        } else {
          int gh = t.gridH();
          int gw = t.gridW();
          NDArray grid = y.get((at + 1) + ":" + (at + n)).reshape(gh, gw, side, side, h)
              .transpose(4, 0, 2, 1, 3).reshape(h, (long) gh * side, (long) gw * side);
          int[] l = images.featureLayout(t);
          grid = grid.get(":, " + l[0] + ":" + l[1] + ", " + l[2] + ":" + l[3]);
          if (l[4] != l[1] - l[0] || l[5] != l[3] - l[2]) {
            grid = bilinear(grid.expandDims(0), l[4], l[5]).squeeze(0);
          }
          NDArray column = nl.reshape(h, 1, 1).broadcast(new Shape(h, l[4], 1));
          NDArray withNewline = NDArrays.concat(new NDList(grid, column), 2); // [H, oh, ow + 1]
          parts.add(withNewline.reshape(h, (long) l[4] * (l[5] + 1)).transpose());
        }
        at += n;
      }
    }
    NDArray packed = NDArrays.concat(parts, 0);
    return tap.visit(HookPoint.projectorOut(), packed.expandDims(0)).squeeze(0);
  }

  /**
   * PyTorch's {@code interpolate(mode="bilinear", align_corners=False)} of {@code [N, C, h, w]} to
   * {@code [N, C, oh, ow]}, as two interpolation matrices.
   */
  private static NDArray bilinear(NDArray x, int oh, int ow) {
    Shape s = x.getShape();
    int h = (int) s.get(2);
    int w = (int) s.get(3);
    NDManager m = x.getManager();
    NDArray ry = m.create(weights(h, oh), new Shape(oh, h)).toType(x.getDataType(), false);
    NDArray rx = m.create(weights(w, ow), new Shape(ow, w)).toType(x.getDataType(), false);
    return ry.matMul(x).matMul(rx.transpose());
  }

  /** The {@code [out, in]} weights of a linear resampling with half-pixel centres. */
  private static float[] weights(int in, int out) {
    float scale = (float) in / out;
    float[] r = new float[out * in];
    for (int i = 0; i < out; i++) {
      float src = Math.max(scale * (i + 0.5f) - 0.5f, 0f);
      int i0 = Math.min((int) src, in - 1);
      int i1 = Math.min(i0 + 1, in - 1);
      float l1 = src - i0;
      r[i * in + i0] += 1f - l1;
      r[i * in + i1] += l1;
    }
    return r;
  }

  @Override
  public NDArray embed(Batch batch, ForwardTap tap) {
    OvBatch ob = (OvBatch) batch;
    Shape s = ob.ids.getShape();
    long h = hiddenSize();
    NDArray emb = Embedding.embedding(ob.ids, embedTokens, SparseFormat.DENSE).singletonOrThrow();
    NDArray f = ob.patches == null ? null : imageFeatures(ob, tap);
    long features = f == null ? 0 : f.getShape().get(0);
    if (features != ob.imageRows.length) {
      throw new IllegalArgumentException(
          "Image features and image tokens do not match: tokens: " + ob.imageRows.length + ", features: " + features);
    }
    if (f != null) {
      emb = Ops.replaceRows(emb.reshape(s.get(0) * s.get(1), h), ob.imageRows, f).reshape(s.get(0), s.get(1), h);
    }
    return tap.visit(HookPoint.lmResid(0), emb);
  }

  @Override
  public void encodeImages(Batch batch, ForwardTap tap) {
    OvBatch ob = (OvBatch) batch;
    if (ob.patches != null) {
      imageFeatures(ob, tap);
    }
  }

  @Override
  public NDArray decode(NDArray hidden, int from, int to, Batch batch, KvCache cache, ForwardTap tap) {
    if (from < 0 || to < from || to > layers.length) {
      throw new IllegalArgumentException("decoder blocks " + from + ".." + to + " outside 0.." + layers.length);
    }
    if (from == to) {
      return hidden;
    }
    OvBatch ob = (OvBatch) batch;
    int t = (int) hidden.getShape().get(1);
    int past = cache == null ? 0 : cache.length();
    NDArray mask = past == 0 ? Ops.causalMask(hidden.getManager(), t)
        : t == 1 ? null : Ops.causalMask(hidden.getManager(), past + t).get(past + ":, :");
    NDArray x = hidden;
    for (int l = from + 1; l <= to; l++) {
      final int layer = l;
      x = Ops.scoped(x, in -> LlamaBlock.forward(
          layers[layer - 1], settings, lmPoints[layer], layer, in, ob.cos, ob.sin, mask, cache, tap));
    }
    return x;
  }

  @Override
  public Batch extend(Batch batch, int token, int position, NDManager run) {
    OvBatch ob = new OvBatch();
    ob.ids = run.create(new long[] {token}, new Shape(1, 1));
    ob.imageRows = new long[0];
    ob.inputs = List.of();
    NDList tables =
        Ops.rotaryTables(run, position + 1, config.text().headDim(), config.text().ropeTheta(), dataType);
    ob.cos = tables.get(0).get(position + ":");
    ob.sin = tables.get(1).get(position + ":");
    return ob;
  }

  @Override
  public NDArray logits(NDArray hidden) {
    return Ops.linear(Ops.rmsNorm(hidden, finalNorm, (float) config.text().rmsNormEps()), lmHead, null);
  }

  @Override
  public Map<String, NDArray> weights() {
    return weights;
  }

  @Override
  public String toString() {
    return "OnevisionArchitecture[" + layers.length + " layers, " + dataType + "]";
  }
}
