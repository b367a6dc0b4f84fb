package io.github.vlmlens.hooks;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.github.vlmlens.core.API;
import io.github.vlmlens.core.HookPoint;
import io.github.vlmlens.hooks.internal.io.SafetensorsCheckpoint;
import io.github.vlmlens.hooks.internal.io.SafetensorsWriter;
import io.github.vlmlens.hooks.internal.model.LlavaNetwork;
import io.github.vlmlens.hooks.internal.model.TensorLayout;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;

/**
 * A LLaVA model (CLIP vision tower, projector, Llama decoder) at the DJL level, for training and
 * for users who want arrays rather than {@link HookedLlava}'s host-side results.
 *
 * <p>The forward pass reproduces Hugging Face's {@code LlavaForConditionalGeneration} and visits
 * a {@link ForwardTap} at every hook point. It is differentiable: set
 * {@code setRequiresGradient(true)} on {@link #parameters()} and run it under a DJL
 * {@code GradientCollector}. Pass inputs created in a sub-manager of {@link #manager()}
 * ({@code manager().newSubManager()}): every result is attached to the manager of its input, so
 * closing that sub-manager frees a run's memory.
 *
 * <p>Parameters are keyed by their canonical Hugging Face names (the published old layout:
 * {@code language_model.model.*}, {@code language_model.lm_head.weight},
 * {@code vision_tower.vision_model.*}, {@code multi_modal_projector.*}). The vision tower's
 * {@code post_layernorm} is loaded and saved but unused, as in LLaVA; vision layers past the
 * deepest selected feature layer are loaded and saved but not run.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1.0")
public final class LlavaModel implements AutoCloseable {
  private static final String ENGINE = "PyTorch";

  private final LlavaConfig config;
  private final LoadOptions options;
  private final NDManager manager;
  private final LlavaNetwork network;
  private final Path source;

  private LlavaModel(
      LlavaConfig config, LoadOptions options, NDManager manager, Map<String, NDArray> params, Path source) {
    this.config = config;
    this.options = options;
    this.manager = manager;
    this.network = new LlavaNetwork(config, params, options.dataType(), manager);
    this.source = source;
  }

  /** Loads a checkpoint directory with the default options (CPU, float32). */
  public static LlavaModel load(Path checkpointDir) {
    return load(checkpointDir, LoadOptions.defaults());
  }

  /**
   * Loads {@code config.json} and the safetensors weights of a Hugging Face LLaVA checkpoint
   * directory (single file or sharded, old or new tensor layout).
   *
   * @throws CheckpointException naming the file and tensor when config.json is missing or bad, a
   *     tensor is missing or has the wrong shape, or the checkpoint holds tensors the config does
   *     not expect
   */
  public static LlavaModel load(Path checkpointDir, LoadOptions options) {
    Objects.requireNonNull(checkpointDir, "checkpointDir");
    Objects.requireNonNull(options, "options");
    Path configFile = checkpointDir.resolve("config.json");
    if (!Files.isRegularFile(configFile)) {
      throw new CheckpointException("checkpoint " + checkpointDir + " has no config.json");
    }
    LlavaConfig config = LlavaConfig.read(configFile);
    List<TensorLayout.Entry> layout = layout(config, configFile);
    NDManager manager = NDManager.newBaseManager(options.device(), ENGINE);
    try (SafetensorsCheckpoint ckpt = SafetensorsCheckpoint.open(checkpointDir)) {
      checkTensors(ckpt, layout, config, checkpointDir);
      Map<String, NDArray> params = new LinkedHashMap<>();
      for (TensorLayout.Entry e : layout) {
        NDArray a = ckpt.load(manager, e.name(), options.dataType(), new Shape(e.shape()));
        a.setName(e.name());
        params.put(e.name(), a);
      }
      return new LlavaModel(config, options, manager, params, checkpointDir);
    } catch (IllegalArgumentException e) {
      manager.close();
      throw new CheckpointException(configFile + ": " + e.getMessage(), e);
    } catch (RuntimeException e) {
      manager.close();
      throw e;
    }
  }

  /**
   * A model with PyTorch's default initialisation: Linear and Conv weights and biases
   * {@code U(-1/sqrt(fan_in), 1/sqrt(fan_in))} (Conv fan-in {@code channels * k * k}), token
   * embeddings, the class embedding and the vision position embeddings {@code N(0, 1)}, norm
   * weights 1 and biases 0. Deterministic: each tensor is drawn on the host by a
   * {@link java.util.Random} seeded from {@code seed} and the tensor's name, so a seed gives the
   * same weights on every machine and device.
   *
   * @throws IllegalArgumentException when the config is not supported (feature layers,
   *     activations)
   */
  public static LlavaModel initRandom(LlavaConfig config, long seed, LoadOptions options) {
    Objects.requireNonNull(config, "config");
    Objects.requireNonNull(options, "options");
    List<TensorLayout.Entry> layout = TensorLayout.of(config);
    NDManager manager = NDManager.newBaseManager(options.device(), ENGINE);
    try {
      Map<String, NDArray> params = new LinkedHashMap<>();
      for (TensorLayout.Entry e : layout) {
        NDArray host = manager.create(randomValues(e, seed), new Shape(e.shape()));
        NDArray a = host.toType(options.dataType(), false);
        if (a != host) {
          host.close();
        }
        a.setName(e.name());
        params.put(e.name(), a);
      }
      return new LlavaModel(config, options, manager, params, null);
    } catch (RuntimeException e) {
      manager.close();
      throw e;
    }
  }

  private static float[] randomValues(TensorLayout.Entry e, long seed) {
    long n = e.size();
    if (n > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("tensor " + e + " is too large to initialise on the host");
    }
    float[] v = new float[(int) n];
    switch (e.init()) {
      case ONES:
        Arrays.fill(v, 1f);
        return v;
      case ZEROS:
        return v;
      default:
        break;
    }
    Random r = new Random(seed * 0x9E3779B97F4A7C15L + e.name().hashCode());
    if (e.init() == TensorLayout.Init.NORMAL) {
      for (int i = 0; i < v.length; i++) {
        v[i] = (float) r.nextGaussian();
      }
    } else {
      double bound = 1.0 / Math.sqrt(e.fanIn());
      for (int i = 0; i < v.length; i++) {
        v[i] = (float) ((r.nextDouble() * 2 - 1) * bound);
      }
    }
    return v;
  }

  private static List<TensorLayout.Entry> layout(LlavaConfig config, Path configFile) {
    try {
      return TensorLayout.of(config);
    } catch (IllegalArgumentException e) {
      throw new CheckpointException(configFile + ": " + e.getMessage(), e);
    }
  }

  /** The safetensors dtypes a weight may be stored in. */
  private static final List<String> FLOAT_DTYPES = List.of("F16", "BF16", "F32", "F64");

  private static void checkTensors(
      SafetensorsCheckpoint ckpt, List<TensorLayout.Entry> layout, LlavaConfig config, Path dir) {
    List<String> problems = new ArrayList<>();
    Set<String> expected = new HashSet<>();
    for (TensorLayout.Entry e : layout) {
      expected.add(e.name());
      if (!ckpt.contains(e.name())) {
        problems.add(
            "missing tensor '" + e.name() + "' (expected shape " + Arrays.toString(e.shape()) + ")");
      } else {
        long[] found = ckpt.shape(e.name());
        if (!Arrays.equals(found, e.shape())) {
          problems.add(
              "tensor '" + e.name() + "' has shape " + Arrays.toString(found) + ", expected "
                  + Arrays.toString(e.shape()));
        }
        String dtype = ckpt.dtype(e.name());
        if (!FLOAT_DTYPES.contains(dtype)) {
          problems.add(
              "tensor '" + e.name() + "' has dtype " + dtype + ", expected a floating type "
                  + FLOAT_DTYPES);
        }
      }
    }
    Set<String> extra = new TreeSet<>();
    for (String n : ckpt.names()) {
      if (!expected.contains(n) && !TensorLayout.ignorable(n, config)) {
        extra.add(n);
      }
    }
    if (!extra.isEmpty()) {
      problems.add(
          extra.size() + " unexpected tensor(s) for this config: "
              + (extra.size() <= 20 ? extra.toString() : new ArrayList<>(extra).subList(0, 20) + " ..."));
    }
    if (!problems.isEmpty()) {
      int shown = Math.min(problems.size(), 20);
      throw new CheckpointException(
          "checkpoint " + dir + " does not match its config.json: "
              + String.join("; ", problems.subList(0, shown))
              + (problems.size() > shown ? "; and " + (problems.size() - shown) + " more" : "")
              + (config.defaultedKeys().isEmpty()
                  ? ""
                  : ". config.json does not set " + String.join(", ", config.defaultedKeys())
                      + " (Hugging Face's defaults were used); set them to the checkpoint's sizes"));
    }
  }

  /** The network underneath (for the backend's own use). */
  LlavaNetwork network() {
    return network;
  }

  /** The model's configuration. */
  public LlavaConfig config() {
    return config;
  }

  /** The options it was loaded or created with. */
  public LoadOptions options() {
    return options;
  }

  /** The checkpoint directory it was loaded from, or {@code null} for a model made in memory. */
  public Path source() {
    return source;
  }

  /** The parameters by canonical Hugging Face name, in checkpoint order (unmodifiable). */
  public Map<String, NDArray> parameters() {
    return network.parameters();
  }

  /** The manager owning the parameters; create each run's arrays in a sub-manager of it. */
  public NDManager manager() {
    return manager;
  }

  /** The device of the parameters. */
  public Device device() {
    return manager.getDevice();
  }

  /** The dtype of the parameters and activations. */
  public DataType dataType() {
    return options.dataType();
  }

  /** The number of decoder blocks. */
  public int numLayers() {
    return network.numLayers();
  }

  /** The number of vision encoder layers the forward pass runs (up to the deepest selected feature layer). */
  public int visionLayersRun() {
    return network.visionDepth();
  }

  /** The number of language-model positions one image fills. */
  public int imageTokensPerImage() {
    return network.imageTokensPerImage();
  }

  /** Every hook point the forward pass visits, in model order. */
  public List<HookPoint> hookPoints() {
    return network.hookPoints();
  }

  /**
   * Writes {@code config.json} and {@code model.safetensors} (every parameter, in its dtype) to a
   * directory, creating it if needed.
   *
   * @throws IOException when a file cannot be written
   */
  public void save(Path dir) throws IOException {
    Files.createDirectories(dir);
    config.write(dir.resolve("config.json"));
    SafetensorsWriter.write(
        dir.resolve(SafetensorsCheckpoint.SINGLE_FILE), parameters(), Map.of("format", "pt"));
  }

  /**
   * The full forward pass: logits {@code [B, T, vocab]}.
   *
   * @param inputIds {@code [B, T]} int64 token ids, image tokens expanded (one per image feature
   *     row)
   * @param pixelValues {@code [images, channels, size, size]} (images in batch order, then in
   *     sequence order), or {@code null} for text only
   * @param tap visited at every hook point
   * @throws IllegalArgumentException when image tokens and image features differ in number, an id
   *     is outside the vocabulary, or the pixel values have the wrong shape
   */
  public NDArray forward(NDArray inputIds, NDArray pixelValues, ForwardTap tap) {
    NDArray h = network.embed(inputIds, pixelValues, tap);
    return network.logits(network.decode(h, 0, network.numLayers(), tap));
  }

  /** The full forward pass without a tap. */
  public NDArray forward(NDArray inputIds, NDArray pixelValues) {
    return forward(inputIds, pixelValues, ForwardTap.NONE);
  }

  /**
   * The first part of the pass: the embeddings with the image features scattered in,
   * {@code lm.0.resid_post}, {@code [B, T, hidden]}. Visits the vision points,
   * {@code projector.out} and {@code lm.0.resid_post}.
   */
  public NDArray embed(NDArray inputIds, NDArray pixelValues, ForwardTap tap) {
    return network.embed(inputIds, pixelValues, tap);
  }

  /**
   * The vision tower and projector alone: image features {@code [images, image tokens, hidden]}.
   * Visits the vision points and {@code projector.out}.
   */
  public NDArray imageFeatures(NDArray pixelValues, ForwardTap tap) {
    return network.imageFeatures(pixelValues, tap);
  }

  /**
   * Decoder blocks {@code fromLayer+1..toLayer} applied to {@code hidden}
   * ({@code lm.fromLayer.resid_post}, {@code [B, T, hidden]}); returns
   * {@code lm.toLayer.resid_post}. Resume a run with {@code fromLayer > 0}, stop it early with
   * {@code toLayer < numLayers()}. Visits each computed block's points (not
   * {@code lm.fromLayer.resid_post}). Positions are {@code 0..T-1} with a causal mask, so right
   * padding leaves the real tokens exact.
   *
   * @throws IllegalArgumentException unless {@code 0 <= fromLayer <= toLayer <= numLayers()}
   */
  public NDArray decode(NDArray hidden, int fromLayer, int toLayer, ForwardTap tap) {
    return network.decode(hidden, fromLayer, toLayer, tap);
  }

  /**
   * The final RMSNorm and the language-model head (or the tied embedding): logits
   * {@code [..., vocab]} for any hidden states {@code [..., hidden]}, for example only the last
   * position's.
   */
  public NDArray logits(NDArray hidden) {
    return network.logits(hidden);
  }

  /** Frees the parameters and cached tables. */
  @Override
  public void close() {
    network.close();
    manager.close();
  }

  @Override
  public String toString() {
    return "LlavaModel[" + (source == null ? "in memory" : source) + ", " + network + "]";
  }
}
