package io.github.vlmlens.temporal.internal;

import java.awt.Color;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.lines.SeriesLines;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** XChart plots of the temporal analyses (rendered into pages by core's {@code HtmlPage}). */
public final class Charts {
  private static final Color[] COLORS = {
    new Color(0x1f77b4), new Color(0xd62728), new Color(0x2ca02c), new Color(0x7f7f7f),
    new Color(0x9467bd), new Color(0xff7f0e), new Color(0x8c564b), new Color(0xe377c2),
    new Color(0x17becf), new Color(0xbcbd22)
  };

  private Charts() {}

  /** One series of a line chart; dashed when {@code dashed}. */
  public record Series(String name, double[] x, double[] y, boolean dashed) {}

  /** A line chart of several series (points whose y is not finite are left out). */
  public static XYChart lines(String title, String xTitle, String yTitle, List<Series> series, String yPattern) {
    XYChart chart = base(title, xTitle, yTitle, yPattern);
    int i = 0;
    int added = 0;
    for (Series s : series) {
      double[][] xy = finite(s.x(), s.y());
      if (xy[0].length == 0) {
        i++;
        continue;
      }
      XYSeries x = chart.addSeries(s.name(), xy[0], xy[1]);
      Color c = COLORS[i % COLORS.length];
      x.setLineColor(c);
      x.setMarkerColor(c);
      x.setMarker(SeriesMarkers.CIRCLE);
      if (s.dashed()) {
        x.setLineStyle(SeriesLines.DASH_DASH);
      }
      i++;
      added++;
    }
    if (added == 0) {
      chart.addSeries("no data", new double[] {0}, new double[] {0}).setMarker(SeriesMarkers.NONE);
    }
    return chart;
  }

  /**
   * A projected grid: point {@code (x[c][f], y[c][f])} for column {@code c} and frame {@code f},
   * joined along each frame (across columns) and along each column (across frames), so a linear
   * code looks like a lattice.
   */
  public static XYChart grid(String title, String xTitle, String yTitle, double[][] x, double[][] y) {
    XYChart chart = base(title, xTitle, yTitle, "0.00");
    chart.getStyler().setXAxisDecimalPattern("0.00");
    chart.getStyler().setLegendVisible(true);
    int columns = x.length;
    int frames = x[0].length;
    for (int f = 0; f < frames; f++) {
      double[] xs = new double[columns];
      double[] ys = new double[columns];
      for (int c = 0; c < columns; c++) {
        xs[c] = x[c][f];
        ys[c] = y[c][f];
      }
      double[][] xy = finite(xs, ys);
      if (xy[0].length > 0) {
        XYSeries s = chart.addSeries("frame " + f, xy[0], xy[1]);
        Color col = COLORS[f % COLORS.length];
        s.setLineColor(col);
        s.setMarkerColor(col);
        s.setMarker(SeriesMarkers.CIRCLE);
      }
    }
    for (int c = 0; c < columns; c++) {
      double[][] xy = finite(x[c], y[c]);
      if (xy[0].length > 0) {
        XYSeries s = chart.addSeries("column " + c, xy[0], xy[1]);
        s.setLineColor(Color.GRAY);
        s.setLineStyle(SeriesLines.DOT_DOT);
        s.setMarker(SeriesMarkers.NONE);
        s.setShowInLegend(false);
      }
    }
    return chart;
  }

  /** Named series from a map, in order. */
  public static List<Series> series(Map<String, double[][]> byName) {
    List<Series> out = new ArrayList<>();
    byName.forEach((k, v) -> out.add(new Series(k, v[0], v[1], false)));
    return out;
  }

  /** An ordered map, for building series. */
  public static Map<String, double[][]> map() {
    return new LinkedHashMap<>();
  }

  private static XYChart base(String title, String xTitle, String yTitle, String yPattern) {
    XYChart chart =
        new XYChartBuilder().width(720).height(460).title(title).xAxisTitle(xTitle).yAxisTitle(yTitle).build();
    chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideS);
    chart.getStyler().setLegendLayout(Styler.LegendLayout.Horizontal);
    chart.getStyler().setChartBackgroundColor(Color.WHITE);
    chart.getStyler().setXAxisDecimalPattern("0");
    chart.getStyler().setYAxisDecimalPattern(yPattern);
    chart.getStyler().setAntiAlias(true);
    return chart;
  }

  private static double[][] finite(double[] x, double[] y) {
    List<double[]> pts = new ArrayList<>();
    for (int i = 0; i < x.length; i++) {
      if (Double.isFinite(x[i]) && Double.isFinite(y[i])) {
        pts.add(new double[] {x[i], y[i]});
      }
    }
    double[][] out = new double[2][pts.size()];
    for (int i = 0; i < pts.size(); i++) {
      out[0][i] = pts.get(i)[0];
      out[1][i] = pts.get(i)[1];
    }
    return out;
  }
}
