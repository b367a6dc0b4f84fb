package io.github.vlmlens.core.report;

import io.github.vlmlens.core.API;
import io.github.vlmlens.core.analysis.SwapResult;
import io.github.vlmlens.core.analysis.internal.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;

/** Writes and reads {@link SwapResult}s: JSON, an HTML report and a terminal summary. */
@API(status = API.Status.EXPERIMENTAL, since = "0.1.0")
public final class SwapReport {
  /** The JSON file {@link #writeAll} writes. */
  public static final String JSON_FILE = "result.json";
  /** The HTML file {@link #writeAll} writes. */
  public static final String HTML_FILE = "report.html";

  private SwapReport() {}

  /** The result as indented JSON (the same bytes a {@code SwapExperiment} writes). */
  public static String toJson(SwapResult result) {
    return Json.pretty(Objects.requireNonNull(result, "result"));
  }

  /**
   * Writes the result as indented JSON.
   *
   * @throws UncheckedIOException when the file cannot be written
   */
  public static void writeJson(SwapResult result, Path file) {
    write(file, toJson(result));
  }

  /**
   * Reads a result written by {@link #writeJson} or by a {@code SwapExperiment}.
   *
   * @throws UncheckedIOException naming the file when it cannot be read or is not a result
   */
  public static SwapResult readJson(Path file) {
    try {
      return Json.mapper().readValue(file.toFile(), SwapResult.class);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read a swap result from " + file, e);
    }
  }

  /**
   * A self-contained HTML page: settings (provenance and configuration), sample and exclusion counts, the merging point, a plot of
   * every swap set's mean shift by layer, and per swap set a plot of the mean with its bootstrap
   * interval and a table of the statistics.
   */
  public static String toHtml(SwapResult result) {
    return SwapHtml.page(Objects.requireNonNull(result, "result")).render();
  }

  /**
   * Writes {@link #toHtml} to a file, and its charts as SVG and PNG into {@code figures/} beside it.
   *
   * @throws UncheckedIOException when the file cannot be written
   */
  public static void writeHtml(SwapResult result, Path file) {
    SwapHtml.page(Objects.requireNonNull(result, "result")).write(file);
  }

  /**
   * A short plain-text summary: counts, exclusions, a table of mean shift by layer and swap set,
   * and the merging point.
   */
  public static String summary(SwapResult result) {
    return SwapSummary.render(Objects.requireNonNull(result, "result"));
  }

  /**
   * Writes {@value #JSON_FILE} and {@value #HTML_FILE} into a directory (created if needed) and
   * returns the summary.
   *
   * @throws UncheckedIOException when a file cannot be written
   */
  public static String writeAll(SwapResult result, Path dir) {
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create " + dir, e);
    }
    writeJson(result, dir.resolve(JSON_FILE));
    writeHtml(result, dir.resolve(HTML_FILE));
    return summary(result);
  }

  private static void write(Path file, String text) {
    io.github.vlmlens.core.analysis.RunJournal.writeText(file, text);
  }
}
