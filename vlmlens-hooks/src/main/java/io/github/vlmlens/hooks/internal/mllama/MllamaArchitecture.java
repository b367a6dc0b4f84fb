package io.github.vlmlens.hooks.internal.mllama;

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
 * Llama-3.2-Vision ({@code mllama}) behind the runner's {@link Architecture} seam. See the package
 * documentation for the hook points and what an image is in the token sequence.
 */
public final class MllamaArchitecture extends TokenizedArchitecture {
  /** The Instruct chat template's rendering of one user message holding an image and the question. */
  public static final String TEMPLATE =
      "<|begin_of_text|><|start_header_id|>user<|end_header_id|>\n\n" + VlmInput.IMAGE_PLACEHOLDER
          + "{question}<|eot_id|><|start_header_id|>assistant<|end_header_id|>\n\n";
  /** Hugging Face's {@code torch.finfo(float32).min}, the masked value of every additive mask. */
  private static final float MIN = -Float.MAX_VALUE;

  /** The tensors as loaded (redrawn for the random-init baseline), for the fingerprint. */
  private final Map<String, NDArray> weights;
  private final Path dir;
  private final MllamaConfig config;
  private final MllamaImageProcessor processor;
  private final String bosText;
  private final MllamaNetwork network;
  private final HookPointCatalog catalog;
  private final long padId;
  private final float[] invFreq;

