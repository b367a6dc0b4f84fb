package io.github.vlmlens.hooks.internal.llava;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.vlmlens.core.HookedVlm;
import io.github.vlmlens.hooks.HookedLlava;
import io.github.vlmlens.hooks.LoadOptions;
import io.github.vlmlens.hooks.internal.model.FamilyProvider;
import java.nio.file.Path;
import java.util.Set;

/** Finds LLaVA-1.5 checkpoints ({@code model_type} {@code llava}). */
public final class LlavaProvider implements FamilyProvider {
  @Override
  public Set<String> modelTypes() {
    return Set.of("llava");
  }

  @Override
  public HookedVlm load(Path checkpointDir, JsonNode config, LoadOptions options) {
    return HookedLlava.load(checkpointDir, options);
  }
}
