package io.github.vlmlens.hooks.internal.qwen2vl;

import ai.djl.ndarray.NDArray;
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
import io.github.vlmlens.hooks.internal.io.ChatTemplate;
import io.github.vlmlens.hooks.internal.io.GenerationDefaults;
import io.github.vlmlens.hooks.internal.io.LlavaTokenizer;
import io.github.vlmlens.hooks.internal.model.Architecture;
import io.github.vlmlens.hooks.internal.model.HookPointCatalog;
import io.github.vlmlens.hooks.internal.model.KvCache;
import io.github.vlmlens.hooks.internal.model.Ops;
import io.github.vlmlens.hooks.internal.model.TokenizedArchitecture;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Qwen2-VL and Qwen2.5-VL behind the runner's {@link Architecture} seam.
 *
 * <p>Hook points and the Hugging Face modules they are: {@code vision.0.resid_post} the patch
 * embedding ({@code visual.patch_embed}); {@code vision.L.attn_out}, {@code vision.L.mlp_out} and
 * {@code vision.L.resid_post} block {@code L}'s ({@code visual.blocks[L-1]}) attention and MLP
 * outputs and its output; {@code projector.out} the merger ({@code visual.merger}); {@code lm.0}
 * the input embeddings with the image features scattered in; {@code lm.L.*} decoder layer
 * {@code L} ({@code language_model.layers[L-1]}). Vision and projector rows are in the
 * processor's order (merge blocks row-major, the patches of a block row-major) for Qwen2.5-VL too,
 * whose tower Hugging Face runs in window order internally.
 *
 * <p>The prompt format is {@link LoadOptions#promptTemplate()} when given, else the checkpoint's
 * chat template (rendered with Jinja) for one user message holding an image and the question —
 * for the published Qwen2-VL and Qwen2.5-VL templates {@value #SYSTEM_TEMPLATE} — else, for a
 * checkpoint without a template, that same text.
 */
public final class Qwen2VlArchitecture extends TokenizedArchitecture {
  /** The chat template's rendering with the default system prompt. */
  public static final String SYSTEM_TEMPLATE =
      "<|im_start|>system\nYou are a helpful assistant.<|im_end|>\n"
          + "<|im_start|>user\n<|vision_start|><image><|vision_end|>{question}<|im_end|>\n<|im_start|>assistant\n";
  /** The chat template's rendering without a system prompt. */
  public static final String PLAIN_TEMPLATE =
      "<|im_start|>user\n<|vision_start|><image><|vision_end|>{question}<|im_end|>\n<|im_start|>assistant\n";

  private final Qwen2VlConfig config;
  private final Qwen2VlImageProcessor processor;
  private final Qwen2VlNetwork network;
  private final HookPointCatalog catalog;
  private final float[] textInvFreq;
  private final float[] visionInvFreq;
  private final long padId;
  private final Map<String, NDArray> params;
  private Path source;
  private int[] stopIds = new int[0];

  private Qwen2VlArchitecture(
      Qwen2VlConfig config, Qwen2VlImageProcessor processor, LlavaTokenizer tokenizer, NDManager manager,
      DataType dataType, Map<String, NDArray> params, PromptFormat format) {
    super(tokenizer, manager, dataType, format);
    this.config = config;
    this.processor = processor;
    this.network = new Qwen2VlNetwork(config, params, dataType, manager);
    this.params = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(params));
    int depth = config.vision().depth();
    this.catalog = new HookPointCatalog(network.hookPoints(), network.numLayers(), depth, depth);
    this.textInvFreq = Qwen2VlRope.inverseFrequencies(config.text().ropeTheta(), config.text().headDim());
    this.visionInvFreq = Qwen2VlRope.inverseFrequencies(config.vision().ropeTheta(), config.vision().headDim() / 2);
    Integer pad = config.text().padTokenId();
    this.padId = pad != null && pad >= 0 && pad < config.text().vocabSize() ? pad : 0;
  }

  /**
   * Loads a checkpoint directory: {@code config.json} (already parsed), the safetensors weights,
   * {@code tokenizer.json} and the image processor settings.
   *
   * @throws CheckpointException naming the file and key or tensor at fault
   */
  public static Qwen2VlArchitecture load(Path dir, JsonNode configJson, LoadOptions options) {
    Objects.requireNonNull(dir, "dir");
    Objects.requireNonNull(options, "options");
    Path configFile = dir.resolve("config.json");
    Qwen2VlConfig config = Qwen2VlConfig.parse(configJson, configFile.toString());
    Qwen2VlImageProcessor processor = Qwen2VlImageProcessor.read(dir);
    Qwen2VlConfig.Vision v = config.vision();
    if (processor.patchSize() != v.patchSize()
        || processor.mergeSize() != v.spatialMergeSize()
        || processor.temporalPatchSize() != v.temporalPatchSize()) {
      throw new CheckpointException(
          "checkpoint " + dir + ": the image processor's patch_size " + processor.patchSize() + ", merge_size "
              + processor.mergeSize() + " and temporal_patch_size " + processor.temporalPatchSize()
              + " differ from config.json's vision_config (" + v.patchSize() + ", " + v.spatialMergeSize() + ", "
              + v.temporalPatchSize() + ")");
    }
    PromptFormat format =
        options.promptTemplate().isPresent()
            ? PromptFormat.of(options.promptTemplate().get())
            : ChatTemplate.read(dir)
                .flatMap(t -> t.promptFormat("<|image_pad|>"))
                .orElse(PromptFormat.of(SYSTEM_TEMPLATE));
    Path tokenizerJson = dir.resolve("tokenizer.json");
    LlavaTokenizer.VisualTokens visual =
        new LlavaTokenizer.VisualTokens(
            "", "", config.videoTokenId(),
            in -> in.isVideo()
                ? processor.videoFrameTokens(in.images())
                : in.images().stream().mapToInt(processor::imageTokens).toArray());
    LlavaTokenizer tokenizer =
        LlavaTokenizer.load(tokenizerJson, config.imageTokenId(), processor::imageTokens, visual);
    return load(configFile, tokenizer, options,
        manager -> {
          if (tokenizer.vocabSize() > config.text().vocabSize()) {
            throw new CheckpointException(
                "tokenizer " + tokenizerJson + " has " + tokenizer.vocabSize() + " tokens but the model's vocabulary has "
                    + config.text().vocabSize());
          }
          return Qwen2VlWeights.load(dir, config, manager, options.dataType());
        },
        (manager, params) -> {
          Qwen2VlArchitecture arch =
              new Qwen2VlArchitecture(config, processor, tokenizer, manager, options.dataType(), params, format);
          arch.stopIds = GenerationDefaults.eosTokenIds(dir);
          arch.source = dir;
          return arch;
        });
  }

  /** The parsed config. */
  public Qwen2VlConfig config() {
    return config;
  }

  /** The image processor. */
  public Qwen2VlImageProcessor processor() {
    return processor;
  }

  @Override
  public String modelType() {
    return config.modelType();
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
      return config.vision().width();
    }
    if (point.site() == HookPoint.Site.ATTN_Z && point.component() == HookPoint.Component.LM) {
      return config.text().numAttentionHeads() * config.text().headDim();
    }
    return config.text().hiddenSize();
  }

  @Override
  public int heads(HookPoint.Component component) {
    return component == HookPoint.Component.VISION
        ? config.vision().numHeads()
        : config.text().numAttentionHeads();
  }

  // ------------------------------------------------------------------------------ encoding

  /** One input's host-side encoding. */
  static final class QwenEncoded implements Encoded {
    final int[] ids;
    final List<Qwen2VlImageProcessor.Patches> images;
    final int[][] positions;
    final int visionRows;
    final int projectorRows;

    QwenEncoded(int[] ids, List<Qwen2VlImageProcessor.Patches> images, int[][] positions, int unit) {
      this.ids = ids;
      this.images = images;
      this.positions = positions;
      int rows = 0;
      for (Qwen2VlImageProcessor.Patches p : images) {
        rows += p.count();
      }
      this.visionRows = rows;
      this.projectorRows = rows / unit;
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
          return visionRows;
        case PROJECTOR:
          return projectorRows;
        default:
          return ids.length;
      }
    }

    /** The M-RoPE positions {@code [3][length]}. */
    int[][] positions() {
      return positions;
    }
  }

  @Override
  public Encoded encode(VlmInput input, Tokenization tokenization) {
    int[] ids = tokenization.ids();
    int vocab = config.text().vocabSize();
    int visualToken = input.isVideo() ? config.videoTokenId() : config.imageTokenId();
    int visualTokens = 0;
    for (int i = 0; i < ids.length; i++) {
      if (ids[i] < 0 || ids[i] >= vocab) {
        throw new IllegalArgumentException(
            "token id " + ids[i] + " at position " + i + " is outside the vocabulary of " + vocab);
      }
      if (ids[i] == visualToken) {
        visualTokens++;
      }
    }
    int unit = config.vision().spatialMergeSize() * config.vision().spatialMergeSize();
    List<Qwen2VlImageProcessor.Patches> images = new ArrayList<>();
    if (input.isVideo()) {
      images.add(processor.processVideo(input.images()));
    } else {
      for (RgbImage img : input.images()) {
        images.add(processor.process(img));
      }
    }
    List<int[]> grids = new ArrayList<>();
    int features = 0;
    for (Qwen2VlImageProcessor.Patches p : images) {
      grids.add(new int[] {p.t(), p.h(), p.w()});
      features += p.count() / unit;
    }
    if (features != visualTokens) {
      throw new IllegalArgumentException(
          (input.isVideo() ? "Video" : "Image") + " features and " + (input.isVideo() ? "video" : "image")
              + " tokens do not match: tokens: " + visualTokens + ", features: " + features);
    }
    // Qwen2.5-VL spaces a video's temporal patches by seconds x tokens_per_second (HF's default 2
    // fps: temporal_patch_size / 2 seconds a patch); Qwen2-VL by one.
    double[] interval =
        input.isVideo() && config.isQwen25()
            ? new double[] {config.vision().temporalPatchSize() / 2.0 * config.vision().tokensPerSecond()}
            : null;
    int[][] positions =
        Qwen2VlRope.positionIds(ids, visualToken, grids, config.vision().spatialMergeSize(), interval);
    return new QwenEncoded(ids, images, positions, unit);
  }

  /** A batch's device-side inputs. */
  static final class QwenBatch implements Batch {
    final List<QwenEncoded> inputs;
    final int length;
    final NDArray ids;
    final long[] imageRows;
    final NDArray cos;
    final NDArray sin;
    final Qwen2VlNetwork.VisionInput vision;
    /** Per sample: the M-RoPE position of sequence index {@code n} minus {@code n}, past the prompt. */
    final int[] deltas;

    QwenBatch(
        List<QwenEncoded> inputs, int length, NDArray ids, long[] imageRows, NDArray cos, NDArray sin,
        Qwen2VlNetwork.VisionInput vision, int[] deltas) {
      this.inputs = inputs;
      this.length = length;
      this.ids = ids;
      this.imageRows = imageRows;
      this.cos = cos;
      this.sin = sin;
      this.vision = vision;
      this.deltas = deltas;
    }
  }

  @Override
  public Batch batch(List<Encoded> inputs, int length, boolean withPixels, NDManager run) {
    int b = inputs.size();
    List<QwenEncoded> qs = new ArrayList<>(b);
    for (Encoded e : inputs) {
      qs.add((QwenEncoded) e);
    }
    long[] ids = new long[b * length];
    java.util.Arrays.fill(ids, padId);
    int[][] positions = new int[3][b * length];
    List<Long> imageRows = new ArrayList<>();
    int[] deltas = new int[b];
    for (int s = 0; s < b; s++) {
      QwenEncoded q = qs.get(s);
      int n = q.ids.length;
      if (n > length) {
        throw new IllegalArgumentException("sequence of " + n + " tokens exceeds the batch length " + length);
      }
      int next = 0;
      for (int t = 0; t < n; t++) {
        ids[s * length + t] = q.ids[t];
        for (int a = 0; a < 3; a++) {
          positions[a][s * length + t] = q.positions[a][t];
          next = Math.max(next, q.positions[a][t] + 1);
        }
        if (q.ids[t] == config.imageTokenId() || q.ids[t] == config.videoTokenId()) {
          imageRows.add((long) s * length + t);
        }
      }
      deltas[s] = next - n;
      for (int t = n; t < length; t++) {
        for (int a = 0; a < 3; a++) {
          positions[a][s * length + t] = next + t - n;
        }
      }
    }
    float[][] tables = Qwen2VlRope.textTables(positions, b * length, textInvFreq, config.text().mropeSection());
    int hd = config.text().headDim();
    Shape ts = new Shape(b, 1, length, hd);
    NDArray cos = run.create(tables[0], ts).toType(dataType, false);
    NDArray sin = run.create(tables[1], ts).toType(dataType, false);
    Qwen2VlNetwork.VisionInput vision = withPixels ? visionInput(qs, run) : null;
    long[] rows = imageRows.stream().mapToLong(Long::longValue).toArray();
    return new QwenBatch(qs, length, run.create(ids, new Shape(b, length)), rows, cos, sin, vision, deltas);
  }

  private Qwen2VlNetwork.VisionInput visionInput(List<QwenEncoded> inputs, NDManager run) {
    Qwen2VlConfig.Vision v = config.vision();
    int merge = v.spatialMergeSize();
    int patchDim = v.patchDim();
    int total = 0;
    int segments = 0;
    for (QwenEncoded q : inputs) {
      total += q.visionRows;
      for (Qwen2VlImageProcessor.Patches p : q.images) {
        segments += p.t();
      }
    }
    if (total == 0) {
      return null;
    }
    float[] rows = new float[total * patchDim];
    int vd = v.headDim();
    float[] cos = new float[total * vd];
    float[] sin = new float[total * vd];
    int[] segStart = new int[segments];
    int[] segLength = new int[segments];
    NDArray[] masks = v.windowSize() > 0 ? new NDArray[segments] : null;
    int windowTokens = v.windowSize() / v.patchSize() / merge;
    int at = 0;
    int seg = 0;
    for (QwenEncoded q : inputs) {
      for (Qwen2VlImageProcessor.Patches p : q.images) {
        if (p.rows().length != p.count() * patchDim) {
          throw new IllegalStateException(
              "the processor gave " + p.rows().length + " values for " + p.count() + " patches of " + patchDim);
        }
        System.arraycopy(p.rows(), 0, rows, at * patchDim, p.rows().length);
        int[] grid = {p.t(), p.h(), p.w()};
        Qwen2VlRope.visionTables(grid, merge, visionInvFreq, cos, sin, at);
        int[] windows = masks == null ? null : Qwen2VlRope.windows(grid, merge, windowTokens);
        int frame = p.h() * p.w();
        for (int t = 0; t < p.t(); t++) {
          segStart[seg] = at + t * frame;
          segLength[seg] = frame;
          if (masks != null) {
            masks[seg] = windowMask(java.util.Arrays.copyOfRange(windows, t * frame, (t + 1) * frame), run);
          }
          seg++;
        }
        at += p.count();
      }
    }
    NDArray rowArray = run.create(rows, new Shape(total, patchDim));
    NDArray cosArray = run.create(cos, new Shape(total, vd));
    NDArray sinArray = run.create(sin, new Shape(total, vd));
    return new Qwen2VlNetwork.VisionInput(rowArray, segStart, segLength, masks, cosArray, sinArray);
  }

  /** The additive mask {@code [n, n]} (float32) that keeps attention within each window. */
  private static NDArray windowMask(int[] windows, NDManager run) {
    int n = windows.length;
    NDArray w = run.create(windows);
    NDArray other = w.reshape(n, 1).eq(w.reshape(1, n)).logicalNot().toType(DataType.FLOAT32, false);
    return other.mul(Ops.scalar(other, -Float.MAX_VALUE));
  }

  @Override
  public NDArray embed(Batch batch, ForwardTap tap) {
    QwenBatch qb = (QwenBatch) batch;
    NDArray features = qb.vision == null ? null : network.imageFeatures(qb.vision, tap);
    long featureRows = features == null ? 0 : features.getShape().get(0);
    if (featureRows != qb.imageRows.length) {
      throw new IllegalArgumentException(
          "Image features and image tokens do not match: tokens: " + qb.imageRows.length + ", features: "
              + featureRows);
    }
    return network.embed(qb.ids, qb.imageRows, features, tap);
  }

  @Override
  public void encodeImages(Batch batch, ForwardTap tap) {
    QwenBatch qb = (QwenBatch) batch;
    if (qb.vision != null) {
      network.imageFeatures(qb.vision, tap);
    }
  }

  @Override
  public NDArray decode(NDArray hidden, int from, int to, Batch batch, KvCache cache, ForwardTap tap) {
    QwenBatch qb = (QwenBatch) batch;
    return network.decode(hidden, from, to, qb.cos, qb.sin, cache, tap);
  }

  @Override
  public Batch extend(Batch batch, int token, int position, NDManager run) {
    QwenBatch qb = (QwenBatch) batch;
    if (qb.deltas.length != 1) {
      throw new IllegalArgumentException("generation steps take one sequence, not " + qb.deltas.length);
    }
    int p = position + qb.deltas[0];
    int[][] positions = {{p}, {p}, {p}};
    float[][] tables = Qwen2VlRope.textTables(positions, 1, textInvFreq, config.text().mropeSection());
    Shape ts = new Shape(1, 1, 1, config.text().headDim());
    NDArray cos = run.create(tables[0], ts).toType(dataType, false);
    NDArray sin = run.create(tables[1], ts).toType(dataType, false);
    return new QwenBatch(
        qb.inputs, 1, run.create(new long[] {token}, new Shape(1, 1)), new long[0], cos, sin, null, qb.deltas);
  }

  @Override
  public int[] stopTokenIds() {
    return stopIds.clone();
  }

  @Override
  public Encoded withTokens(Encoded encoded, int[] appended) {
    QwenEncoded q = (QwenEncoded) encoded;
    int n = q.ids.length;
    int next = 0;
    for (int[] axis : q.positions) {
      for (int p : axis) {
        next = Math.max(next, p + 1);
      }
    }
    int[] ids = java.util.Arrays.copyOf(q.ids, n + appended.length);
    System.arraycopy(appended, 0, ids, n, appended.length);
    int[][] positions = new int[3][];
    for (int a = 0; a < 3; a++) {
      positions[a] = java.util.Arrays.copyOf(q.positions[a], n + appended.length);
      for (int i = 0; i < appended.length; i++) {
        positions[a][n + i] = next + i;
      }
    }
    int unit = config.vision().spatialMergeSize() * config.vision().spatialMergeSize();
    return new QwenEncoded(ids, q.images, positions, unit);
  }

  @Override
  public NDArray logits(NDArray hidden) {
    return network.logits(hidden);
  }

  @Override
  public Map<String, NDArray> parameters() {
    return params;
  }

  /**
   * Copies the source checkpoint's {@code config.json} and writes every parameter to
   * {@code model.safetensors} under its transformers-4 name. The patch embedding is read through a
   * reshaped view, so in-place updates reach the forward pass but gradients do not reach it.
   */
  @Override
  public void saveWeights(Path dir) throws java.io.IOException {
    java.nio.file.Files.createDirectories(dir);
    Path from = source.resolve("config.json");
    Path to = dir.resolve("config.json");
    if (!java.nio.file.Files.isSameFile(source, dir)) {
      java.nio.file.Files.copy(from, to, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }
    io.github.vlmlens.hooks.internal.io.SafetensorsWriter.write(
        dir.resolve("model.safetensors"), params, Map.of("format", "pt"));
  }

  @Override
  public void close() {
    network.close();
    super.close();
  }

  @Override
  public String toString() {
    return "Qwen2VlArchitecture[" + config + ", " + dataType + "]";
  }
}
