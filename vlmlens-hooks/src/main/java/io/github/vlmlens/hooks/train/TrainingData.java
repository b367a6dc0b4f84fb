package io.github.vlmlens.hooks.train;

import io.github.vlmlens.core.API;
import java.util.List;

/**
 * The batches of a run. {@link #batch} must be a pure function of the step (draw each step's
 * samples from a generator seeded by the run's seed and the step): a resumed run then sees exactly
 * the batches the uninterrupted one saw, and two arms of a comparison given the same data see the
 * same batches in the same order.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.2.0")
@FunctionalInterface
public interface TrainingData {
  /** The batch of step {@code step} (1-based). */
  List<TrainingExample> batch(int step);
}
