package io.github.vlmlens.hooks.internal.onevision;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.vlmlens.core.HookedVlm;
import io.github.vlmlens.hooks.LoadOptions;
import io.github.vlmlens.hooks.internal.model.FamilyProvider;
import io.github.vlmlens.hooks.internal.model.HookedModel;
import java.nio.file.Path;
import java.util.Set;

/** Loads LLaVA-OneVision checkpoints ({@code model_type} {@code llava_onevision}). */
public final class OnevisionProvider implements FamilyProvider {
  /** For {@link java.util.ServiceLoader}. */
  public OnevisionProvider() {}

  @Override
  public Set<String> modelTypes() {
    return Set.of("llava_onevision");
  }

  @Override
  public HookedVlm load(Path checkpointDir, JsonNode config, LoadOptions options) {
    OnevisionArchitecture arch = OnevisionArchitecture.load(checkpointDir, config, options);
    try {
      return new HookedModel(arch, checkpointDir.getFileName().toString(), options.maxBatchSize());
    } catch (RuntimeException e) {
      arch.close();
      throw e;
    }
  }
}
