package io.github.vlmlens.core.report.internal;

import io.github.vlmlens.core.analysis.SwapResult;
import io.github.vlmlens.core.analysis.SwapResult.Curve;
import io.github.vlmlens.core.analysis.SwapResult.LayerStats;
import java.awt.Color;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.lines.SeriesLines;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** XChart plots of belief shift by layer, as PNG bytes. */
public final class SwapCharts {
  private static final Color[] COLORS = {
    new Color(0x1f77b4), new Color(0xd62728), new Color(0x2ca02c), new Color(0x7f7f7f),
    new Color(0x9467bd), new Color(0xff7f0e)
  };

  private SwapCharts() {}

  /** Every swap set's mean shift by layer in one plot. */
  public static byte[] overview(SwapResult r) {
    XYChart chart = base(r.config().name() + " on " + r.model() + ": mean belief shift by layer");
    int i = 0;
    for (Curve c : r.curves()) {
      double[][] xy = points(c.stats(), 0);
      if (xy[0].length > 0) {
        XYSeries s = chart.addSeries(SwapSummary.label(c.swapSet()), xy[0], xy[1]);
        s.setLineColor(COLORS[i % COLORS.length]);
        s.setMarkerColor(COLORS[i % COLORS.length]);
        s.setMarker(SeriesMarkers.CIRCLE);
      }
      i++;
    }
    return png(chart);
  }

  /** One swap set: the mean shift by layer with the bootstrap interval's ends as dashed lines. */
  public static byte[] curve(SwapResult r, Curve c, int colorIndex) {
    XYChart chart = base(SwapSummary.label(c.swapSet()) + ": belief shift by layer");
    Color color = COLORS[colorIndex % COLORS.length];
    double[][] mean = points(c.stats(), 0);
    if (mean[0].length > 0) {
      XYSeries m = chart.addSeries("mean", mean[0], mean[1]);
      m.setLineColor(color);
      m.setMarkerColor(color);
      m.setMarker(SeriesMarkers.CIRCLE);
      String pct = String.format(Locale.ROOT, "%.0f%%", 100 * r.config().confidence());
      double[][] lo = points(c.stats(), -1);
      double[][] hi = points(c.stats(), 1);
      XYSeries l = chart.addSeries(pct + " interval, lower", lo[0], lo[1]);
      XYSeries u = chart.addSeries(pct + " interval, upper", hi[0], hi[1]);
      for (XYSeries s : List.of(l, u)) {
        s.setLineColor(color.brighter());
        s.setLineStyle(SeriesLines.DASH_DASH);
        s.setMarker(SeriesMarkers.NONE);
      }
    } else {
      chart.addSeries("no kept sample", new double[] {0}, new double[] {0}).setMarker(SeriesMarkers.NONE);
    }
    return png(chart);
  }

  private static XYChart base(String title) {
    XYChart chart =
        new XYChartBuilder().width(720).height(460).title(title).xAxisTitle("layer (0 = embeddings)")
            .yAxisTitle("belief shift").build();
    chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideS);
    chart.getStyler().setLegendLayout(Styler.LegendLayout.Horizontal);
    chart.getStyler().setChartBackgroundColor(Color.WHITE);
    chart.getStyler().setXAxisDecimalPattern("0");
    chart.getStyler().setYAxisDecimalPattern("0.00");
    chart.getStyler().setAntiAlias(true);
    return chart;
  }

  /** Layers with kept samples and their mean (which 0), lower (-1) or upper (1) value. */
  private static double[][] points(List<LayerStats> stats, int which) {
    List<double[]> pts = new ArrayList<>();
    for (LayerStats s : stats) {
      double v = which == 0 ? s.mean() : which < 0 ? s.lower() : s.upper();
      if (s.n() > 0 && Double.isFinite(v)) {
        pts.add(new double[] {s.layer(), v});
      }
    }
    double[][] out = new double[2][pts.size()];
    for (int i = 0; i < pts.size(); i++) {
      out[0][i] = pts.get(i)[0];
      out[1][i] = pts.get(i)[1];
    }
    return out;
  }

  private static byte[] png(XYChart chart) {
    try {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      BitmapEncoder.saveBitmap(chart, out, BitmapEncoder.BitmapFormat.PNG);
      return out.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot render the chart '" + chart.getTitle() + "'", e);
    }
  }
}
