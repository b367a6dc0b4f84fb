package io.github.vlmlens.hooks.internal.internvl;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.vlmlens.core.HookedVlm;
import io.github.vlmlens.hooks.LoadOptions;
import io.github.vlmlens.hooks.internal.model.FamilyProvider;
import io.github.vlmlens.hooks.internal.model.HookedModel;
import java.nio.file.Path;
import java.util.Set;

/** Loads InternVL ({@code internvl}, the Hugging Face-native format) checkpoints. */
public final class InternVlProvider implements FamilyProvider {
  /** For {@link java.util.ServiceLoader}. */
  public InternVlProvider() {}

  @Override
  public Set<String> modelTypes() {
    return Set.of(InternVlConfig.INTERNVL);
  }

  @Override
  public HookedVlm load(Path checkpointDir, JsonNode config, LoadOptions options) {
    InternVlArchitecture arch = InternVlArchitecture.load(checkpointDir, config, options);
    try {
      return new HookedModel(arch, checkpointDir.getFileName().toString(), options.maxBatchSize());
    } catch (RuntimeException e) {
      arch.close();
      throw e;
    }
  }
}
