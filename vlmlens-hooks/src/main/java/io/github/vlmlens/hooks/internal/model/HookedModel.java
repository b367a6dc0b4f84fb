package io.github.vlmlens.hooks.internal.model;

import io.github.vlmlens.core.GenerateSpec;
import io.github.vlmlens.core.Generation;
import io.github.vlmlens.core.HookPoint;
import io.github.vlmlens.core.HookedVlm;
import io.github.vlmlens.core.PromptFormat;
import io.github.vlmlens.core.RunRequest;
import io.github.vlmlens.core.RunResult;
import io.github.vlmlens.core.Tokenization;
import io.github.vlmlens.core.VlmInput;
import java.util.List;

/** Any {@link Architecture} as a {@link HookedVlm}, run by the one {@link HookedRunner}. */
public final class HookedModel implements HookedVlm {
  private final Architecture arch;
  private final HookedRunner runner;
  private volatile String name;

  /**
   * @param name the model's name for reports (usually the checkpoint folder)
   * @param maxBatch the largest batch
   */
  public HookedModel(Architecture arch, String name, int maxBatch) {
    this.arch = arch;
    this.name = name;
    this.runner = new HookedRunner(arch, maxBatch);
  }

  private volatile java.nio.file.Path source;
  private volatile io.github.vlmlens.core.ModelInfo info;

  /** Records the checkpoint directory the weights came from, for {@link #info()}'s fingerprint. */
  public void source(java.nio.file.Path checkpointDir) {
    this.source = checkpointDir;
    this.info = null;
  }

  private volatile String redrawnFingerprint;

  /**
   * Marks the model as the random-initialised baseline, whose family redrew its weights at load
   * ({@link RandomInit#applyIf}, for {@code LoadOptions.optRandomInit}), and renames it; its
   * fingerprint is then taken over the redrawn tensors.
   */
  public void markRandomInit(String newName) {
    this.redrawnFingerprint = io.github.vlmlens.hooks.internal.io.WeightsFingerprint.ofParameters(arch.weights());
    this.name = newName;
    this.info = null;
  }

  /**
   * The weights fingerprint (SHA-256 over the checkpoint's safetensors files, computed once;
   * over the parameters when they were redrawn; unknown when the source directory was not
   * recorded), dtype, device, DJL and PyTorch versions.
   */
  @Override
  public io.github.vlmlens.core.ModelInfo info() {
    io.github.vlmlens.core.ModelInfo i = info;
    if (i == null) {
      java.nio.file.Path dir = source;
      String fp = redrawnFingerprint != null ? redrawnFingerprint
          : dir == null ? null : io.github.vlmlens.hooks.internal.io.WeightsFingerprint.ofCheckpoint(dir);
      i = io.github.vlmlens.hooks.internal.io.WeightsFingerprint.info(
          name, arch.modelType(), fp, arch.dataType(), arch.manager().getDevice());
      info = i;
    }
    return i;
  }

  /** The architecture underneath. */
  public Architecture architecture() {
    return arch;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public int numLayers() {
    return arch.numLayers();
  }

  @Override
  public int hiddenSize() {
    return arch.hiddenSize();
  }

  @Override
  public List<HookPoint> hookPoints() {
    return runner.hookPoints();
  }

  @Override
  public PromptFormat promptFormat() {
    return arch.promptFormat();
  }

  @Override
  public Tokenization tokenize(VlmInput input) {
    return arch.tokenize(input);
  }

  @Override
  public int answerTokenId(String word) {
    return arch.answerTokenId(word);
  }

  @Override
  public List<RunResult> runAll(List<RunRequest> requests) {
    checkOpen();
    return FiniteCheck.check(this, runner::runAll, requests, runner.runAll(requests));
  }

  private volatile boolean closed;

  private void checkOpen() {
    if (closed) {
      throw new IllegalStateException("model '" + name + "' is closed; load it again to run it");
    }
  }

  @Override
  public Generation generate(VlmInput input, GenerateSpec spec) {
    checkOpen();
    return runner.generate(input, spec);
  }

  @Override
  public float[][] unembed(float[][] residuals) {
    return runner.unembed(residuals);
  }

  @Override
  public String tokenText(int id) {
    return runner.tokenText(id);
  }

  @Override
  public void close() {
    closed = true;
    arch.close();
  }

  @Override
  public String toString() {
    return "HookedVlm[" + arch.modelType() + ", " + name + ", " + arch.numLayers() + " blocks, "
        + arch.dataType() + "]";
  }
}
