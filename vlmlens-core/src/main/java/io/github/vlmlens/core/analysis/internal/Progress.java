package io.github.vlmlens.core.analysis.internal;

import java.io.PrintStream;
import java.time.Duration;
import java.util.Locale;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * Progress on standard error, or nothing: a redrawn bar on a terminal; where standard error is not
 * a terminal (a log file, a pipe, CI), plain lines instead of {@code \r}-joined fragments, one at
 * the start, then at most one per {@value #LINE_SECONDS} seconds or per tenth of the work, and one
 * at the end.
 */
public final class Progress implements AutoCloseable {
  /** The shortest gap between two plain lines, unless a tenth of the work was done. */
  static final int LINE_SECONDS = 30;

  private final ProgressBar bar;
  private final PrintStream lines;
  private final String task;
  private final int total;
  private final long startNanos = System.nanoTime();
  private int done;
  private int lastLineDone;
  private long lastLineNanos = startNanos;

  private Progress(ProgressBar bar, PrintStream lines, String task, int total, int done) {
    this.bar = bar;
    this.lines = lines;
    this.task = task;
    this.total = total;
    this.done = done;
    this.lastLineDone = done;
    if (lines != null) {
      line();
    }
  }

  /**
   * A bar over {@code total} samples starting at {@code done}, or a silent one when off. Plain
   * lines when the JVM has no console or the system property {@code vlmlens.progress} is
   * {@code lines}.
   */
  public static Progress start(boolean on, String task, int total, int done) {
    if (!on) {
      return new Progress(null, null, task, total, done);
    }
    PrintStream err = System.err;
    boolean terminal = System.console() != null && !"lines".equals(System.getProperty("vlmlens.progress"));
    if (!terminal) {
      return new Progress(null, err, task, total, done);
    }
    ProgressBar bar =
        new ProgressBarBuilder()
            .setTaskName(task)
            .setInitialMax(total)
            .setStyle(ProgressBarStyle.ASCII)
            .setConsumer(new ConsoleProgressBarConsumer(err))
            .setUnit(" samples", 1)
            .startsFrom(done, Duration.ZERO)
            .build();
    return new Progress(bar, null, task, total, done);
  }

  /** One more sample done. */
  public void step() {
    done++;
    if (bar != null) {
      bar.step();
    }
    if (lines != null) {
      long now = System.nanoTime();
      boolean tenth = total > 0 && (long) (done - lastLineDone) * 10 >= total;
      if (done == total || tenth || now - lastLineNanos >= LINE_SECONDS * 1_000_000_000L) {
        line();
      }
    }
  }

  private void line() {
    long s = (System.nanoTime() - startNanos) / 1_000_000_000L;
    lines.println(String.format(Locale.ROOT, "%s: %d/%d samples (%d%%), %d:%02d elapsed",
        task, done, total, total == 0 ? 100 : 100L * done / total, s / 60, s % 60));
    lines.flush();
    lastLineDone = done;
    lastLineNanos = System.nanoTime();
  }

  @Override
  public void close() {
    if (bar != null) {
      bar.close();
    }
  }
}
