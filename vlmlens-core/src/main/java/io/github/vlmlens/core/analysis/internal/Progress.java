package io.github.vlmlens.core.analysis.internal;

import java.io.PrintStream;
import java.time.Duration;
import java.util.Locale;
import java.util.function.LongSupplier;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * Progress on standard error, or nothing: a redrawn bar (with elapsed time and ETA) on a terminal;
 * where standard error is not a terminal (a log file, a pipe, CI), plain lines instead of
 * {@code \r}-joined fragments, one at the start, then at most one per {@value #LINE_SECONDS}
 * seconds or per tenth of the work, and one at the end (or at {@link #close()}, when stopped short):
 *
 * <pre>{@code
 * train-tiny: 500/5000 steps (10%), 1:40 elapsed, ETA 15:00, loss 0.4213
 * }</pre>
 *
 * <p>The ETA assumes the pace so far (units done in this run, not those resumed); the status (the
 * text after the ETA) is the latest one {@link #step(String)} gave.
 */
public final class Progress implements AutoCloseable {
  /** The shortest gap between two plain lines, unless a tenth of the work was done. */
  static final int LINE_SECONDS = 30;

  private final ProgressBar bar;
  private final PrintStream lines;
  private final LongSupplier clock;
  private final String task;
  private final String unit;
  private final int total;
  private final int startDone;
  private final long startNanos;
  private int done;
  private int lastLineDone;
  private long lastLineNanos;
  private String status = "";

  private Progress(
      ProgressBar bar, PrintStream lines, LongSupplier clock, String task, String unit, int total, int done) {
    this.bar = bar;
    this.lines = lines;
    this.clock = clock;
    this.task = task;
    this.unit = unit;
    this.total = total;
    this.done = done;
    this.startDone = done;
    this.lastLineDone = done;
    this.startNanos = clock.getAsLong();
    this.lastLineNanos = startNanos;
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
    return start(on, task, "samples", total, done);
  }

  /** As {@link #start(boolean, String, int, int)}, counting {@code unit} (e.g. {@code steps}). */
  public static Progress start(boolean on, String task, String unit, int total, int done) {
    if (!on) {
      return new Progress(null, null, System::nanoTime, task, unit, total, done);
    }
    PrintStream err = System.err;
    boolean terminal = System.console() != null && !"lines".equals(System.getProperty("vlmlens.progress"));
    if (!terminal) {
      return lines(err, System::nanoTime, task, unit, total, done);
    }
    ProgressBar bar =
        new ProgressBarBuilder()
            .setTaskName(task)
            .setInitialMax(total)
            .setStyle(ProgressBarStyle.ASCII)
            .setConsumer(new ConsoleProgressBarConsumer(err))
            .setUnit(" " + unit, 1)
            .startsFrom(done, Duration.ZERO)
            .build();
    return new Progress(bar, null, System::nanoTime, task, unit, total, done);
  }

  /** Plain lines on {@code out}, timed by {@code nanoClock} (a {@link System#nanoTime()} alike). */
  public static Progress lines(PrintStream out, LongSupplier nanoClock, String task, String unit, int total, int done) {
    return new Progress(null, out, nanoClock, task, unit, total, done);
  }

  /** One more unit done. */
  public void step() {
    step(null);
  }

  /** One more unit done; {@code status} (e.g. {@code loss 0.4213}), when not null, replaces the shown one. */
  public void step(String status) {
    done++;
    if (status != null) {
      this.status = status;
    }
    if (bar != null) {
      if (status != null) {
        bar.setExtraMessage(status);
      }
      bar.step();
    }
    if (lines != null) {
      long now = clock.getAsLong();
      boolean tenth = total > 0 && (long) (done - lastLineDone) * 10 >= total;
      if (done == total || tenth || now - lastLineNanos >= LINE_SECONDS * 1_000_000_000L) {
        line();
      }
    }
  }

  private void line() {
    long now = clock.getAsLong();
    long s = (now - startNanos) / 1_000_000_000L;
    StringBuilder b = new StringBuilder(String.format(Locale.ROOT, "%s: %d/%d %s (%d%%), %s elapsed",
        task, done, total, unit, total == 0 ? 100 : 100L * done / total, clockTime(s)));
    if (done > startDone && done < total) {
      double perUnit = (now - startNanos) / 1e9 / (done - startDone);
      b.append(", ETA ").append(clockTime(Math.round(perUnit * (total - done))));
    }
    if (!status.isEmpty()) {
      b.append(", ").append(status);
    }
    lines.println(b);
    lines.flush();
    lastLineDone = done;
    lastLineNanos = now;
  }

  /** {@code m:ss}, or {@code h:mm:ss} from an hour on. */
  static String clockTime(long seconds) {
    return seconds >= 3600
        ? String.format(Locale.ROOT, "%d:%02d:%02d", seconds / 3600, seconds / 60 % 60, seconds % 60)
        : String.format(Locale.ROOT, "%d:%02d", seconds / 60, seconds % 60);
  }

  /** Ends the bar; in plain lines, a last line when units were done since the previous one. */
  @Override
  public void close() {
    if (bar != null) {
      bar.close();
    }
    if (lines != null && done > lastLineDone) {
      line();
    }
  }
}
