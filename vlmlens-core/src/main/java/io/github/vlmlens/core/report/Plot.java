package io.github.vlmlens.core.report;

import io.github.vlmlens.core.API;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * A chart of a report, described without any plotting library: a line chart of {@link Series} (lines,
 * dashed lines, points, each optionally with a shaded interval band) or a heat map. {@link HtmlPage}
 * renders it (PNG in the page, SVG and PNG files beside it), fitting the size to the title and the
 * legend, padding near-constant axes and choosing tick labels from the data's range. Immutable: every
 * {@code with...} method returns a new plot.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1.0")
public final class Plot {
  /** How a series is drawn. */
  @API(status = API.Status.EXPERIMENTAL, since = "0.1.0")
  public enum Style {
    /** A solid line with a marker at every point. */
    LINE,
    /** A dashed line without markers (baselines, controls). */
    DASHED,
    /** Markers only. */
    POINTS,
    /** A thin solid line without markers (connecting a grid). */
    PATH
  }

  /**
   * One series of a line chart. Points whose x or y is not finite are left out when drawn; the band,
   * when present, is shaded between {@code lower} and {@code upper} in the series' colour.
   *
   * @param name the legend entry
   * @param x the x values
   * @param y the y values, as many as {@code x}
   * @param lower the band's lower ends, as many as {@code x}, or empty for no band
   * @param upper the band's upper ends, as many as {@code lower}
   * @param style how it is drawn
   * @param colour the palette index: series with the same index share a colour
   * @param inLegend whether the legend lists it
   */
  @API(status = API.Status.EXPERIMENTAL, since = "0.1.0")
  public record Series(
      String name, double[] x, double[] y, double[] lower, double[] upper, Style style, int colour,
      boolean inLegend) {
    /**
     * Checks the lengths and copies the arrays.
     *
     * @throws IllegalArgumentException naming the series when lengths differ or the colour is negative
     */
    public Series {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(style, "style");
      x = x.clone();
      y = y.clone();
      lower = lower.clone();
      upper = upper.clone();
      if (x.length != y.length) {
        throw new IllegalArgumentException("series '" + name + "' has " + x.length + " x and " + y.length + " y values");
      }
      if (lower.length != upper.length || (lower.length != 0 && lower.length != x.length)) {
        throw new IllegalArgumentException("series '" + name + "' has " + x.length + " points but a band of "
            + lower.length + " lower and " + upper.length + " upper ends");
      }
      if (colour < 0) {
        throw new IllegalArgumentException("series '" + name + "' has the negative colour index " + colour);
      }
    }

    /** A solid line with markers, in palette colour {@code colour}. */
    public static Series line(String name, double[] x, double[] y, int colour) {
      return new Series(name, x, y, new double[0], new double[0], Style.LINE, colour, true);
    }

    /** The same series drawn in another style. */
    public Series drawn(Style s) {
      return new Series(name, x, y, lower, upper, s, colour, inLegend);
    }

    /** The same series with a shaded band from {@code lo} to {@code hi} (an interval). */
    public Series withBand(double[] lo, double[] hi) {
      return new Series(name, x, y, lo, hi, style, colour, inLegend);
    }

    /** The same series, left out of the legend. */
    public Series unlisted() {
      return new Series(name, x, y, lower, upper, style, colour, false);
    }

    /** Whether a band is shaded. */
    public boolean hasBand() {
      return lower.length > 0;
    }

    @Override
    public double[] x() {
      return x.clone();
    }

    @Override
    public double[] y() {
      return y.clone();
    }

    @Override
    public double[] lower() {
      return lower.clone();
    }

    @Override
    public double[] upper() {
      return upper.clone();
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Series s && name.equals(s.name) && Arrays.equals(x, s.x) && Arrays.equals(y, s.y)
          && Arrays.equals(lower, s.lower) && Arrays.equals(upper, s.upper) && style == s.style
          && colour == s.colour && inLegend == s.inLegend;
    }

    @Override
    public int hashCode() {
      return Objects.hash(name, Arrays.hashCode(x), Arrays.hashCode(y), style, colour);
    }

    @Override
    public String toString() {
      return "Series[" + name + ", " + x.length + " points, " + style + (hasBand() ? ", band" : "") + "]";
    }
  }

  private final String title;
  private final String xTitle;
  private final String yTitle;
  private final List<Series> series;
  private final double[][] heat;
  private final List<String> columns;
  private final List<String> rows;
  private final double heatMin;
  private final double heatMax;
  private final int width;
  private final int height;
  private final boolean integerX;
  private final boolean legend;
  private final String note;

  private Plot(
      String title, String xTitle, String yTitle, List<Series> series, double[][] heat, List<String> columns,
      List<String> rows, double heatMin, double heatMax, int width, int height, boolean integerX, boolean legend,
      String note) {
    this.title = Objects.requireNonNull(title, "title");
    this.xTitle = Objects.requireNonNull(xTitle, "xTitle");
    this.yTitle = Objects.requireNonNull(yTitle, "yTitle");
    this.series = List.copyOf(series);
    this.heat = heat;
    this.columns = List.copyOf(columns);
    this.rows = List.copyOf(rows);
    this.heatMin = heatMin;
    this.heatMax = heatMax;
    this.width = width;
    this.height = height;
    this.integerX = integerX;
    this.legend = legend;
    this.note = note;
  }

  /** An empty line chart, 720 x 460 pixels of plot (the rendered size grows to fit the title and legend). */
  public static Plot lines(String title, String xTitle, String yTitle) {
    return new Plot(title, xTitle, yTitle, List.of(), null, List.of(), List.of(), 0, 0, 720, 460, false, true, "");
  }

