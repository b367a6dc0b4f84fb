package io.github.vlmlens.hooks.internal.qwen2vl;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.vlmlens.core.HookedVlm;
import io.github.vlmlens.hooks.LoadOptions;
import io.github.vlmlens.hooks.internal.model.FamilyProvider;
import io.github.vlmlens.hooks.internal.model.HookedModel;
import java.nio.file.Path;
import java.util.Set;

/** Loads Qwen2-VL ({@code qwen2_vl}) and Qwen2.5-VL ({@code qwen2_5_vl}) checkpoints. */
public final class Qwen2VlProvider implements FamilyProvider {
  /** For {@link java.util.ServiceLoader}. */
  public Qwen2VlProvider() {}

  @Override
  public Set<String> modelTypes() {
    return Set.of(Qwen2VlConfig.QWEN2_VL, Qwen2VlConfig.QWEN2_5_VL);
  }

  @Override
  public HookedVlm load(Path checkpointDir, JsonNode config, LoadOptions options) {
    Qwen2VlArchitecture arch = Qwen2VlArchitecture.load(checkpointDir, config, options);
    try {
      return new HookedModel(arch, checkpointDir.getFileName().toString(), options.maxBatchSize());
    } catch (RuntimeException e) {
      arch.close();
      throw e;
    }
  }
}
