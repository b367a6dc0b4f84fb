package io.github.vlmlens.hooks.internal.model;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.vlmlens.core.HookedVlm;
import io.github.vlmlens.hooks.LoadOptions;
import java.nio.file.Path;
import java.util.Set;

/**
 * A model family the loader can find by {@code config.json}'s {@code model_type}, listed in
 * {@code META-INF/services/io.github.vlmlens.hooks.internal.model.FamilyProvider} (found with
 * {@link java.util.ServiceLoader}, the way DJL finds its engines). Adding a family touches its own
 * package and this list, nothing else.
 */
public interface FamilyProvider {
  /** The {@code model_type} values this family loads, e.g. {@code qwen2_vl}. */
  Set<String> modelTypes();

  /**
   * Loads a checkpoint directory of this family.
   *
   * @param config the parsed {@code config.json}
   * @throws io.github.vlmlens.hooks.CheckpointException naming the file and key or tensor at fault
   */
  HookedVlm load(Path checkpointDir, JsonNode config, LoadOptions options);
}
