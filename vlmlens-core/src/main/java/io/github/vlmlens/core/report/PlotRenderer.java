package io.github.vlmlens.core.report;

import io.github.vlmlens.core.report.Plot.Series;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.font.FontRenderContext;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.HeatMapChart;
import org.knowm.xchart.HeatMapChartBuilder;
import org.knowm.xchart.VectorGraphicsEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.internal.chartpart.Chart;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.lines.SeriesLines;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * Draws a {@link Plot} with XChart: the size grows so that the title and every legend entry fit
 * (a horizontal legend below when it fits on one line, else one entry a line), axes are padded and
 * their tick pattern chosen from the data's range, bands are shaded polygons under the lines.
 */
final class PlotRenderer {
  /** The palette (matplotlib's tab10), indexed by a series' colour modulo its length. */
  public static final Color[] PALETTE = {
    new Color(0x1f77b4), new Color(0xd62728), new Color(0x2ca02c), new Color(0x7f7f7f), new Color(0x9467bd),
    new Color(0xff7f0e), new Color(0x8c564b), new Color(0xe377c2), new Color(0x17becf), new Color(0xbcbd22)
  };

  private static final Font TITLE_FONT = new Font(Font.SANS_SERIF, Font.BOLD, 14);
  private static final Font LEGEND_FONT = new Font(Font.SANS_SERIF, Font.PLAIN, 11);
  private static final Font AXIS_TITLE_FONT = new Font(Font.SANS_SERIF, Font.PLAIN, 12);
  private static final FontRenderContext FRC = new FontRenderContext(null, true, true);
  private static final int PADDING = 12;
  private static final int LEGEND_PADDING = 6;
  private static final int LEGEND_LINE = 24;
  private static final int BAND_ALPHA = 56;
  private static final int Y_AXIS_ROOM = 90;

  private PlotRenderer() {}

  /**
   * The size a plot is drawn at and how its legend is laid out.
   *
   * @param width pixels
   * @param height pixels
   * @param horizontalLegend whether the legend is one line (else one entry a line)
   * @param legendHeight the pixels added below the plot for the legend
   */
  public record Layout(int width, int height, boolean horizontalLegend, int legendHeight) {}

  /**
   * A padded axis range and the decimal pattern of its ticks.
   *
   * @param min the axis minimum
   * @param max the axis maximum
   * @param pattern a {@link java.text.DecimalFormat} pattern with as many decimals as the tick step needs
   */
  public record AxisRange(double min, double max, String pattern) {}

  /** The width of {@code text} in {@code font}, in pixels. */
  public static double textWidth(String text, Font font) {
    return font.getStringBounds(text, FRC).getWidth();
  }

  /** The title's font. */
  public static Font titleFont() {
    return TITLE_FONT;
  }

  /** The legend's font. */
  public static Font legendFont() {
    return LEGEND_FONT;
  }

  /** The legend entries' names, in order. */
  public static List<String> legendEntries(Plot p) {
    List<String> out = new ArrayList<>();
    if (p.legend() && !p.isHeatMap()) {
      for (Series s : p.series()) {
        if (s.inLegend() && finiteCount(s.x(), s.y()) > 0) {
          out.add(s.name());
        }
      }
    }
    return out;
  }

  /** The pixels a legend entry takes: line sample, gaps and text. */
  public static double entryWidth(String name) {
    return LEGEND_LINE + 3.0 * LEGEND_PADDING + textWidth(name, LEGEND_FONT);
  }

  /** The size a plot is drawn at so that its title, axis titles and legend are not clipped. */
  public static Layout layout(Plot p) {
    // XChart centres the title over the plot area, which the y axis's labels push right: keep room
    // for them on both sides.
    double need = Math.max(p.width(), textWidth(p.title(), TITLE_FONT) + 2.0 * (PADDING + Y_AXIS_ROOM));
    need = Math.max(need, textWidth(p.xTitle(), AXIS_TITLE_FONT) + 8.0 * PADDING);
    List<String> entries = legendEntries(p);
    double lineHeight = LEGEND_FONT.getLineMetrics("Ag", FRC).getHeight();
    boolean horizontal = true;
    int legendHeight = 0;
    if (!entries.isEmpty()) {
      double sum = 0;
      double widest = 0;
      for (String e : entries) {
        sum += entryWidth(e);
        widest = Math.max(widest, entryWidth(e));
      }
      double room = need - 2.0 * PADDING - 2.0 * LEGEND_PADDING;
      horizontal = sum <= room;
      if (!horizontal) {
        need = Math.max(need, widest + 2.0 * PADDING + 4.0 * LEGEND_PADDING);
      }
      int lines = horizontal ? 1 : entries.size();
      legendHeight = (int) Math.ceil(lines * (lineHeight + LEGEND_PADDING) + 3.0 * LEGEND_PADDING);
    }
    double tall = Math.max(p.height(), textWidth(p.yTitle(), AXIS_TITLE_FONT) + 8.0 * PADDING);
    return new Layout((int) Math.ceil(need), (int) Math.ceil(tall) + legendHeight, horizontal, legendHeight);
  }

