package io.github.vlmlens.hooks.internal.gemma3;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.vlmlens.core.HookedVlm;
import io.github.vlmlens.hooks.LoadOptions;
import io.github.vlmlens.hooks.internal.model.FamilyProvider;
import io.github.vlmlens.hooks.internal.model.HookedModel;
import java.nio.file.Path;
import java.util.Set;

/** Loads Gemma 3 checkpoints ({@code model_type} {@code gemma3}). */
public final class Gemma3Provider implements FamilyProvider {
  /** For {@link java.util.ServiceLoader}. */
  public Gemma3Provider() {}

  @Override
  public Set<String> modelTypes() {
    return Set.of("gemma3");
  }

  @Override
  public HookedVlm load(Path checkpointDir, JsonNode config, LoadOptions options) {
    Gemma3Architecture arch = Gemma3Architecture.load(checkpointDir, config, options);
    try {
      return new HookedModel(arch, checkpointDir.getFileName().toString(), options.maxBatchSize());
    } catch (RuntimeException e) {
      arch.close();
      throw e;
    }
  }
}
