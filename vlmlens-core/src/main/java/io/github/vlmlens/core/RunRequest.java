package io.github.vlmlens.core;

import java.util.Objects;

/** One run of a batch: an input and what to do with it. */
@API(status = API.Status.STABLE, since = "0.1.0")
public final class RunRequest {
  private final VlmInput input;
  private final RunSpec spec;

  private RunRequest(VlmInput input, RunSpec spec) {
    this.input = input;
    this.spec = spec;
  }

  /** A run of {@code input} under {@code spec}. */
  public static RunRequest of(VlmInput input, RunSpec spec) {
    return new RunRequest(Objects.requireNonNull(input, "input"), Objects.requireNonNull(spec, "spec"));
  }

  /** The input. */
  public VlmInput input() {
    return input;
  }

  /** The spec. */
  public RunSpec spec() {
    return spec;
  }
}