  /** A line chart by layer: x is the layer (0 = embeddings), with integer ticks. */
  public static Plot byLayer(String title, String yTitle) {
    return lines(title, "layer (0 = embeddings)", yTitle).withIntegerX();
  }

  /**
   * A heat map: {@code values[r][c]} shaded on a blue-white-red scale from {@code min} to {@code max},
   * each cell showing its value; row 0 is drawn at the top.
   *
   * @throws IllegalArgumentException when the labels and values disagree in size, a value is not
   *     finite or {@code min >= max}
   */
  public static Plot heatMap(
      String title, String xTitle, String yTitle, List<String> columnLabels, List<String> rowLabels,
      double[][] values, double min, double max) {
    if (values.length != rowLabels.size()) {
      throw new IllegalArgumentException(
          "heat map '" + title + "': " + values.length + " rows of values for " + rowLabels.size() + " row labels");
    }
    if (!(min < max)) {
      throw new IllegalArgumentException("heat map '" + title + "': min " + min + " is not below max " + max);
    }
    double[][] copy = new double[values.length][];
    for (int r = 0; r < values.length; r++) {
      if (values[r].length != columnLabels.size()) {
        throw new IllegalArgumentException("heat map '" + title + "': row " + r + " has " + values[r].length
            + " values for " + columnLabels.size() + " column labels");
      }
      for (double v : values[r]) {
        if (!Double.isFinite(v)) {
          throw new IllegalArgumentException("heat map '" + title + "': row " + r + " holds the value " + v);
        }
      }
      copy[r] = values[r].clone();
    }
    return new Plot(title, xTitle, yTitle, List.of(), copy, columnLabels, rowLabels, min, max, 300, 280, false,
        false, "");
  }

  /** This plot with one more series (line charts only). */
  public Plot with(Series s) {
    requireLines();
    List<Series> more = new ArrayList<>(series);
    more.add(Objects.requireNonNull(s, "series"));
    return new Plot(title, xTitle, yTitle, more, heat, columns, rows, heatMin, heatMax, width, height, integerX,
        legend, note);
  }

  /** This plot with a solid line with markers, in the next palette colour. */
  public Plot withLine(String name, double[] x, double[] y) {
    return with(Series.line(name, x, y, series.size()));
  }

  /** This plot at another plot size in pixels (before room for the title and legend is added). */
  public Plot withSize(int w, int h) {
    if (w < 100 || h < 80) {
      throw new IllegalArgumentException("plot '" + title + "': a size of " + w + " x " + h + " is too small");
    }
    return new Plot(title, xTitle, yTitle, series, heat, columns, rows, heatMin, heatMax, w, h, integerX, legend,
        note);
  }

  /** This plot with integer x ticks (layers, steps, frames). */
  public Plot withIntegerX() {
    return new Plot(title, xTitle, yTitle, series, heat, columns, rows, heatMin, heatMax, width, height, true,
        legend, note);
  }

  /** This plot without a legend. */
  public Plot withoutLegend() {
    return new Plot(title, xTitle, yTitle, series, heat, columns, rows, heatMin, heatMax, width, height, integerX,
        false, note);
  }

  /** This plot with the text drawn in place of the data when no series has a finite point. */
  public Plot withEmptyNote(String text) {
    return new Plot(title, xTitle, yTitle, series, heat, columns, rows, heatMin, heatMax, width, height, integerX,
        legend, Objects.requireNonNull(text, "text"));
  }

  private void requireLines() {
    if (heat != null) {
      throw new IllegalStateException("'" + title + "' is a heat map: it has no series");
    }
  }

  /** The title. */
  public String title() {
    return title;
  }

  /** The x axis title. */
  public String xTitle() {
    return xTitle;
  }

  /** The y axis title. */
  public String yTitle() {
    return yTitle;
  }

  /** The series, in drawing order (empty for a heat map). */
  public List<Series> series() {
    return series;
  }

  /** Whether this is a heat map. */
  public boolean isHeatMap() {
    return heat != null;
  }

  /** A heat map's values, row by row (empty for a line chart). */
  public double[][] heatValues() {
    if (heat == null) {
      return new double[0][];
    }
    double[][] out = new double[heat.length][];
    for (int r = 0; r < heat.length; r++) {
      out[r] = heat[r].clone();
    }
    return out;
  }

  /** A heat map's column labels. */
  public List<String> columnLabels() {
    return columns;
  }

  /** A heat map's row labels. */
  public List<String> rowLabels() {
    return rows;
  }

  /** The value shaded darkest blue in a heat map. */
  public double heatMin() {
    return heatMin;
  }

  /** The value shaded darkest red in a heat map. */
  public double heatMax() {
    return heatMax;
  }

  /** The plot's width in pixels before room for the title and legend is added. */
  public int width() {
    return width;
  }

  /** The plot's height in pixels before room for the legend is added. */
  public int height() {
    return height;
  }

  /** Whether x ticks are integers. */
  public boolean integerX() {
    return integerX;
  }

  /** Whether a legend is drawn. */
  public boolean legend() {
    return legend;
  }

  /** What is drawn when no series has a finite point (empty: "no data"). */
  public String emptyNote() {
    return note.isEmpty() ? "no data" : note;
  }

  @Override
  public String toString() {
    return (heat != null ? "HeatMap[" : "Plot[") + title + ", " + series.size() + " series]";
  }
}
