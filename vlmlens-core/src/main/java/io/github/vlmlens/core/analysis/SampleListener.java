package io.github.vlmlens.core.analysis;

import io.github.vlmlens.core.API;

/**
 * Told of every sample a {@link SwapExperiment} finishes, after it has been written to the
 * checkpoint (when there is one). Samples taken from a checkpoint on resume are not reported. An
 * exception thrown here stops the run; what was written stays and a later run resumes from it.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1.0")
@FunctionalInterface
public interface SampleListener {
  /**
   * Called once per finished sample.
   *
   * @param sample the sample's raw values
   * @param done how many samples are finished, this one and resumed ones included
   * @param total the number of samples of the run
   */
  void sampleFinished(SwapResult.Sample sample, int done, int total);
}