  /**
   * The axis range of the finite values: padded by 5% of their spread (near-constant values by 5% of
   * their magnitude, or 1 around 0), with a tick pattern of as many decimals as a tenth of the range
   * needs, so that 0.5 +- 1e-9 reads 0.48 .. 0.52, never 0.50000000001.
   */
  public static AxisRange range(List<double[]> values) {
    double lo = Double.POSITIVE_INFINITY;
    double hi = Double.NEGATIVE_INFINITY;
    for (double[] vs : values) {
      for (double v : vs) {
        if (Double.isFinite(v)) {
          lo = Math.min(lo, v);
          hi = Math.max(hi, v);
        }
      }
    }
    if (lo > hi) {
      return new AxisRange(0, 1, "0.0");
    }
    double magnitude = Math.max(Math.abs(lo), Math.abs(hi));
    double spread = hi - lo;
    double pad;
    if (spread <= 1e-6 * magnitude || spread == 0) {
      pad = magnitude > 0 ? 0.05 * magnitude : 1;
    } else {
      pad = 0.05 * spread;
    }
    double min = lo - pad;
    double max = hi + pad;
    double step = niceStep((max - min) / 10);
    int decimals = (int) Math.max(0, Math.min(8, -Math.floor(Math.log10(step) + 1e-9)));
    return new AxisRange(min, max, decimals == 0 ? "0" : "0." + "0".repeat(decimals));
  }

  /** The 1, 2 or 5 times a power of ten nearest above {@code raw}. */
  static double niceStep(double raw) {
    double p = Math.pow(10, Math.floor(Math.log10(raw)));
    double f = raw / p;
    return (f <= 1 + 1e-6 ? 1 : f <= 2 + 1e-6 ? 2 : f <= 5 + 1e-6 ? 5 : 10) * p;
  }

  /** The plot drawn as an image. */
  public static BufferedImage image(Plot p) {
    return BitmapEncoder.getBufferedImage(chart(p));
  }

  /**
   * The plot as PNG bytes.
   *
   * @throws UncheckedIOException naming the plot when it cannot be encoded
   */
  public static byte[] png(Plot p) {
    return encode(p, "PNG", (c, out) -> BitmapEncoder.saveBitmap(c, out, BitmapEncoder.BitmapFormat.PNG));
  }

  /**
   * The plot as SVG bytes (UTF-8; text drawn as outlines, so it looks the same everywhere).
   *
   * @throws UncheckedIOException naming the plot when it cannot be encoded
   */
  public static byte[] svg(Plot p) {
    return encode(p, "SVG",
        (c, out) -> VectorGraphicsEncoder.saveVectorGraphic(c, out, VectorGraphicsEncoder.VectorGraphicsFormat.SVG));
  }

  private interface Encoder {
    void encode(Chart<?, ?> chart, ByteArrayOutputStream out) throws IOException;
  }

  private static byte[] encode(Plot p, String format, Encoder e) {
    try {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      e.encode(chart(p), out);
      return out.toByteArray();
    } catch (IOException ex) {
      throw new UncheckedIOException("cannot render the chart '" + p.title() + "' as " + format, ex);
    }
  }

  private static Chart<?, ?> chart(Plot p) {
    return p.isHeatMap() ? heatMap(p) : xy(p);
  }

  private static void style(Styler s, Layout layout, boolean legend) {
    s.setChartBackgroundColor(Color.WHITE);
    s.setChartTitleFont(TITLE_FONT);
    s.setLegendFont(LEGEND_FONT);
    s.setChartPadding(PADDING);
    s.setLegendPadding(LEGEND_PADDING);
    s.setLegendSeriesLineLength(LEGEND_LINE);
    s.setLegendVisible(legend);
    s.setLegendPosition(Styler.LegendPosition.OutsideS);
    s.setLegendLayout(layout.horizontalLegend() ? Styler.LegendLayout.Horizontal : Styler.LegendLayout.Vertical);
    s.setAntiAlias(true);
  }

  private static XYChart xy(Plot p) {
    Layout layout = layout(p);
    XYChart c = new XYChartBuilder().width(layout.width()).height(layout.height()).title(p.title())
        .xAxisTitle(p.xTitle()).yAxisTitle(p.yTitle()).build();
    List<String> entries = legendEntries(p);
    style(c.getStyler(), layout, !entries.isEmpty());
    c.getStyler().setAxisTitleFont(AXIS_TITLE_FONT);
    List<double[]> ys = new ArrayList<>();
    List<double[]> xs = new ArrayList<>();
    for (Series s : p.series()) {
      xs.add(s.x());
      ys.add(s.y());
      ys.add(s.lower());
      ys.add(s.upper());
    }
    AxisRange y = range(ys);
    c.getStyler().setYAxisMin(y.min());
    c.getStyler().setYAxisMax(y.max());
    c.getStyler().setYAxisDecimalPattern(y.pattern());
    AxisRange x = range(xs);
    c.getStyler().setXAxisDecimalPattern(p.integerX() ? "0" : x.pattern());
    int drawn = 0;
    for (Series s : p.series()) {
      if (s.hasBand()) {
        band(c, s);
      }
    }
    for (Series s : p.series()) {
      drawn += line(c, s) ? 1 : 0;
    }
    if (drawn == 0) {
      XYSeries note = c.addSeries(p.emptyNote(), new double[] {0}, new double[] {0});
      note.setMarker(SeriesMarkers.NONE);
      note.setLineColor(Color.WHITE);
      c.getStyler().setLegendVisible(true);
      c.getStyler().setYAxisMin(-1.0);
      c.getStyler().setYAxisMax(1.0);
    }
    return c;
  }

