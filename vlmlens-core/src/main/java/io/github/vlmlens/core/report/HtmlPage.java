package io.github.vlmlens.core.report;

import com.google.common.html.HtmlEscapers;
import io.github.vlmlens.core.API;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.HeatMapChart;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.internal.chartpart.Chart;

/**
 * A self-contained HTML report page under construction, in the style of the swap report: headings,
 * paragraphs, tables, preformatted text and XChart plots embedded as base64 PNG, so the one file
 * can be mailed or archived. Text is HTML-escaped. A page is a mutable, single-threaded builder:
 * add parts in order, then {@link #render()} or {@link #write(Path)}.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1.0")
public final class HtmlPage {
  private final StringBuilder body = new StringBuilder();
  private final String title;

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

  /** An XChart plot, rendered to PNG at its own size; the alternative text is its title. */
  public HtmlPage chart(XYChart chart) {
    return anyChart(chart);
  }

  /** An XChart heat map, rendered to PNG at its own size; the alternative text is its title. */
  public HtmlPage chart(HeatMapChart chart) {
    return anyChart(chart);
  }

  /** Several (small) plots side by side, wrapping onto as many lines as the page needs. */
  public HtmlPage chartRow(List<XYChart> charts) {
    return anyChartRow(charts);
  }

  /** Several (small) heat maps side by side, wrapping onto as many lines as the page needs. */
  public HtmlPage heatMapRow(List<HeatMapChart> charts) {
    return anyChartRow(charts);
  }

  // XChart's common supertype lives in its internal package: it stays out of public signatures.
  private HtmlPage anyChart(Chart<?, ?> chart) {
    return image(anyPng(chart), chart.getTitle());
  }

  private HtmlPage anyChartRow(List<? extends Chart<?, ?>> charts) {
    body.append("<div class=\"row\">\n");
    for (Chart<?, ?> c : charts) {
      img(anyPng(c), c.getTitle());
      body.append('\n');
    }
    body.append("</div>\n");
    return this;
  }

  /** The page as one HTML document. */
  public String render() {
    return "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>"
        + esc(title)
        + "</title>\n<style>\n"
        + "body{font-family:sans-serif;max-width:1100px;margin:2em auto;color:#222}\n"
        + "table{border-collapse:collapse;margin:0.5em 0 1.5em}\n"
        + "td,th{border:1px solid #ccc;padding:2px 8px;text-align:right}\n"
        + "th{background:#f3f3f3}\npre{background:#f7f7f7;padding:0.8em;overflow-x:auto}\n"
        + ".row{display:flex;flex-wrap:wrap;gap:6px}\n"
        + "</style>\n</head>\n<body>\n"
        + body
        + "</body>\n</html>\n";
  }

  /**
   * Writes {@link #render()} to a file, creating its directory.
   *
   * @throws UncheckedIOException naming the file when it cannot be written
   */
  public void write(Path file) {
    io.github.vlmlens.core.analysis.RunJournal.writeText(file, render());
  }

  /**
   * An XChart plot as PNG bytes.
   *
   * @throws UncheckedIOException naming the chart when it cannot be encoded
   */
  public static byte[] png(XYChart chart) {
    return anyPng(chart);
  }

  /**
   * An XChart heat map as PNG bytes.
   *
   * @throws UncheckedIOException naming the chart when it cannot be encoded
   */
  public static byte[] png(HeatMapChart chart) {
    return anyPng(chart);
  }

  private static byte[] anyPng(Chart<?, ?> chart) {
    try {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      BitmapEncoder.saveBitmap(chart, out, BitmapEncoder.BitmapFormat.PNG);
      return out.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot render the chart '" + chart.getTitle() + "'", e);
    }
  }

  private void img(byte[] png, String alt) {
    body.append("<img alt=\"").append(esc(alt)).append("\" src=\"data:image/png;base64,")
        .append(Base64.getEncoder().encodeToString(png)).append("\">");
  }

  private static String esc(String s) {
    return HtmlEscapers.htmlEscaper().escape(s);
  }
}
