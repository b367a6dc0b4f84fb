package io.github.vlmlens.hooks.internal.internvl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
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
import io.github.vlmlens.hooks.internal.model.HookPointCatalog;
import io.github.vlmlens.hooks.internal.model.TokenizedArchitecture;
import io.github.vlmlens.hooks.internal.model.KvCache;
import io.github.vlmlens.hooks.internal.model.Ops;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * InternVL ({@code internvl}) behind the runner's {@link Architecture} seam. See the package
 * documentation for the hook points and the prompt format.
 */
public final class InternVlArchitecture extends TokenizedArchitecture {
  /** The chat template's rendering of one user message holding an image and the question. */
  public static final String TEMPLATE =
      "<|im_start|>user\n" + VlmInput.IMAGE_PLACEHOLDER + "\n{question}<|im_end|>\n<|im_start|>assistant\n";
  /** What the processor writes around each image's context tokens. */
  static final String START = "<img>";
  static final String END = "</img>";

  /** The tensors as loaded (redrawn for the random-init baseline), for the fingerprint. */
  private final Map<String, NDArray> weights;
  private final Path dir;
  private final InternVlConfig config;
  private final InternVlImageProcessor processor;
  private final InternVlNetwork network;
  private final HookPointCatalog catalog;
  private final long padId;