  private static boolean line(XYChart c, Series s) {
    double[] x = s.x();
    double[] y = s.y();
    int n = finiteCount(x, y);
    if (n == 0) {
      return false;
    }
    double[] fx = new double[n];
    double[] fy = new double[n];
    int k = 0;
    for (int i = 0; i < x.length; i++) {
      if (Double.isFinite(x[i]) && Double.isFinite(y[i])) {
        fx[k] = x[i];
        fy[k++] = y[i];
      }
    }
    XYSeries xy = c.addSeries(s.name(), fx, fy);
    Color colour = PALETTE[s.colour() % PALETTE.length];
    xy.setLineColor(colour);
    xy.setMarkerColor(colour);
    xy.setShowInLegend(s.inLegend());
    switch (s.style()) {
      case DASHED:
        xy.setLineStyle(SeriesLines.DASH_DASH);
        xy.setMarker(SeriesMarkers.NONE);
        break;
      case POINTS:
        xy.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
        xy.setMarker(SeriesMarkers.CIRCLE);
        break;
      case PATH:
        xy.setLineStyle(new BasicStroke(1.2f));
        xy.setMarker(SeriesMarkers.NONE);
        break;
      default:
        xy.setMarker(SeriesMarkers.CIRCLE);
    }
    return true;
  }

  /** The band as a closed polygon: along the upper ends, back along the lower ends. */
  private static void band(XYChart c, Series s) {
    double[] x = s.x();
    double[] lo = s.lower();
    double[] hi = s.upper();
    List<double[]> pts = new ArrayList<>();
    for (int i = 0; i < x.length; i++) {
      if (Double.isFinite(x[i]) && Double.isFinite(lo[i]) && Double.isFinite(hi[i])) {
        pts.add(new double[] {x[i], lo[i], hi[i]});
      }
    }
    if (pts.isEmpty()) {
      return;
    }
    int n = pts.size();
    double[] px = new double[2 * n];
    double[] py = new double[2 * n];
    for (int i = 0; i < n; i++) {
      px[i] = pts.get(i)[0];
      py[i] = pts.get(i)[2];
      px[2 * n - 1 - i] = pts.get(i)[0];
      py[2 * n - 1 - i] = pts.get(i)[1];
    }
    XYSeries b = c.addSeries(s.name() + " (band)", px, py);
    Color colour = PALETTE[s.colour() % PALETTE.length];
    Color fill = new Color(colour.getRed(), colour.getGreen(), colour.getBlue(), BAND_ALPHA);
    b.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.PolygonArea);
    b.setFillColor(fill);
    b.setLineColor(fill);
    b.setMarker(SeriesMarkers.NONE);
    b.setShowInLegend(false);
  }

  private static HeatMapChart heatMap(Plot p) {
    Layout layout = layout(p);
    HeatMapChart c = new HeatMapChartBuilder().width(layout.width()).height(layout.height()).title(p.title())
        .xAxisTitle(p.xTitle()).yAxisTitle(p.yTitle()).build();
    style(c.getStyler(), layout, false);
    c.getStyler().setShowValue(true);
    double[][] v = p.heatValues();
    double spread = p.heatMax() - p.heatMin();
    c.getStyler().setHeatMapValueDecimalPattern(spread >= 10 ? "0" : spread >= 1 ? "0.0" : "0.00");
    c.getStyler().setMin(p.heatMin());
    c.getStyler().setMax(p.heatMax());
    c.getStyler().setRangeColors(new Color[] {new Color(0x2166ac), new Color(0xf7f7f7), new Color(0xb2182b)});
    int rows = v.length;
    List<String> ys = new ArrayList<>();
    for (int r = rows - 1; r >= 0; r--) {
      ys.add(p.rowLabels().get(r));
    }
    List<Number[]> heat = new ArrayList<>();
    for (int r = 0; r < rows; r++) {
      for (int col = 0; col < v[r].length; col++) {
        heat.add(new Number[] {col, rows - 1 - r, v[r][col]});
      }
    }
    c.addSeries(p.title(), p.columnLabels(), ys, heat);
    return c;
  }

  private static int finiteCount(double[] x, double[] y) {
    int n = 0;
    for (int i = 0; i < x.length; i++) {
      if (Double.isFinite(x[i]) && Double.isFinite(y[i])) {
        n++;
      }
    }
    return n;
  }
}
