package io.github.vlmlens.hooks.internal.model;

import io.github.vlmlens.core.HookedVlm;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * The {@link Architecture} under a loaded {@link HookedVlm}, for the backend's own tools (the
 * fine-tuning engine) that need the differentiable forward pass and the parameters. A
 * {@link HookedModel} gives it directly; a public wrapper that keeps its architecture private
 * (such as {@code HookedLlava}) registers an accessor when its class is initialised.
 */
public final class ArchitectureAccess {
  private static final Map<Class<?>, Function<HookedVlm, Architecture>> BY_TYPE = new ConcurrentHashMap<>();

  private ArchitectureAccess() {}

  /** Registers how to reach the architecture of instances of {@code type}. */
  public static void register(Class<? extends HookedVlm> type, Function<HookedVlm, Architecture> accessor) {
    BY_TYPE.put(Objects.requireNonNull(type, "type"), Objects.requireNonNull(accessor, "accessor"));
  }

  /**
   * The architecture of a model loaded by this backend.
   *
   * @throws IllegalArgumentException for a model this backend did not load
   */
  public static Architecture of(HookedVlm vlm) {
    Objects.requireNonNull(vlm, "vlm");
    if (vlm instanceof HookedModel m) {
      return m.architecture();
    }
    Function<HookedVlm, Architecture> f = BY_TYPE.get(vlm.getClass());
    if (f == null) {
      throw new IllegalArgumentException(
          vlm.name() + " (" + vlm.getClass().getName() + ") was not loaded by the DJL backend; it has no architecture to train");
    }
    return f.apply(vlm);
  }
}
