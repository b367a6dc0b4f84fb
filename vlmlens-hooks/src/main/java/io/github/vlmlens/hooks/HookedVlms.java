package io.github.vlmlens.hooks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.github.vlmlens.core.API;
import io.github.vlmlens.core.HookedVlm;
import io.github.vlmlens.hooks.internal.model.FamilyProvider;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Loads any supported Hugging Face checkpoint directory as a {@link HookedVlm}: the family is
 * found by {@code config.json}'s {@code model_type} among the families on the class path (listed
 * through {@link ServiceLoader}, as DJL finds its engines).
 *
 * <pre>{@code
 * try (HookedVlm vlm = HookedVlms.load(Path.of("/models/Qwen2-VL-2B-Instruct"))) { ... }
 * }</pre>
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.2.0")
public final class HookedVlms {
  private static final JsonMapper MAPPER = JsonMapper.builder().build();

  private HookedVlms() {}

  /** Loads a checkpoint directory with the default options (CPU, float32). */
  public static HookedVlm load(Path checkpointDir) {
    return load(checkpointDir, LoadOptions.defaults());
  }

  /**
   * Loads a checkpoint directory of any supported family.
   *
   * @throws CheckpointException when {@code config.json} is missing or unreadable, names no or an
   *     unsupported {@code model_type} (the message lists the supported ones), or the family's
   *     loader rejects the checkpoint
   */
  public static HookedVlm load(Path checkpointDir, LoadOptions options) {
    Objects.requireNonNull(checkpointDir, "checkpointDir");
    Objects.requireNonNull(options, "options");
    Path configFile = checkpointDir.resolve("config.json");
    if (!Files.isRegularFile(configFile)) {
      throw new CheckpointException("checkpoint " + checkpointDir + " has no config.json");
    }
    JsonNode config;
    try {
      config = MAPPER.readTree(Files.readString(configFile));
    } catch (IOException e) {
      throw new CheckpointException("cannot read " + configFile + ": " + e.getMessage(), e);
    }
    if (config == null || !config.isObject()) {
      throw new CheckpointException(configFile + " is not a JSON object");
    }
    JsonNode type = config.get("model_type");
    if (type == null || !type.isTextual()) {
      throw new CheckpointException(
          configFile + " has no model_type; supported: " + supportedModelTypes());
    }
    FamilyProvider provider = providers().get(type.textValue());
    if (provider == null) {
      throw new CheckpointException(
          configFile + ": model_type '" + type.textValue() + "' is not supported; supported: "
              + supportedModelTypes());
    }
    HookedVlm vlm = provider.load(checkpointDir, config, options);
    if (vlm instanceof io.github.vlmlens.hooks.internal.model.HookedModel m) {
      m.source(checkpointDir); // for the weights fingerprint of ModelInfo
      if (options.randomInit().isPresent()) { // every family redraws at load; HookedLlava names its own
        m.markRandomInit(options.modelName(m.name()));
      }
    }
    return vlm;
  }

  /** The {@code model_type} values that load, sorted. */
  public static Set<String> supportedModelTypes() {
    return new TreeSet<>(providers().keySet());
  }

  private static Map<String, FamilyProvider> providers() {
    Map<String, FamilyProvider> out = new TreeMap<>();
    for (FamilyProvider p : ServiceLoader.load(FamilyProvider.class, HookedVlms.class.getClassLoader())) {
      for (String t : p.modelTypes()) {
        out.putIfAbsent(t, p);
      }
    }
    return out;
  }
}
