package io.github.vlmlens.core.analysis;

import io.github.vlmlens.core.API;
import io.github.vlmlens.core.analysis.internal.Progress;

/**
 * The progress bar every vlmlens analysis and training loop shows on standard error (the swap
 * experiment's), or a silent stand-in when switched off. On a terminal it is a redrawn bar with the
 * elapsed time and an ETA; elsewhere (a log file, a pipe, CI) a plain line at the start, then at
 * most one per 30 seconds or tenth of the work, and one at the end, e.g.
 * {@code train-tiny: 500/5000 steps (10%), 1:40 elapsed, ETA 15:00, loss 0.4213}. Close it when
 * the task ends.
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

  /** As {@link #start(boolean, String, int, int)}, counting {@code unit} (e.g. {@code steps}). */
  public static TaskProgress start(boolean on, String task, String unit, int total, int done) {
    return new TaskProgress(Progress.start(on, task, unit, total, done));
  }

  /** One more unit done. */
  public void step() {
    progress.step();
  }

  /** One more unit done; {@code status} (e.g. {@code loss 0.4213}) is shown after the count. */
  public void step(String status) {
    progress.step(status);
  }

  @Override
  public void close() {
    progress.close();
  }
}
