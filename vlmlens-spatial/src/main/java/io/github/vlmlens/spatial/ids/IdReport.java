package io.github.vlmlens.spatial.ids;

import io.github.vlmlens.core.API;
import io.github.vlmlens.core.analysis.RunJournal;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Objects;

/** Writes and reads {@link IdExtractionResult}s: JSON, an HTML report and a terminal summary. */
@API(status = API.Status.EXPERIMENTAL, since = "0.1.0")
public final class IdReport {
  /** The JSON file {@link #writeAll} writes. */
  public static final String JSON_FILE = "result.json";
  /** The HTML file {@link #writeAll} writes. */
  public static final String HTML_FILE = "report.html";

  private IdReport() {}

  /**
   * Writes the result as indented JSON.
   *
   * @throws UncheckedIOException when the file cannot be written
   */
  public static void writeJson(IdExtractionResult result, Path file) {
    RunJournal.writeJson(file, Objects.requireNonNull(result, "result"));
  }

  /**
   * Reads a result written by {@link #writeJson} or by an extraction.
   *
   * @throws UncheckedIOException naming the file when it cannot be read or is not a result
   */
  public static IdExtractionResult readJson(Path file) {
    return RunJournal.readJson(file, IdExtractionResult.class);
  }

  /**
   * A self-contained HTML page: settings, R^2 by layer beside the shuffled baselines, explained
   * variance, the projected ID grid of every layer, and the plain-prompt comparison.
   */
  public static String toHtml(IdExtractionResult result) {
    return IdText.html(Objects.requireNonNull(result, "result")).render();
  }

  /**
   * Writes {@link #toHtml} to a file, and its charts as SVG and PNG into {@code figures/} beside it.
   *
   * @throws UncheckedIOException when the file cannot be written
   */
  public static void writeHtml(IdExtractionResult result, Path file) {
    IdText.html(Objects.requireNonNull(result, "result")).write(file);
  }

  /** A plain-text table of the geometry by layer, for the terminal. */
  public static String summary(IdExtractionResult result) {
    return IdText.summary(Objects.requireNonNull(result, "result"));
  }

  /**
   * Writes {@value #JSON_FILE} and {@value #HTML_FILE} into a directory (created if needed) and
   * returns the summary.
   *
   * @throws UncheckedIOException when a file cannot be written
   */
  public static String writeAll(IdExtractionResult result, Path dir) {
    writeJson(result, dir.resolve(JSON_FILE));
    writeHtml(result, dir.resolve(HTML_FILE));
    return summary(result);
  }
}
