package io.github.vlmlens.spatial.steer;

import io.github.vlmlens.core.API;
import io.github.vlmlens.core.analysis.RunJournal;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Objects;

/** Writes and reads {@link SteeringResult}s: JSON, an HTML report and a terminal summary. */
@API(status = API.Status.EXPERIMENTAL, since = "0.1.0")
public final class SteeringReport {
  /** The JSON file {@link #writeAll} writes. */
  public static final String JSON_FILE = "result.json";
  /** The HTML file {@link #writeAll} writes. */
  public static final String HTML_FILE = "report.html";

  private SteeringReport() {}

  /**
   * Writes the result as indented JSON.
   *
   * @throws UncheckedIOException when the file cannot be written
   */
  public static void writeJson(SteeringResult result, Path file) {
    RunJournal.writeJson(file, Objects.requireNonNull(result, "result"));
  }

  /**
   * Reads a result written by {@link #writeJson} or by a steering run.
   *
   * @throws UncheckedIOException naming the file when it cannot be read or is not a result
   */
  public static SteeringResult readJson(Path file) {
    return RunJournal.readJson(file, SteeringResult.class);
  }

  /**
   * A self-contained HTML page: the settings, and per question axis the rates by layer with their
   * bootstrap intervals (swapped beliefs against the noise control, in-axis against cross-axis,
   * oracle accuracy) or the belief heat map of every layer.
   */
  public static String toHtml(SteeringResult result) {
    return SteerText.html(Objects.requireNonNull(result, "result")).render();
  }

  /**
   * Writes {@link #toHtml} to a file, and its charts as SVG and PNG into {@code figures/} beside it.
   *
   * @throws UncheckedIOException when the file cannot be written
   */
  public static void writeHtml(SteeringResult result, Path file) {
    SteerText.html(Objects.requireNonNull(result, "result")).write(file);
  }

  /** A plain-text table of the rates (or belief maps) by layer, for the terminal. */
  public static String summary(SteeringResult result) {
    return SteerText.summary(Objects.requireNonNull(result, "result"));
  }

  /**
   * Writes {@value #JSON_FILE} and {@value #HTML_FILE} into a directory (created if needed) and
   * returns the summary.
   *
   * @throws UncheckedIOException when a file cannot be written
   */
  public static String writeAll(SteeringResult result, Path dir) {
    writeJson(result, dir.resolve(JSON_FILE));
    writeHtml(result, dir.resolve(HTML_FILE));
    return summary(result);
  }
}
