package io.github.vlmlens.core.report;

import com.google.common.html.HtmlEscapers;
import io.github.vlmlens.core.API;
import io.github.vlmlens.core.ModelInfo;
import io.github.vlmlens.core.analysis.Provenance;
import io.github.vlmlens.core.analysis.RunJournal;
import io.github.vlmlens.core.analysis.internal.Json;
import io.github.vlmlens.core.analysis.internal.JsonLines;
import io.github.vlmlens.core.analysis.internal.VlmlensVersion;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * The one builder of every vlmlens HTML report: headings, paragraphs, tables, heat tables,
 * preformatted text and {@link Plot}s embedded as base64 PNG (so the one file can be mailed or
 * archived, with SVG and PNG files of each chart written beside it), and a Settings section every
 * page must have. Text is HTML-escaped. A page is a mutable, single-threaded builder: add parts in
 * order, then {@link #render()} or {@link #write(Path)}.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1.0")
public final class HtmlPage {
  /** The folder beside a written page that holds its charts as SVG and PNG. */
  public static final String FIGURES = "figures";

  private final StringBuilder body = new StringBuilder();
  private final List<Figure> figures = new ArrayList<>();
  private final String title;
  private boolean hasSettings;

  private record Figure(String name, Plot plot, byte[] png) {}

  private HtmlPage(String title) {
    this.title = title;
  }

  /** An empty page whose title (and top heading) is {@code title}. */
  public static HtmlPage titled(String title) {
    HtmlPage p = new HtmlPage(Objects.requireNonNull(title, "title"));
    p.body.append("<h1>").append(esc(title)).append("</h1>\n");
    return p;
  }

  /** A section heading. */
  public HtmlPage heading(String text) {
    body.append("<h2>").append(esc(text)).append("</h2>\n");
    return this;
  }

  /** A sub-section heading. */
  public HtmlPage subheading(String text) {
    body.append("<h3>").append(esc(text)).append("</h3>\n");
    return this;
  }

  /** A paragraph of plain text. */
  public HtmlPage paragraph(String text) {
    body.append("<p>").append(esc(text)).append("</p>\n");
    return this;
  }

  /** A warning, boxed in red. */
  public HtmlPage warning(String text) {
    body.append("<p class=\"warning\"><b>Warning:</b> ").append(esc(text)).append("</p>\n");
    return this;
  }

  /** A bulleted list, folded under {@code summary} (click to open). */
  public HtmlPage foldedList(String summary, List<String> items) {
    body.append("<details><summary>").append(esc(summary)).append("</summary>\n<ul>\n");
    for (String i : items) {
      body.append("<li>").append(esc(i)).append("</li>\n");
    }
    body.append("</ul>\n</details>\n");
    return this;
  }

  /** Preformatted text, for example a config as JSON. */
  public HtmlPage preformatted(String text) {
    body.append("<pre>").append(esc(text)).append("</pre>\n");
    return this;
  }

  /**
   * A table with a header row; every row must have as many cells as the header.
   *
   * @throws IllegalArgumentException naming the row when its length differs
   */
  public HtmlPage table(List<String> header, List<List<String>> rows) {
    body.append("<table>\n<tr>");
    for (String h : header) {
      body.append("<th>").append(esc(h)).append("</th>");
    }
    body.append("</tr>\n");
    for (int i = 0; i < rows.size(); i++) {
      List<String> r = rows.get(i);
      if (r.size() != header.size()) {
        throw new IllegalArgumentException(
            "table row " + i + " has " + r.size() + " cells but the header has " + header.size());
      }
      body.append("<tr>");
      for (String c : r) {
        body.append("<td>").append(esc(c)).append("</td>");
      }
      body.append("</tr>\n");
    }
    body.append("</table>\n");
    return this;
  }

  /**
   * A heat-map table: a header row, then one row per {@code rowLabels} entry whose cells are
   * shaded by {@code shade} (0 white .. 1 full colour); every cell's text is escaped.
   *
   * @throws IllegalArgumentException when the cells, shades and labels disagree in size or a shade
   *     lies outside [0, 1]
   */
  public HtmlPage heatTable(
      List<String> header, List<String> rowLabels, List<List<String>> cells, double[][] shade) {
    if (cells.size() != rowLabels.size() || shade.length != rowLabels.size()) {
      throw new IllegalArgumentException(
          rowLabels.size() + " row labels, " + cells.size() + " rows of cells and " + shade.length + " rows of shades");
    }
    body.append("<table class=\"heat\">\n<tr>");
    for (String h : header) {
      body.append("<th>").append(esc(h)).append("</th>");
    }
    body.append("</tr>\n");
    for (int i = 0; i < cells.size(); i++) {
      List<String> r = cells.get(i);
      if (r.size() + 1 != header.size() || shade[i].length != r.size()) {
        throw new IllegalArgumentException(
            "heat table row " + i + " has " + r.size() + " cells and " + shade[i].length
                + " shades for a header of " + header.size() + " (label column included)");
      }
      body.append("<tr><th>").append(esc(rowLabels.get(i))).append("</th>");
      for (int j = 0; j < r.size(); j++) {
        double v = shade[i][j];
        if (!(v >= 0 && v <= 1)) {
          throw new IllegalArgumentException("shade " + v + " at row " + i + ", column " + j + " is outside [0, 1]");
        }
        int light = (int) Math.round(255 - 155 * v);
        body.append(String.format(java.util.Locale.ROOT, "<td style=\"background:rgb(%d,%d,255)\">", light, light))
            .append(esc(r.get(j)))
            .append("</td>");
      }
      body.append("</tr>\n");
    }
    body.append("</table>\n");
    return this;
  }

  /** A PNG image with its alternative text. */
  public HtmlPage image(byte[] png, String alt) {
    body.append("<p>");
    img(png, alt);
    body.append("</p>\n");
    return this;
  }

  /**
   * A chart: drawn as PNG into the page, with links to its SVG and PNG files, which {@link #write}
   * writes into {@value #FIGURES} beside the page. The alternative text is its title.
   */
  public HtmlPage chart(Plot plot) {
    body.append("<figure>\n");
    figure(plot);
    body.append("</figure>\n");
    return this;
  }

  /** Several (small) charts side by side, wrapping onto as many lines as the page needs. */
  public HtmlPage chartRow(List<Plot> plots) {
    body.append("<div class=\"row\">\n");
    for (Plot p : plots) {
      body.append("<figure>\n");
      figure(p);
      body.append("</figure>\n");
    }
    body.append("</div>\n");
    return this;
  }

  private void figure(Plot plot) {
    byte[] png = PlotRenderer.png(Objects.requireNonNull(plot, "plot"));
    String name = String.format(Locale.ROOT, "%02d-%s", figures.size() + 1, slug(plot.title()));
    figures.add(new Figure(name, plot, png));
    img(png, plot.title());
    body.append("\n<figcaption><a href=\"").append(FIGURES).append('/').append(name).append(".svg\">SVG</a> ")
        .append("<a href=\"").append(FIGURES).append('/').append(name).append(".png\">PNG</a></figcaption>\n");
  }

  /**
   * The Settings section of a result that carries its provenance: the model (name, family, weights
   * fingerprint, dtype, device), the vlmlens, DJL, PyTorch and Java versions, the experiment, seeds,
   * batch size and times, then the full configuration as JSON.
   */
  public HtmlPage settings(Provenance p) {
    return settings(Objects.requireNonNull(p, "provenance"), null, Map.of());
  }

  /**
   * The Settings section from the result's provenance where it has one ({@code p} not null),
   * otherwise from its configuration; {@code facts} (a config hash, an IDs fingerprint) are listed
   * either way, after the provenance's.
   *
   * @param p the result's provenance, or null when it records none
   * @param configuration the configuration shown when {@code p} is null
   * @param facts more settings by name, in order
   */
  public HtmlPage settings(Provenance p, Object configuration, Map<String, String> facts) {
    if (p == null) {
      return settings(configuration, facts);
    }
    Map<String, String> all = new LinkedHashMap<>();
    ModelInfo m = p.model();
    all.put("model", m.name());
    all.put("model family", m.family());
    all.put("weights fingerprint", m.fingerprint());
    all.put("dtype", m.dtype());
    all.put("device", m.device());
    all.put("vlmlens", p.vlmlensVersion());
    m.libraries().forEach(all::put);
    all.put("java", p.java());
    all.put("os", p.os());
    all.put("experiment", p.experiment());
    all.put("seeds", p.seeds().isEmpty() ? "none" : p.seeds().toString());
    all.put("batch size", Integer.toString(p.batchSize()));
    all.put("started", p.startedAt());
    all.put("finished", p.finishedAt());
    facts.forEach(all::putIfAbsent);
    return settings(p.configuration(), all);
  }

  /**
   * The Settings section of a result without a provenance: the facts given (model, seeds, versions
   * the result records), the vlmlens version of this page, then the full configuration as JSON.
   *
   * @param configuration anything Jackson can write (a config record, a map)
   * @param facts setting name to value, in order
   */
  public HtmlPage settings(Object configuration, Map<String, String> facts) {
    heading("Settings");
    List<List<String>> rows = new ArrayList<>();
    facts.forEach((k, v) -> rows.add(List.of(k, String.valueOf(v))));
    if (!facts.containsKey("vlmlens")) {
      rows.add(List.of("vlmlens (this report)", VlmlensVersion.get()));
    }
    table(List.of("setting", "value"), rows);
    subheading("Configuration");
    preformatted(Json.pretty(configuration));
    hasSettings = true;
    return this;
  }

  /** Whether a Settings section has been added. */
  public boolean hasSettings() {
    return hasSettings;
  }

  /**
   * The page as one HTML document.
   *
   * @throws IllegalStateException naming the page when it has no Settings section
   */
  public String render() {
    if (!hasSettings) {
      throw new IllegalStateException("the report '" + title + "' has no Settings section");
    }
    return "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>"
        + esc(title)
        + "</title>\n<style>\n"
        + "body{font-family:sans-serif;max-width:1100px;margin:2em auto;color:#222}\n"
        + "table{border-collapse:collapse;margin:0.5em 0 1.5em}\n"
        + "td,th{border:1px solid #ccc;padding:2px 8px;text-align:right}\n"
        + "th{background:#f3f3f3}\npre{background:#f7f7f7;padding:0.8em;overflow-x:auto}\n"
        + ".row{display:flex;flex-wrap:wrap;gap:6px}\n"
        + ".warning{border:2px solid #c00;padding:6px;color:#900}\n"
        + "figure{margin:0.5em 0}\nfigure img{max-width:100%;height:auto}\n"
        + "figcaption{font-size:80%;color:#666}\n"
        + "</style>\n</head>\n<body>\n"
        + body
        + "</body>\n</html>\n";
  }

  /**
   * Writes every chart as SVG and PNG into {@value #FIGURES} beside the file, then {@link #render()}
   * to the file (creating directories); each file is written whole or not at all.
   *
   * @throws UncheckedIOException naming the file when it cannot be written
   * @throws IllegalStateException naming the page when it has no Settings section
   */
  public void write(Path file) {
    String html = render();
    Path dir = file.toAbsolutePath().getParent().resolve(FIGURES);
    try {
      if (!figures.isEmpty()) {
        Files.createDirectories(dir);
      }
      for (Figure f : figures) {
        JsonLines.writeAtomically(dir.resolve(f.name() + ".svg"), PlotRenderer.svg(f.plot()));
        JsonLines.writeAtomically(dir.resolve(f.name() + ".png"), f.png());
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the figures of '" + title + "' into " + dir, e);
    }
    RunJournal.writeText(file, html);
  }

  /**
   * Writes one chart outside a page: PNG to {@code png} and SVG beside it (same name, {@code .svg}),
   * each whole or not at all, creating the directory.
   *
   * @throws UncheckedIOException naming the file when it cannot be written
   */
  public static void writeChart(Plot plot, Path png) {
    String name = png.getFileName().toString();
    Path svg = png.resolveSibling((name.endsWith(".png") ? name.substring(0, name.length() - 4) : name) + ".svg");
    try {
      Path parent = png.toAbsolutePath().getParent();
      Files.createDirectories(parent);
      JsonLines.writeAtomically(png, PlotRenderer.png(plot));
      JsonLines.writeAtomically(svg, PlotRenderer.svg(plot));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the chart '" + plot.title() + "' to " + png, e);
    }
  }

  private static String slug(String title) {
    String s = title.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("(^-+|-+$)", "");
    return s.isEmpty() ? "chart" : s.substring(0, Math.min(48, s.length())).replaceAll("-+$", "");
  }

  private void img(byte[] png, String alt) {
    body.append("<img alt=\"").append(esc(alt)).append("\" src=\"data:image/png;base64,")
        .append(Base64.getEncoder().encodeToString(png)).append("\">");
  }

  private static String esc(String s) {
    return HtmlEscapers.htmlEscaper().escape(s);
  }
}
