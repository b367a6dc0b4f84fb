package io.github.vlmlens.hooks.internal.mllama;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.vlmlens.core.HookedVlm;
import io.github.vlmlens.hooks.LoadOptions;
import io.github.vlmlens.hooks.internal.model.FamilyProvider;
import io.github.vlmlens.hooks.internal.model.HookedModel;
import java.nio.file.Path;
import java.util.Set;

/** Loads Llama-3.2-Vision ({@code mllama}) checkpoints. */
public final class MllamaProvider implements FamilyProvider {
  /** For {@link java.util.ServiceLoader}. */
  public MllamaProvider() {}

  @Override
  public Set<String> modelTypes() {
    return Set.of(MllamaConfig.MLLAMA);
  }

  @Override
  public HookedVlm load(Path checkpointDir, JsonNode config, LoadOptions options) {
    MllamaArchitecture arch = MllamaArchitecture.load(checkpointDir, config, options);
    try {
      return new HookedModel(arch, checkpointDir.getFileName().toString(), options.maxBatchSize());
    } catch (RuntimeException e) {
      arch.close();
      throw e;
    }
  }
}
