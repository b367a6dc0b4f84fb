package io.github.vlmlens.temporal.report;

import io.github.vlmlens.core.API;
import io.github.vlmlens.core.analysis.RunJournal;
import io.github.vlmlens.temporal.grid.GridResult;
import io.github.vlmlens.temporal.ids.TemporalIdResult;
import io.github.vlmlens.temporal.steer.TemporalSteerResult;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Writes the temporal results: {@value #JSON_FILE} (indented JSON, the same mapper as every vlmlens
 * result) and {@value #HTML_FILE} (a self-contained page with its plots), and returns the
 * plain-text summary.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1.0")
public final class TemporalReport {
  /** The JSON file. */
  public static final String JSON_FILE = "result.json";
  /** The HTML file. */
  public static final String HTML_FILE = "report.html";

  private TemporalReport() {}

  /** The temporal-ID page: R^2 and axis cosine by layer, projected IDs by frame, a table. */
  public static String toHtml(TemporalIdResult result) {
    return ReportPages.ids(Objects.requireNonNull(result, "result"));
  }

  /** The steering page: % flipped by layer with IDs and with noise, with intervals. */
  public static String toHtml(TemporalSteerResult result) {
    return ReportPages.steer(Objects.requireNonNull(result, "result"));
  }

  /** The grid page: axis cosine and R^2 by layer, and the projected grid of every layer. */
  public static String toHtml(GridResult result) {
    return ReportPages.grid(Objects.requireNonNull(result, "result"));
  }

  /**
   * Writes the JSON and the HTML of temporal IDs into a directory (created if needed).
   *
   * @return the summary
   * @throws UncheckedIOException when a file cannot be written
   */
  public static String writeAll(TemporalIdResult result, Path dir) {
    RunJournal.writeJson(dir.resolve(JSON_FILE), result);
    write(dir.resolve(HTML_FILE), toHtml(result));
    return result.summary();
  }

  /**
   * Writes the JSON and the HTML of a steering result.
   *
   * @return the summary
   */
  public static String writeAll(TemporalSteerResult result, Path dir) {
    RunJournal.writeJson(dir.resolve(JSON_FILE), result);
    write(dir.resolve(HTML_FILE), toHtml(result));
    return result.summary();
  }

  /**
   * Writes the JSON and the HTML of a grid.
   *
   * @return the summary
   */
  public static String writeAll(GridResult result, Path dir) {
    RunJournal.writeJson(dir.resolve(JSON_FILE), result);
    write(dir.resolve(HTML_FILE), toHtml(result));
    return result.summary();
  }

  private static void write(Path file, String text) {
    RunJournal.writeText(file, text);
  }
}
