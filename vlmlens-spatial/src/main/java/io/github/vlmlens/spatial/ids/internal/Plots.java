package io.github.vlmlens.spatial.ids.internal;

import java.awt.Color;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.lines.SeriesLines;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** The plot style of the spatial reports (that of core's swap report) and number formatting. */
public final class Plots {
  /** The series colours, in order. */
  public static final Color[] COLORS = {
    new Color(0x1f77b4), new Color(0xd62728), new Color(0x2ca02c), new Color(0x7f7f7f),
    new Color(0x9467bd), new Color(0xff7f0e), new Color(0x8c564b), new Color(0x17becf)
  };

  private Plots() {}

  /** An empty line chart with a legend below. */
  public static XYChart chart(String title, String xTitle, String yTitle, int width, int height) {
    XYChart chart = new XYChartBuilder().width(width).height(height).title(title).xAxisTitle(xTitle)
        .yAxisTitle(yTitle).build();
    chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideS);
    chart.getStyler().setLegendLayout(Styler.LegendLayout.Horizontal);
    chart.getStyler().setChartBackgroundColor(Color.WHITE);
    chart.getStyler().setAntiAlias(true);
    return chart;
  }

  /** A chart by layer: integer x ticks. */
  public static XYChart byLayer(String title, String yTitle) {
    XYChart chart = chart(title, "layer (0 = embeddings)", yTitle, 720, 500);
    chart.getStyler().setLegendLayout(Styler.LegendLayout.Vertical);
    chart.getStyler().setXAxisDecimalPattern("0");
    chart.getStyler().setYAxisDecimalPattern("0.00");
    return chart;
  }

  /**
   * Adds a series of the finite points of {@code (x, y)}; returns it, or {@code null} when no point
   * is finite (XChart cannot draw an empty series).
   */
  public static XYSeries line(XYChart chart, String name, double[] x, double[] y, Color color, boolean dashed) {
    List<double[]> pts = new ArrayList<>();
    for (int i = 0; i < x.length; i++) {
      if (Double.isFinite(x[i]) && Double.isFinite(y[i])) {
        pts.add(new double[] {x[i], y[i]});
      }
    }
    if (pts.isEmpty()) {
      return null;
    }
    double[] xs = new double[pts.size()];
    double[] ys = new double[pts.size()];
    for (int i = 0; i < xs.length; i++) {
      xs[i] = pts.get(i)[0];
      ys[i] = pts.get(i)[1];
    }
    XYSeries s = chart.addSeries(name, xs, ys);
    s.setLineColor(color);
    s.setMarkerColor(color);
    s.setMarker(dashed ? SeriesMarkers.NONE : SeriesMarkers.CIRCLE);
    if (dashed) {
      s.setLineStyle(SeriesLines.DASH_DASH);
    }
    return s;
  }

  /** A placeholder series so that a chart with no data still renders. */
  public static void emptyNote(XYChart chart, String note) {
    chart.addSeries(note, new double[] {0}, new double[] {0}).setMarker(SeriesMarkers.NONE);
  }

  /** A number with three decimals, or "-" for NaN. */
  public static String fmt(double v) {
    return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%.3f", v);
  }
}
