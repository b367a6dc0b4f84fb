package io.github.vlmlens.temporal.report;

import io.github.vlmlens.core.API;
import io.github.vlmlens.core.report.HtmlPage;
import io.github.vlmlens.core.analysis.RunJournal;
import io.github.vlmlens.temporal.grid.GridResult;
import io.github.vlmlens.temporal.ids.TemporalIdResult;
import io.github.vlmlens.temporal.real.RealVideoSteerResult;
import io.github.vlmlens.temporal.steer.TemporalSteerResult;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Writes the temporal results: {@value #JSON_FILE} (indented JSON, the same mapper as every vlmlens
 * result) and {@value #HTML_FILE} (a self-contained page with its plots and Settings; the plots also
 * as SVG and PNG in {@code figures/}), and returns the plain-text summary.
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
    return ReportPages.ids(Objects.requireNonNull(result, "result")).render();
  }

  /** The steering page: % flipped by layer with IDs and with noise, with intervals. */
  public static String toHtml(TemporalSteerResult result) {
    return ReportPages.steer(Objects.requireNonNull(result, "result")).render();
  }

  /** The page of steering user videos: % flipped by layer with IDs and with noise, the warnings. */
  public static String toHtml(RealVideoSteerResult result) {
    return realSteer(Objects.requireNonNull(result, "result")).render();
  }

  /**
   * Writes the HTML of steering user videos beside the {@value #JSON_FILE} the run wrote.
   *
   * @return the summary
   */
  public static String writeHtml(RealVideoSteerResult result, Path dir) {
    realSteer(Objects.requireNonNull(result, "result")).write(dir.resolve(HTML_FILE));
    return result.summary();
  }

  /** The grid page: axis cosine and R^2 by layer, and the projected grid of every layer. */
  public static String toHtml(GridResult result) {
    return ReportPages.grid(Objects.requireNonNull(result, "result")).render();
  }

  /**
   * Writes the JSON and the HTML of temporal IDs into a directory (created if needed).
   *
   * @return the summary
   * @throws UncheckedIOException when a file cannot be written
   */
  public static String writeAll(TemporalIdResult result, Path dir) {
    RunJournal.writeJson(dir.resolve(JSON_FILE), result);
    ReportPages.ids(result).write(dir.resolve(HTML_FILE));
    return result.summary();
  }

  /**
   * Writes the JSON and the HTML of a steering result.
   *
   * @return the summary
   */
  public static String writeAll(TemporalSteerResult result, Path dir) {
    RunJournal.writeJson(dir.resolve(JSON_FILE), result);
    ReportPages.steer(result).write(dir.resolve(HTML_FILE));
    return result.summary();
  }

  /**
   * Writes the JSON and the HTML of a grid.
   *
   * @return the summary
   */
  public static String writeAll(GridResult result, Path dir) {
    RunJournal.writeJson(dir.resolve(JSON_FILE), result);
    ReportPages.grid(result).write(dir.resolve(HTML_FILE));
    return result.summary();
  }

  /** The page of steering user videos: the flips by layer, the warnings and the settings. */
  private static HtmlPage realSteer(RealVideoSteerResult r) {
    HtmlPage h = HtmlPage.titled("Temporal steering of user videos on " + r.model());
    h.paragraph(r.sampleCount() + " videos of " + r.frames() + " frames (" + r.labelled() + " labelled; unsteered"
        + " accuracy " + (Double.isNaN(r.accuracy()) ? "-" : String.format(Locale.ROOT, "%.3f", r.accuracy()))
        + "). The object word the model puts first gets the last frame's temporal ID, the other the first frame's,"
        + " at lm.L.resid_post; the control adds random directions of the same norms. A belief flips when"
        + " log P(earlier) - log P(later) changes sign. Temporal IDs from model " + r.idsModel() + ".");
    for (String w : r.warnings()) {
      h.warning(w);
    }
    ReportPages.flips(h, r.layers(), r.perLayer());
    h.heading("Summary").preformatted(r.summary());
    Map<String, String> facts = new LinkedHashMap<>();
    facts.put("model", r.model());
    facts.put("layers", r.layers().toString());
    facts.put("temporal IDs from", r.idsModel());
    return h.settings(r.provenance(), r.config(), facts);
  }
}
