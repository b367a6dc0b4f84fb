package io.github.vlmlens.hooks;

import ai.djl.Device;
import ai.djl.ndarray.types.DataType;
import io.github.vlmlens.core.API;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * How to load a model: the device, the dtype of parameters and activations, the prompt template,
 * the largest batch {@link HookedLlava#runAll} forms, and whether to redraw the weights (the
 * untrained baseline). Immutable; build with {@link #builder()}.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1.0")
public final class LoadOptions {
  private static final LoadOptions DEFAULTS = builder().build();

  private final Device device;
  private final DataType dataType;
  private final String promptTemplate;
  private final int maxBatchSize;
  private final Long randomInitSeed;

  private LoadOptions(Builder b) {
    this.randomInitSeed = b.randomInitSeed;
    this.device = b.device;
    this.dataType = b.dataType;
    this.promptTemplate = b.promptTemplate;
    this.maxBatchSize = b.maxBatchSize;
  }

  /** CPU, float32, the checkpoint's own prompt template, batches of up to 8. */
  public static LoadOptions defaults() {
    return DEFAULTS;
  }

  /** A new builder with the default settings. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder holding these settings. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.device = device;
    b.dataType = dataType;
    b.promptTemplate = promptTemplate;
    b.maxBatchSize = maxBatchSize;
    b.randomInitSeed = randomInitSeed;
    return b;
  }

  /** The device the parameters and activations live on. */
  public Device device() {
    return device;
  }

  /** The dtype of parameters and activations: float32 or float16. */
  public DataType dataType() {
    return dataType;
  }

  /** The prompt template that overrides the checkpoint's, if one was given. */
  public Optional<String> promptTemplate() {
    return Optional.ofNullable(promptTemplate);
  }

  /** The largest number of requests run in one forward pass. */
  public int maxBatchSize() {
    return maxBatchSize;
  }

  /** The seed of the redrawn weights when the model is the random-initialised baseline. */
  public OptionalLong randomInit() {
    return randomInitSeed == null ? OptionalLong.empty() : OptionalLong.of(randomInitSeed);
  }

  /**
   * The name a model loaded from {@code folder} gets: the folder's name, with
   * {@code " (random-init, seed S)"} appended for the random-initialised baseline.
   */
  public String modelName(String folder) {
    return randomInitSeed == null ? folder : folder + " (random-init, seed " + randomInitSeed + ")";
  }

  @Override
  public String toString() {
    return "LoadOptions[" + device + ", " + dataType + ", batch " + maxBatchSize
        + (promptTemplate == null ? "" : ", template \"" + promptTemplate + "\"")
        + (randomInitSeed == null ? "" : ", random-init seed " + randomInitSeed) + "]";
  }

  /** Builds {@link LoadOptions}. */
  @API(status = API.Status.EXPERIMENTAL, since = "0.1.0")
  public static final class Builder {
    private Device device = Device.cpu();
    private DataType dataType = DataType.FLOAT32;
    private String promptTemplate;
    private int maxBatchSize = 8;
    private Long randomInitSeed;

    private Builder() {}

    /** The device (default CPU). */
    public Builder optDevice(Device device) {
      this.device = Objects.requireNonNull(device, "device");
      return this;
    }

    /**
     * The dtype of parameters and activations (default float32). Checkpoints stored in bfloat16
     * load into either (bfloat16 widens to float32 exactly).
     *
     * <p>bfloat16 is refused: DJL 0.36's PyTorch engine has no bfloat16 tensor type (asking the
     * native library for one aborts the JVM), so it is rejected here, before any native call.
     *
     * @throws IllegalArgumentException for a dtype other than float32 or float16
     */
    public Builder optDataType(DataType dataType) {
      Objects.requireNonNull(dataType, "dataType");
      if (dataType == DataType.BFLOAT16) {
        throw new IllegalArgumentException(
            "dtype BFLOAT16 is not supported: DJL 0.36's PyTorch engine has no bfloat16 tensors;"
                + " use FLOAT16 or FLOAT32 (a bfloat16 checkpoint loads into either)");
      }
      if (dataType != DataType.FLOAT32 && dataType != DataType.FLOAT16) {
        throw new IllegalArgumentException(
            "dtype " + dataType + " is not supported; use FLOAT32 or FLOAT16");
      }
      this.dataType = dataType;
      return this;
    }

    /**
     * A prompt template holding {@code {question}} and {@code <image>}, overriding the one in the
     * checkpoint's {@code vlmlens.json}.
     */
    public Builder optPromptTemplate(String template) {
      this.promptTemplate = io.github.vlmlens.core.PromptFormat.of(template).template();
      return this;
    }

    /**
     * The largest number of requests run in one forward pass (default 8).
     *
     * @throws IllegalArgumentException when not positive
     */
    public Builder optMaxBatchSize(int maxBatchSize) {
      if (maxBatchSize < 1) {
        throw new IllegalArgumentException("max batch size must be >= 1, got " + maxBatchSize);
      }
      this.maxBatchSize = maxBatchSize;
      return this;
    }

    /**
     * Loads the architecture with its weights redrawn: the untrained baseline of the linearity
     * analyses. Every floating tensor except normalisation weights and biases (names with a
     * segment containing {@code norm}, or {@code ln_*}, {@code ln1}...) is replaced by seeded draws
     * from a normal distribution with that tensor's own mean and standard deviation as loaded;
     * normalisation parameters are kept as loaded. Each tensor is drawn on the host from the seed
     * and its name, so the weights are the same on every machine. The model's weights fingerprint
     * is then computed over the redrawn parameters (so it differs from the trained model's) and its
     * name gets {@code " (random-init, seed S)"}. Every family supports it: the tensors are redrawn as
     * they are loaded, before anything is derived from them.
     */
    public Builder optRandomInit(long seed) {
      this.randomInitSeed = seed;
      return this;
    }

    /** The options. */
    public LoadOptions build() {
      return new LoadOptions(this);
    }
  }
}
