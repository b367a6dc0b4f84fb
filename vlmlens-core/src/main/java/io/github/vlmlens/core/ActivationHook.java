package io.github.vlmlens.core;

/** A user callback run at a hook point during the forward pass. */
@API(status = API.Status.STABLE, since = "0.1.0")
@FunctionalInterface
public interface ActivationHook {
  /** Called once per run (once per sample in a batch) with the activation at the hook point. */
  void apply(ActivationView activation);
}