  private InternVlArchitecture(
      Path dir, InternVlConfig config, InternVlImageProcessor processor, LlavaTokenizer tokenizer,
      NDManager manager, DataType dataType, Map<String, NDArray> params, PromptFormat format) {
    super(tokenizer, manager, dataType, format);
    this.weights = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(params));
    this.dir = dir;
    this.config = config;
    this.processor = processor;
    this.network = new InternVlNetwork(config, params, dataType);
    int depth = config.vision().numHiddenLayers();
    this.catalog = new HookPointCatalog(network.hookPoints(), config.text().numHiddenLayers(), depth, depth);
    Integer pad = config.text().padTokenId();
    this.padId = pad != null && pad >= 0 && pad < config.text().vocabSize() ? pad : 0;
  }

  /**
   * Loads a checkpoint directory.
   *
   * @throws CheckpointException naming the file and key or tensor at fault
   */
  public static InternVlArchitecture load(Path dir, JsonNode configJson, LoadOptions options) {
    Objects.requireNonNull(dir, "dir");
    Path configFile = dir.resolve("config.json");
    InternVlConfig config = InternVlConfig.parse(configJson, configFile.toString());
    InternVlImageProcessor processor = InternVlImageProcessor.read(dir);
    if (processor.tileSize() != config.vision().imageSize()) {
      throw new CheckpointException("checkpoint " + dir + ": the image processor's tile size " + processor.tileSize()
          + " differs from config.json's vision_config.image_size " + config.vision().imageSize());
    }
    PromptFormat format = PromptFormat.of(options.promptTemplate().orElse(TEMPLATE));
    Path tokenizerJson = dir.resolve("tokenizer.json");
    int perTile = config.tokensPerTile();
    LlavaTokenizer tokenizer =
        LlavaTokenizer.load(tokenizerJson, config.imageTokenId(), img -> processor.tiles(img) * perTile);
    return load(configFile, tokenizer, options,
        manager -> {
          for (String s : new String[] {START, END}) {
            int[] ids = tokenizer.encode(s, false);
            if (ids.length != 1) {
              throw new CheckpointException("tokenizer " + tokenizerJson + " does not hold " + s + " as one token");
            }
          }
          if (tokenizer.vocabSize() > config.text().vocabSize()) {
            throw new CheckpointException("tokenizer " + tokenizerJson + " has " + tokenizer.vocabSize()
                + " tokens but the model's vocabulary has " + config.text().vocabSize());
          }
          return InternVlNetwork.load(dir, config, manager, options.dataType());
        },
        (manager, params) ->
            new InternVlArchitecture(dir, config, processor, tokenizer, manager, options.dataType(), params, format));
  }

  /** The parsed config. */
  public InternVlConfig config() {
    return config;
  }

  /** The image processor. */
  public InternVlImageProcessor processor() {
    return processor;
  }

  @Override
  public String modelType() {
    return InternVlConfig.INTERNVL;
  }

  @Override
  public int numLayers() {
    return config.text().numHiddenLayers();
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
    return padId;
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
    return component == HookPoint.Component.VISION ? config.vision().numHeads() : config.text().numAttentionHeads();
  }

  /**
   * The input as the processor sees it: each image placeholder wrapped in {@code <img>} and
   * {@code </img>}, as {@code InternVLProcessor} wraps each {@code <IMG_CONTEXT>}.
   */
  static VlmInput wrapped(VlmInput input) {
    if (input.isVideo()) {
      throw new IllegalArgumentException("video input is not supported for InternVL yet; pass the frames as images");
    }
    return input.withPrompt(input.prompt().replace(VlmInput.IMAGE_PLACEHOLDER, START + VlmInput.IMAGE_PLACEHOLDER + END));
  }

  @Override
  public Tokenization tokenize(VlmInput input) {
    return tokenizer.tokenize(wrapped(input));
  }

  @Override
  public int[] stopTokenIds() {
    return GenerationDefaults.eosTokenIds(dir);
  }

  /** One input's host-side encoding: ids and the pixel values of every tile of its images. */
  static final class InternVlEncoded implements Encoded {
    final int[] ids;
    final int images;
    final float[] pixels;
    final int tiles;
    final int tokensPerTile;
    final int tileRows;

    InternVlEncoded(int[] ids, int images, float[] pixels, int tiles, int tokensPerTile, int tileRows) {
      this.ids = ids;
      this.images = images;
      this.pixels = pixels;
      this.tiles = tiles;
      this.tokensPerTile = tokensPerTile;
      this.tileRows = tileRows;
    }

    @Override
    public int[] ids() {
      return ids;
    }

    @Override
    public int images() {
      return images;
    }

    @Override
    public int rows(HookPoint.Component component) {
      switch (component) {
        case VISION:
          return tiles * tileRows;
        case PROJECTOR:
          return tiles * tokensPerTile;
        default:
          return ids.length;
      }
    }
  }

  @Override
  public Encoded withTokens(Encoded encoded, int[] appended) {
    InternVlEncoded e = (InternVlEncoded) encoded;
    int[] ids = Arrays.copyOf(e.ids, e.ids.length + appended.length);
    System.arraycopy(appended, 0, ids, e.ids.length, appended.length);
    return new InternVlEncoded(ids, e.images, e.pixels, e.tiles, e.tokensPerTile, e.tileRows);
  }

  /** The pixel values {@code [tiles, 3, S, S]} of an image, flattened (for tests). */
  public float[] pixelValues(RgbImage image) {
    return processor.process(image);
  }

  @Override
  public Encoded encode(VlmInput input, Tokenization tokenization) {
    int[] ids = tokenization.ids();
    int vocab = config.text().vocabSize();
    int imageTokens = 0;
    for (int i = 0; i < ids.length; i++) {
      if (ids[i] < 0 || ids[i] >= vocab) {
        throw new IllegalArgumentException(
            "token id " + ids[i] + " at position " + i + " is outside the vocabulary of " + vocab);
      }
      if (ids[i] == config.imageTokenId()) {
        imageTokens++;
      }
    }
    List<float[]> parts = new ArrayList<>();
    int tiles = 0;
    int per = 3 * processor.tileSize() * processor.tileSize();
    for (RgbImage img : input.images()) {
      float[] px = processor.process(img);
      parts.add(px);
      tiles += px.length / per;
    }
    int features = tiles * config.tokensPerTile();
    if (features != imageTokens) {
      throw new IllegalArgumentException(
          "Image features and image tokens do not match: tokens: " + imageTokens + ", features: " + features);
    }
    float[] all = new float[tiles * per];
    int at = 0;
    for (float[] px : parts) {
      System.arraycopy(px, 0, all, at, px.length);
      at += px.length;
    }
    int g = config.vision().grid();
    return new InternVlEncoded(ids, input.images().size(), all, tiles, config.tokensPerTile(), g * g + 1);
  }

  /** A batch's device-side inputs. */
  static final class InternVlBatch implements Batch {
    final NDArray ids;
    final long[] imageRows;
    final NDArray patches;
    final NDArray cos;
    final NDArray sin;
    final NDArray mask;

    InternVlBatch(NDArray ids, long[] imageRows, NDArray patches, NDArray cos, NDArray sin, NDArray mask) {
      this.ids = ids;
      this.imageRows = imageRows;
      this.patches = patches;
      this.cos = cos;
      this.sin = sin;
      this.mask = mask;
    }
  }

  @Override
  public Batch batch(List<Encoded> inputs, int length, boolean withPixels, NDManager run) {
    int b = inputs.size();
    long[] ids = new long[b * length];
    Arrays.fill(ids, padId);
    List<Long> imageRows = new ArrayList<>();
    int tiles = 0;
    for (int s = 0; s < b; s++) {
      InternVlEncoded e = (InternVlEncoded) inputs.get(s);
      if (e.ids.length > length) {
        throw new IllegalArgumentException("sequence of " + e.ids.length + " tokens exceeds the batch length " + length);
      }
      for (int t = 0; t < e.ids.length; t++) {
        ids[s * length + t] = e.ids[t];
        if (e.ids[t] == config.imageTokenId()) {
          imageRows.add((long) s * length + t);
        }
      }
      tiles += e.tiles;
    }
    NDArray patches = withPixels && tiles > 0 ? patches(inputs, tiles, run) : null;
    NDList rot = Ops.rotaryTables(run, length, config.text().headDim(), config.text().ropeTheta(), dataType);
    long[] rows = imageRows.stream().mapToLong(Long::longValue).toArray();
    return new InternVlBatch(
        run.create(ids, new Shape(b, length)), rows, patches, rot.get(0), rot.get(1), Ops.causalMask(run, length));
  }

  /** The tiles' patches {@code [tiles, n, 3 p p]}: the Conv2d patch embedding's inputs, row-major patches. */
  private NDArray patches(List<Encoded> inputs, int tiles, NDManager run) {
    int s = processor.tileSize();
    int p = config.vision().patchSize();
    int g = s / p;
    int dim = 3 * p * p;
    float[] out = new float[tiles * g * g * dim];
    int tile = 0;
    for (Encoded enc : inputs) {
      InternVlEncoded e = (InternVlEncoded) enc;
      for (int t = 0; t < e.tiles; t++, tile++) {
        int src = t * 3 * s * s;
        for (int py = 0; py < g; py++) {
          for (int px = 0; px < g; px++) {
            int row = ((tile * g + py) * g + px) * dim;
            for (int c = 0; c < 3; c++) {
              for (int y = 0; y < p; y++) {
                System.arraycopy(
                    e.pixels, src + c * s * s + (py * p + y) * s + px * p, out, row + (c * p + y) * p, p);
              }
            }
          }
        }
      }
    }
    return run.create(out, new Shape(tiles, (long) g * g, dim));
  }

  @Override
  public NDArray embed(Batch batch, ForwardTap tap) {
    InternVlBatch ib = (InternVlBatch) batch;
    NDArray features = ib.patches == null ? null : network.imageFeatures(ib.patches, tap);
    long n = features == null ? 0 : features.getShape().get(0);
    if (n != ib.imageRows.length) {
      throw new IllegalArgumentException(
          "Image features and image tokens do not match: tokens: " + ib.imageRows.length + ", features: " + n);
    }
    return network.embed(ib.ids, ib.imageRows, features, tap);
  }

  @Override
  public void encodeImages(Batch batch, ForwardTap tap) {
    InternVlBatch ib = (InternVlBatch) batch;
    if (ib.patches != null) {
      network.imageFeatures(ib.patches, tap);
    }
  }

  @Override
  public NDArray decode(NDArray hidden, int from, int to, Batch batch, KvCache cache, ForwardTap tap) {
    InternVlBatch ib = (InternVlBatch) batch;
    int t = (int) hidden.getShape().get(1);
    int past = cache == null ? 0 : cache.length();
    NDArray mask = ib.mask;
    if (past > 0) {
      mask = t == 1 ? null : Ops.causalMask(hidden.getManager(), past + t).get(past + ":, :");
    }
    return network.decode(hidden, from, to, ib.cos, ib.sin, mask, cache, tap);
  }

  @Override
  public Batch extend(Batch batch, int token, int position, NDManager run) {
    NDList rot = Ops.rotaryTables(run, position + 1, config.text().headDim(), config.text().ropeTheta(), dataType);
    return new InternVlBatch(
        run.create(new long[] {token}, new Shape(1, 1)), new long[0], null, rot.get(0).get(position + ":"),
        rot.get(1).get(position + ":"), null);
  }

  @Override
  public NDArray logits(NDArray hidden) {
    return network.logits(hidden);
  }

  @Override
  public Map<String, NDArray> weights() {
    return weights;
  }

  @Override
  public void close() {
    network.close();
    super.close();
  }

  @Override
  public String toString() {
    return "InternVlArchitecture[" + config + ", " + dataType + "]";
  }
}