  private MllamaArchitecture(
      Path dir, MllamaConfig config, MllamaImageProcessor processor, LlavaTokenizer tokenizer, String bosText,
      NDManager manager, DataType dataType, Map<String, NDArray> params, PromptFormat format) {
    super(tokenizer, manager, dataType, format);
    this.weights = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(params));
    this.dir = dir;
    this.config = config;
    this.processor = processor;
    this.bosText = bosText;
    this.network = new MllamaNetwork(config, params, dataType);
    int depth = config.vision().numHiddenLayers() + config.vision().numGlobalLayers();
    this.catalog = new HookPointCatalog(network.hookPoints(), config.text().numHiddenLayers(), depth, depth);
    Integer pad = config.text().padTokenId();
    this.padId = pad != null && pad >= 0 && pad < config.text().vocabSize() + 8 ? pad : 0;
    MllamaConfig.Text t = config.text();
    this.invFreq = MllamaRope.inverseFrequencies(t.headDim(), t.ropeTheta(), t.llama3());
  }

  /**
   * Loads a checkpoint directory.
   *
   * @throws CheckpointException naming the file and key or tensor at fault
   */
  public static MllamaArchitecture load(Path dir, JsonNode configJson, LoadOptions options) {
    Objects.requireNonNull(dir, "dir");
    Path configFile = dir.resolve("config.json");
    MllamaConfig config = MllamaConfig.parse(configJson, configFile.toString());
    MllamaImageProcessor processor = MllamaImageProcessor.read(dir);
    MllamaConfig.Vision v = config.vision();
    if (processor.tileSize() != v.imageSize()) {
      throw new CheckpointException("checkpoint " + dir + ": the image processor's tile size " + processor.tileSize()
          + " differs from config.json's vision_config.image_size " + v.imageSize());
    }
    if (processor.maxTiles() != v.maxNumTiles()) {
      throw new CheckpointException("checkpoint " + dir + ": the image processor's max_image_tiles "
          + processor.maxTiles() + " differs from config.json's vision_config.max_num_tiles " + v.maxNumTiles());
    }
    List<int[]> ratios = MllamaImageProcessor.supportedAspectRatios(v.maxNumTiles());
    if (!Arrays.deepEquals(ratios.toArray(new int[0][]), v.supportedAspectRatios())) {
      throw new CheckpointException(configFile + ": key 'vision_config.supported_aspect_ratios': "
          + Arrays.deepToString(v.supportedAspectRatios()) + " is not the processor's list for "
          + v.maxNumTiles() + " tiles, " + Arrays.deepToString(ratios.toArray(new int[0][])));
    }
    PromptFormat format = PromptFormat.of(options.promptTemplate().orElse(TEMPLATE));
    Path tokenizerJson = dir.resolve("tokenizer.json");
    LlavaTokenizer tokenizer = LlavaTokenizer.load(tokenizerJson, config.imageTokenId(), 1);
    return load(configFile, tokenizer, options,
        manager -> {
          if (tokenizer.vocabSize() > config.text().vocabSize() + 8) {
            throw new CheckpointException("tokenizer " + tokenizerJson + " has " + tokenizer.vocabSize()
                + " tokens but the model's embedding table has " + (config.text().vocabSize() + 8));
          }
          return MllamaNetwork.load(dir, config, manager, options.dataType());
        },
        (manager, params) -> {
          int[] bos = bosIds(configJson);
          String bosText = bos.length == 1 && bos[0] < tokenizer.vocabSize() ? tokenizer.tokenText(bos[0]) : null;
          return new MllamaArchitecture(
              dir, config, processor, tokenizer, bosText, manager, options.dataType(), params, format);
        });
  }

  /** {@code text_config.bos_token_id} (or the top level's), as a one-element array, or empty. */
  private static int[] bosIds(JsonNode config) {
    for (JsonNode n : new JsonNode[] {config.get("text_config"), config}) {
      if (n != null && n.has("bos_token_id") && n.get("bos_token_id").canConvertToInt()) {
        return new int[] {n.get("bos_token_id").intValue()};
      }
    }
    return new int[0];
  }

  /** The parsed config. */
  public MllamaConfig config() {
    return config;
  }

  /** The image processor. */
  public MllamaImageProcessor processor() {
    return processor;
  }

  @Override
  public String modelType() {
    return MllamaConfig.MLLAMA;
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
   * The input as {@code MllamaProcessor} sees it: {@code <|begin_of_text|>} put after the leading
   * image placeholders when the prompt does not hold it ({@code build_string_from_input}).
   */
  VlmInput withBos(VlmInput input) {
    if (input.isVideo()) {
      throw new IllegalArgumentException("video input is not supported for Llama-3.2-Vision; pass the frames as images");
    }
    String prompt = input.prompt();
    if (bosText == null || prompt.contains(bosText)) {
      return input;
    }
    String ph = VlmInput.IMAGE_PLACEHOLDER;
    int at = 0;
    while (prompt.startsWith(ph, at)) {
      at += ph.length();
    }
    return input.withPrompt(prompt.substring(0, at) + bosText + prompt.substring(at));
  }

  @Override
  public Tokenization tokenize(VlmInput input) {
    return tokenizer.tokenize(withBos(input));
  }

  @Override
  public int[] stopTokenIds() {
    return GenerationDefaults.eosTokenIds(dir);
  }

  /** One input's host-side encoding. */
  static final class MllamaEncoded implements Encoded {
    final int[] ids;
    /** Tokens of the prompt; later ones (generated) see what its last token sees. */
    final int promptLength;
    final List<MllamaImageProcessor.Processed> images;
    final int visionRows;
    final int stateRows;

    MllamaEncoded(int[] ids, int promptLength, List<MllamaImageProcessor.Processed> images, int visionRows,
        int stateRows) {
      this.ids = ids;
      this.promptLength = promptLength;
      this.images = images;
      this.visionRows = visionRows;
      this.stateRows = stateRows;
    }

    @Override
    public int[] ids() {
      return ids;
    }

    @Override
    public int images() {
      return images.size();
    }

    @Override
    public int rows(HookPoint.Component component) {
      switch (component) {
        case VISION:
          return images.size() * visionRows;
        case PROJECTOR:
          return images.size() * stateRows;
        default:
          return ids.length;
      }
    }

    /**
     * {@code get_cross_attention_token_mask}: which images each position sees, {@code [T][images]};
     * positions from the prompt's end on see what its last position sees.
     */
    boolean[][] sees(int imageTokenId) {
      int n = images.size();
      boolean[][] out = new boolean[ids.length][n];
      List<Integer> locs = new ArrayList<>();
      for (int t = 0; t < promptLength; t++) {
        if (ids[t] == imageTokenId) {
          locs.add(t);
        }
      }
      int k = Math.min(locs.size(), n);
      int[][] ranges = new int[k][];
      for (int i = 0; i < k; i++) {
        ranges[i] = new int[] {locs.get(i), i + 1 < k ? locs.get(i + 1) : promptLength};
      }
      // consecutive image tokens attend together to all the text after them
      int lastEnd = k > 0 ? ranges[k - 1][1] : 0;
      for (int i = k - 1; i >= 0; i--) {
        if (ranges[i][0] == ranges[i][1] - 1) {
          ranges[i][1] = lastEnd;
        }
        lastEnd = ranges[i][1];
      }
      for (int i = 0; i < k; i++) {
        for (int t = ranges[i][0]; t < ranges[i][1]; t++) {
          out[t][i] = true;
        }
      }
      for (int t = promptLength; t < ids.length; t++) {
        out[t] = promptLength > 0 ? out[promptLength - 1].clone() : new boolean[n];
      }
      return out;
    }
  }

  @Override
  public Encoded withTokens(Encoded encoded, int[] appended) {
    MllamaEncoded e = (MllamaEncoded) encoded;
    int[] ids = Arrays.copyOf(e.ids, e.ids.length + appended.length);
    System.arraycopy(appended, 0, ids, e.ids.length, appended.length);
    return new MllamaEncoded(ids, e.promptLength, e.images, e.visionRows, e.stateRows);
  }

  /** The processor's outputs for an image (for tests). */
  public MllamaImageProcessor.Processed process(RgbImage image) {
    return processor.process(image);
  }

  @Override
  public Encoded encode(VlmInput input, Tokenization tokenization) {
    int[] ids = tokenization.ids();
    int rows = config.text().vocabSize() + 8;
    int imageTokens = 0;
    for (int i = 0; i < ids.length; i++) {
      if (ids[i] < 0 || ids[i] >= rows) {
        throw new IllegalArgumentException(
            "token id " + ids[i] + " at position " + i + " is outside the embedding table of " + rows);
      }
      if (ids[i] == config.imageTokenId()) {
        imageTokens++;
      }
    }
    if (imageTokens != input.images().size()) {
      throw new IllegalArgumentException("the prompt has " + imageTokens + " image tokens for "
          + input.images().size() + " images");
    }
    List<MllamaImageProcessor.Processed> images = new ArrayList<>();
    for (RgbImage img : input.images()) {
      images.add(processor.process(img));
    }
    int tiles = config.vision().maxNumTiles();
    return new MllamaEncoded(ids, ids.length, images, tiles * network.paddedRows(),
        tiles * config.vision().patchesPerTile());
  }

  /** A batch's device-side inputs and the host-side cross-attention masks. */
  static final class MllamaBatch implements Batch {
    final NDArray ids;
    final NDArray cos;
    final NDArray sin;
    final NDArray mask;
    /** {@code [N, tiles, patches, 3 p p]}, or null without images. */
    final NDArray patches;
    final NDArray aspectRatioIds;
    final NDArray visionMask;
    /** Rows of the states {@code [N * stateRows + 1]} (last: zeros) each sample's keys read, {@code [B * K]}. */
    final long[] gather;
    final int keys;
    final float[] crossMask; // [B, T, K]
    final float[] rowMask; // [B, T]
    final float[] sampleMask; // [B], or null when every sample has images
    final boolean any;
    final int batch;
    final int length;
    /** The batch's images' states {@code [images * stateRows, hidden]}, once computed in this pass. */
    NDArray flat;
    /** The cross-attention states {@code [B, K, hidden]} gathered from {@link #flat}. */
    NDArray states;

    MllamaBatch(NDArray ids, NDArray cos, NDArray sin, NDArray mask, NDArray patches, NDArray aspectRatioIds,
        NDArray visionMask, long[] gather, int keys, float[] crossMask, float[] rowMask, float[] sampleMask,
        boolean any, int batch, int length) {
      this.ids = ids;
      this.cos = cos;
      this.sin = sin;
      this.mask = mask;
      this.patches = patches;
      this.aspectRatioIds = aspectRatioIds;
      this.visionMask = visionMask;
      this.gather = gather;
      this.keys = keys;
      this.crossMask = crossMask;
      this.rowMask = rowMask;
      this.sampleMask = sampleMask;
      this.any = any;
      this.batch = batch;
      this.length = length;
    }
  }

  /**
   * The inputs of a batch. The pixels are kept whenever an input has images, even when
   * {@code withPixels} is false (a run resumed from a layer): the cross-attention blocks after that
   * layer need the vision states.
   */
  @Override
  public Batch batch(List<Encoded> inputs, int length, boolean withPixels, NDManager run) {
    int b = inputs.size();
    long[] ids = new long[b * length];
    Arrays.fill(ids, padId);
    int maxImages = 0;
    int n = 0;
    for (int s = 0; s < b; s++) {
      MllamaEncoded e = (MllamaEncoded) inputs.get(s);
      if (e.ids.length > length) {
        throw new IllegalArgumentException("sequence of " + e.ids.length + " tokens exceeds the batch length " + length);
      }
      for (int t = 0; t < e.ids.length; t++) {
        ids[s * length + t] = e.ids[t];
      }
      maxImages = Math.max(maxImages, e.images.size());
      n += e.images.size();
    }
    MllamaConfig.Vision v = config.vision();
    int tiles = v.maxNumTiles();
    int perTile = v.patchesPerTile();
    int stateRows = tiles * perTile;
    int keys = maxImages * stateRows;
    float[] crossMask = new float[b * length * keys];
    float[] rowMask = new float[b * length];
    float[] sampleMask = null;
    long[] gather = new long[b * keys];
    Arrays.fill(gather, (long) n * stateRows);
    int image0 = 0;
    for (int s = 0; s < b; s++) {
      MllamaEncoded e = (MllamaEncoded) inputs.get(s);
      int imgs = e.images.size();
      if (imgs == 0 && maxImages > 0) {
        if (sampleMask == null) {
          sampleMask = new float[b];
          Arrays.fill(sampleMask, 1f);
        }
        sampleMask[s] = 0f;
      }
      for (int i = 0; i < imgs; i++) {
        for (int r = 0; r < stateRows; r++) {
          gather[s * keys + i * stateRows + r] = (long) (image0 + i) * stateRows + r;
        }
      }
      boolean[][] sees = e.sees(config.imageTokenId());
      for (int t = 0; t < length; t++) {
        int row = (s * length + t) * keys;
        boolean[] seen = t < sees.length ? sees[t] : new boolean[imgs];
        boolean anySeen = false;
        for (int i = 0; i < imgs; i++) {
          anySeen |= seen[i];
        }
        rowMask[s * length + t] = anySeen ? 1f : 0f;
        for (int i = 0; i < maxImages; i++) {
          int real = i < imgs ? e.images.get(i).tiles() : 0;
          for (int j = 0; j < tiles; j++) {
            // a row that sees no image attends to every state of its own images (HF's full-row rule)
            boolean open = i < imgs && (anySeen ? seen[i] && j < real : true);
            if (!open) {
              Arrays.fill(crossMask, row + (i * tiles + j) * perTile, row + (i * tiles + j + 1) * perTile, MIN);
            }
          }
        }
      }
      image0 += imgs;
    }
    NDArray patches = null;
    NDArray arIds = null;
    NDArray visionMask = null;
    if (n > 0) {
      patches = patches(inputs, n, run);
      long[] ar = new long[n];
      int pr = network.paddedRows();
      int rows = tiles * pr;
      float[] vm = new float[n * rows * rows];
      int k = 0;
      for (Encoded enc : inputs) {
        for (MllamaImageProcessor.Processed p : ((MllamaEncoded) enc).images) {
          ar[k] = p.aspectRatioId();
          boolean[] invalid = new boolean[rows];
          for (int r = 0; r < rows; r++) {
            invalid[r] = r / pr >= p.tiles() || r % pr >= perTile;
          }
          // _prepare_aspect_ratio_attention_mask: only padding-to-padding pairs are blocked
          for (int i = 0; i < rows; i++) {
            if (invalid[i]) {
              for (int j = 0; j < rows; j++) {
                if (invalid[j]) {
                  vm[(k * rows + i) * rows + j] = MIN;
                }
              }
            }
          }
          k++;
        }
      }
      arIds = run.create(ar);
      visionMask = run.create(vm, new Shape(n, 1, rows, rows));
    }
    NDList rot = rotary(run, 0, length);
    return new MllamaBatch(
        run.create(ids, new Shape(b, length)), rot.get(0), rot.get(1), Ops.causalMask(run, length), patches, arIds,
        visionMask, gather, keys, crossMask, rowMask, sampleMask, maxImages > 0, b, length);
  }

  /** Rotary tables {@code [length - from, d]} for positions {@code from..length-1}, with llama3 scaling. */
  private NDList rotary(NDManager run, int from, int length) {
    int half = invFreq.length;
    NDArray inv = run.create(invFreq).reshape(1, half);
    NDArray pos = run.arange(from, length, 1, DataType.INT64).toType(DataType.FLOAT32, false).reshape(length - from, 1);
    NDArray freqs = pos.mul(inv);
    NDArray emb = ai.djl.ndarray.NDArrays.concat(new NDList(freqs, freqs), 1);
    return new NDList(emb.cos().toType(dataType, false), emb.sin().toType(dataType, false));
  }

  /** The tiles' patches {@code [N, tiles, n, 3 p p]}: the Conv2d patch embedding's inputs, row-major patches. */
  private NDArray patches(List<Encoded> inputs, int images, NDManager run) {
    MllamaConfig.Vision v = config.vision();
    int s = v.imageSize();
    int p = v.patchSize();
    int g = s / p;
    int dim = 3 * p * p;
    int tiles = v.maxNumTiles();
    float[] out = new float[images * tiles * g * g * dim];
    int tile = 0;
    for (Encoded enc : inputs) {
      for (MllamaImageProcessor.Processed img : ((MllamaEncoded) enc).images) {
        for (int t = 0; t < tiles; t++, tile++) {
          int src = t * 3 * s * s;
          for (int py = 0; py < g; py++) {
            for (int px = 0; px < g; px++) {
              int row = ((tile * g + py) * g + px) * dim;
              for (int c = 0; c < 3; c++) {
                for (int y = 0; y < p; y++) {
                  System.arraycopy(img.pixels(), src + c * s * s + (py * p + y) * s + px * p, out,
                      row + (c * p + y) * p, p);
                }
              }
            }
          }
        }
      }
    }
    return run.create(out, new Shape(images, tiles, (long) g * g, dim));
  }

  /** Runs the vision tower and projector of a batch's images and keeps the per-sample states. */
  private void states(MllamaBatch b, NDManager run, ForwardTap tap) {
    NDArray y = network.visionStates(b.patches, b.aspectRatioIds, b.visionMask, tap);
    long h = config.text().hiddenSize();
    NDArray flat = y.reshape(y.getShape().get(0) * y.getShape().get(1), h);
    NDArray all = ai.djl.ndarray.NDArrays.concat(new NDList(flat, run.zeros(new Shape(1, h), flat.getDataType())), 0);
    b.flat = flat;
    b.states = all.get(run.create(b.gather)).reshape(b.batch, b.keys, h);
  }

  @Override
  public NDArray embed(Batch batch, ForwardTap tap) {
    MllamaBatch mb = (MllamaBatch) batch;
    if (mb.patches != null && mb.states == null) {
      states(mb, mb.ids.getManager(), tap);
    }
    return network.embed(mb.ids, tap);
  }

  @Override
  public void encodeImages(Batch batch, ForwardTap tap) {
    MllamaBatch mb = (MllamaBatch) batch;
    if (mb.patches != null) {
      states(mb, mb.ids.getManager(), tap);
    }
  }

  @Override
  public NDArray decode(NDArray hidden, int from, int to, Batch batch, KvCache cache, ForwardTap tap) {
    MllamaBatch mb = (MllamaBatch) batch;
    NDManager run = hidden.getManager();
    boolean crossAhead = false;
    for (int l = from + 1; l <= to; l++) {
      crossAhead |= network.isCross(l);
    }
    if (crossAhead && mb.patches != null && mb.states == null && cache == null) {
      states(mb, run, tap); // a run resumed after the vision tower
    }
    MllamaNetwork.Cross cross = null;
    if (crossAhead && mb.any) {
      int t = (int) hidden.getShape().get(1);
      cross = new MllamaNetwork.Cross(
          mb.flat,
          run.create(mb.gather),
          mb.states,
          run.create(mb.crossMask, new Shape(mb.batch, 1, t, mb.keys)),
          run.create(mb.rowMask, new Shape(mb.batch, t, 1)).toType(dataType, false),
          mb.sampleMask == null ? null : run.create(mb.sampleMask, new Shape(mb.batch, 1, 1)).toType(dataType, false),
          true);
    }
    int t = (int) hidden.getShape().get(1);
    int past = cache == null ? 0 : cache.length();
    NDArray mask = mb.mask;
    if (past > 0) {
      mask = t == 1 ? null : Ops.causalMask(run, past + t).get(past + ":, :");
    }
    return network.decode(hidden, from, to, mb.cos, mb.sin, mask, cross, cache, tap);
  }

  @Override
  public Batch extend(Batch batch, int token, int position, NDManager run) {
    MllamaBatch prompt = (MllamaBatch) batch;
    if (prompt.batch != 1) {
      throw new IllegalArgumentException("generation extends a one-sequence batch, got " + prompt.batch);
    }
    // the new token sees what the prompt's last position sees (HF repeats the mask's last row)
    int last = prompt.length - 1;
    float[] cm = Arrays.copyOfRange(prompt.crossMask, last * prompt.keys, (last + 1) * prompt.keys);
    float[] rm = {prompt.rowMask[last]};
    NDList rot = rotary(run, position, position + 1);
    return new MllamaBatch(
        run.create(new long[] {token}, new Shape(1, 1)), rot.get(0), rot.get(1), null, null, null, null,
        prompt.gather, prompt.keys, cm, rm, prompt.sampleMask, prompt.any, 1, 1);
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
    return "MllamaArchitecture[" + config + ", " + dataType + "]";
  }
}
