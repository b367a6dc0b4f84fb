package io.github.vlmlens.core.analysis;

import io.github.vlmlens.core.API;
import io.github.vlmlens.core.analysis.internal.Progress;

/**
 * The progress bar every vlmlens analysis shows on standard error (the swap experiment's), or a
 * silent stand-in when switched off. Close it when the task ends.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1.0")
public final class TaskProgress implements AutoCloseable {
  private final Progress progress;

  private TaskProgress(Progress progress) {
    this.progress = progress;
  }

  /**
   * A bar named {@code task} over {@code total} units, {@code done} of which are already finished
   * (for example resumed from a {@link RunJournal}); silent when {@code on} is false.
   */
  public static TaskProgress start(boolean on, String task, int total, int done) {
    return new TaskProgress(Progress.start(on, task, total, done));
  }

  /** One more unit done. */
  public void step() {
    progress.step();
  }

  @Override
  public void close() {
    progress.close();
  }
}
