package io.github.vlmlens.hooks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.github.vlmlens.core.API;
import io.github.vlmlens.core.GenerateSpec;
import io.github.vlmlens.core.Generation;
import io.github.vlmlens.core.HookPoint;
import io.github.vlmlens.core.HookedVlm;
import io.github.vlmlens.core.ModelInfo;
import io.github.vlmlens.core.PromptFormat;
import io.github.vlmlens.core.RgbImage;
import io.github.vlmlens.core.RunRequest;
import io.github.vlmlens.core.RunResult;
import io.github.vlmlens.core.Tokenization;
import io.github.vlmlens.core.VlmInput;
import io.github.vlmlens.hooks.internal.io.ChatTemplate;
import io.github.vlmlens.hooks.internal.io.ImagePreprocessor;
import io.github.vlmlens.hooks.internal.io.LlavaTokenizer;
import io.github.vlmlens.hooks.internal.io.WeightsFingerprint;
import io.github.vlmlens.hooks.internal.llava.LlavaArchitecture;
import io.github.vlmlens.hooks.internal.model.HookedModel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * A LLaVA checkpoint as a {@link HookedVlm}: the whole {@link io.github.vlmlens.core.RunSpec}
 * contract (patching, steering, ablations, custom hooks, captures, answer-word readouts, resuming
 * from a cached residual stream, early stop) on a {@link LlavaModel}.
 *
 * <p>{@link #runAll} validates every request before it runs any, then batches them (up to
 * {@link LoadOptions#maxBatchSize()}, right-padded: the causal mask makes padding exact for the
 * real tokens, and readouts are taken at each sample's own last token). Interventions at a hook
 * point apply in the spec's order, captures there see the changed activation and come back as
 * float32 on the host. A spec that reads nothing out stops after the deepest layer it captures or
 * changes. Video frames are encoded as images, in time order. Each batch runs in its own
 * sub-manager, so native memory stays flat over many runs.
 *
 * <p>The prompt format comes from {@link LoadOptions#promptTemplate()}, else from
 * {@code vlmlens.json} ({@code {"prompt_template": "..."}}) in the checkpoint directory, else from
 * the checkpoint's chat template (one user turn with an image and the question, rendered with
 * Jinja), else LLaVA-1.5's {@code "USER: <image>\n{question} ASSISTANT:"}
 * ({@link #DEFAULT_TEMPLATE_TEXT}).
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1.0")
public final class HookedLlava implements HookedVlm {
  /** LLaVA-1.5's prompt template, the default. */
  public static final String DEFAULT_TEMPLATE_TEXT = "USER: <image>\n{question} ASSISTANT:";
  /** The optional file in a checkpoint directory that names its prompt template. */
  public static final String VLMLENS_JSON = "vlmlens.json";

  private static final JsonMapper MAPPER = JsonMapper.builder().build();

  private final LlavaModel model;
  private final LlavaTokenizer tokenizer;
  private final String name;
  private final LlavaArchitecture arch;
  /** Runs the architecture: the one implementation of the run contract every family shares. */
  private final HookedModel delegate;

  static {
    io.github.vlmlens.hooks.internal.model.ArchitectureAccess.register(HookedLlava.class, v -> ((HookedLlava) v).arch);
  }

  private HookedLlava(
      LlavaModel model,
      boolean ownsModel,
      LlavaTokenizer tokenizer,
      ImagePreprocessor preprocessor,
      PromptFormat format,
      String name) {
    this.model = model;
    this.tokenizer = tokenizer;
    this.name = name;
    int size = model.config().vision().imageSize();
    if (preprocessor.outputHeight() != size || preprocessor.outputWidth() != size) {
      throw new CheckpointException(
          "the preprocessor config gives " + preprocessor.outputWidth() + "x"
              + preprocessor.outputHeight() + " images but the vision tower expects " + size + "x"
              + size);
    }
    if (tokenizer.vocabSize() > model.config().text().vocabSize()) {
      throw new CheckpointException(
          "tokenizer " + tokenizer.file() + " has " + tokenizer.vocabSize()
              + " tokens but the model's vocabulary has " + model.config().text().vocabSize());
    }
    this.arch = new LlavaArchitecture(model, model.network(), ownsModel, tokenizer, preprocessor, format);
    this.delegate = new HookedModel(arch, name, model.options().maxBatchSize());
  }

  /** Loads a checkpoint directory with the default options (CPU, float32). */
  public static HookedLlava load(Path checkpointDir) {
    return load(checkpointDir, LoadOptions.defaults());
  }

  /**
   * Loads a Hugging Face LLaVA checkpoint directory: {@code config.json}, the safetensors weights
   * (transformers 4 or 5 key layout), {@code tokenizer.json}, the image processor settings
   * ({@code preprocessor_config.json}, or {@code processor_config.json} as transformers 5 writes
   * it) and, optionally, {@code vlmlens.json}.
   *
   * @throws CheckpointException naming the file (and tensor) at fault
   */
  public static HookedLlava load(Path checkpointDir, LoadOptions options) {
    Objects.requireNonNull(options, "options");
    PromptFormat format = promptFormat(checkpointDir, options);
    Path tokenizerJson = checkpointDir.resolve("tokenizer.json");
    if (!Files.isRegularFile(tokenizerJson)) {
      throw new CheckpointException("checkpoint " + checkpointDir + " has no tokenizer.json");
    }
    ImagePreprocessor pre = ImagePreprocessor.readCheckpoint(checkpointDir);
    LlavaModel model = LlavaModel.load(checkpointDir, options);
    try {
      if (options.randomInit().isPresent()) {
        io.github.vlmlens.hooks.internal.model.RandomInit.redraw(model.parameters(), options.randomInit().getAsLong());
      }
      return create(model, true, tokenizerJson, pre, format, options.modelName(checkpointDir.getFileName().toString()));
    } catch (RuntimeException e) {
      model.close();
      throw e;
    }
  }

  /**
   * Wraps a model in memory (for example one being trained). The model stays the caller's:
   * {@link #close()} frees the tokenizer, not the model.
   *
   * @throws CheckpointException when the tokenizer or preprocessor file is missing or bad, or does
   *     not fit the model
   */
  public static HookedLlava of(
      LlavaModel model, Path tokenizerJson, Path preprocessorConfigJson, PromptFormat format) {
    Objects.requireNonNull(model, "model");
    Objects.requireNonNull(format, "format");
    String name = model.source() == null ? "llava (in memory)" : model.source().getFileName().toString();
    return create(model, false, tokenizerJson, ImagePreprocessor.read(preprocessorConfigJson), format, name);
  }

  private static HookedLlava create(
      LlavaModel model, boolean owns, Path tokenizerJson, ImagePreprocessor pre, PromptFormat format, String name) {
    LlavaTokenizer tok =
        LlavaTokenizer.load(tokenizerJson, model.config().imageTokenIndex(), model.imageTokensPerImage());
    try {
      return new HookedLlava(model, owns, tok, pre, format, name);
    } catch (RuntimeException e) {
      tok.close();
      throw e;
    }
  }

  private static PromptFormat promptFormat(Path dir, LoadOptions options) {
    if (options.promptTemplate().isPresent()) {
      return PromptFormat.of(options.promptTemplate().get());
    }
    Path f = dir.resolve(VLMLENS_JSON);
    if (Files.isRegularFile(f)) {
      try {
        JsonNode root = MAPPER.readTree(Files.readString(f));
        JsonNode t = root == null ? null : root.get("prompt_template");
        if (t != null && !t.isNull()) {
          if (!t.isTextual()) {
            throw new CheckpointException(f + ": prompt_template must be a string");
          }
          return PromptFormat.of(t.asText());
        }
      } catch (IOException e) {
        throw new CheckpointException("cannot read " + f + ": " + e.getMessage(), e);
      } catch (IllegalArgumentException e) {
        throw new CheckpointException(f + ": " + e.getMessage(), e);
      }
    }
    return ChatTemplate.read(dir)
        .flatMap(t -> t.promptFormat(VlmInput.IMAGE_PLACEHOLDER))
        .orElse(PromptFormat.of(DEFAULT_TEMPLATE_TEXT));
  }

  private volatile ModelInfo info;

  /**
   * The weights fingerprint (SHA-256 over the checkpoint's safetensors files, or over the
   * parameters for a model in memory or with redrawn weights, computed once), dtype, device, DJL
   * and PyTorch versions.
   */
  @Override
  public ModelInfo info() {
    ModelInfo i = info;
    if (i == null) {
      String fp = model.source() != null && model.options().randomInit().isEmpty()
          ? WeightsFingerprint.ofCheckpoint(model.source())
          : WeightsFingerprint.ofParameters(model.parameters());
      i = WeightsFingerprint.info(name, "llava", fp, model.dataType(), model.device());
      info = i;
    }
    return i;
  }

  /** The DJL-level model underneath. */
  public LlavaModel model() {
    return model;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public int numLayers() {
    return model.numLayers();
  }

  @Override
  public int hiddenSize() {
    return model.config().text().hiddenSize();
  }

  /**
   * Every hook point, in model order: {@code vision.0} and the vision layers the pass runs (up to
   * the deepest selected feature layer), {@code projector.out}, {@code lm.0..N}.
   */
  @Override
  public List<HookPoint> hookPoints() {
    return delegate.hookPoints();
  }

  @Override
  public PromptFormat promptFormat() {
    return arch.promptFormat();
  }

  @Override
  public Tokenization tokenize(VlmInput input) {
    return tokenizer.tokenize(input);
  }

  /**
   * The pixel values this model's preprocessing makes of an image: channels first,
   * {@code [3 * size * size]} float32, as {@link LlavaModel#forward} takes them (for training
   * loops and custom passes).
   */
  public float[] pixelValues(RgbImage image) {
    return arch.preprocessor().pixelValues(image);
  }

  @Override
  public int answerTokenId(String word) {
    return tokenizer.singleTokenId(word);
  }

  @Override
  public List<RunResult> runAll(List<RunRequest> requests) {
    return delegate.runAll(requests);
  }

  @Override
  public Generation generate(VlmInput input, GenerateSpec spec) {
    return delegate.generate(input, spec);
  }

  @Override
  public float[][] unembed(float[][] residuals) {
    return delegate.unembed(residuals);
  }

  @Override
  public String tokenText(int id) {
    return delegate.tokenText(id);
  }

  /** Frees the tokenizer, and the model when this object loaded it. */
  @Override
  public void close() {
    delegate.close();
  }

  @Override
  public String toString() {
    return "HookedLlava[" + name + ", " + model.numLayers() + " blocks, " + model.dataType() + "]";
  }
}
