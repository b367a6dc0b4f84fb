package io.github.vlmlens.spatial.steer;

import io.github.vlmlens.spatial.ids.internal.Plots;
import io.github.vlmlens.spatial.steer.SteeringResult.BeliefMap;
import io.github.vlmlens.spatial.steer.SteeringResult.Curve;
import io.github.vlmlens.spatial.steer.SteeringResult.LayerEstimate;
import java.awt.Color;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.knowm.xchart.HeatMapChart;
import org.knowm.xchart.HeatMapChartBuilder;
import org.knowm.xchart.XYChart;

/** The plots of a steering result. */
final class SteerCharts {
  private SteerCharts() {}

  /** The curves of one scope by layer, in percent, with their bootstrap intervals dashed. */
  public static XYChart curves(SteeringResult r, String scope) {
    String measure = r.mode().name().equals("ORACLE") ? "accuracy (%)" : "beliefs swapped (%)";
    String pct = String.format(Locale.ROOT, "%.0f%%", 100 * r.config().confidence());
    XYChart c = Plots.byLayer(title(r) + " (" + scope + " questions)", measure);
    c.getStyler().setYAxisDecimalPattern("0");
    int i = 0;
    for (Curve curve : r.curves()) {
      if (!curve.scope().equals(scope)) {
        continue;
      }
      Color color = Plots.COLORS[i++ % Plots.COLORS.length];
      double[] x = curve.points().stream().mapToDouble(LayerEstimate::layer).toArray();
      double[] mean = curve.points().stream().mapToDouble(p -> 100 * p.estimate().mean()).toArray();
      double[] lo = curve.points().stream().mapToDouble(p -> 100 * p.estimate().lower()).toArray();
      double[] hi = curve.points().stream().mapToDouble(p -> 100 * p.estimate().upper()).toArray();
      Plots.line(c, curve.name(), x, mean, color, false);
      Plots.line(c, curve.name() + ", " + pct + " interval, lower", x, lo, color.brighter(), true);
      Plots.line(c, curve.name() + ", " + pct + " interval, upper", x, hi, color.brighter(), true);
    }
    if (c.getSeriesCollection().isEmpty()) {
      Plots.emptyNote(c, "no scene");
    }
    return c;
  }

  /**
   * One belief map: the probability of the second answer (right, below) among the two, per target
   * cell of B's ID; row 0 at the top, as in the image.
   */
  public static HeatMapChart heatMap(BeliefMap map) {
    int m = map.probability().size();
    HeatMapChart c = new HeatMapChartBuilder().width(300).height(280)
        .title("layer " + map.layer() + ": P(" + map.answer() + ")").xAxisTitle("target column")
        .yAxisTitle("target row").build();
    c.getStyler().setShowValue(true);
    c.getStyler().setHeatMapValueDecimalPattern("0.00");
    c.getStyler().setMin(0);
    c.getStyler().setMax(1);
    c.getStyler().setLegendVisible(false);
    c.getStyler().setChartBackgroundColor(Color.WHITE);
    c.getStyler().setRangeColors(new Color[] {new Color(0x2166ac), new Color(0xf7f7f7), new Color(0xb2182b)});
    List<String> xs = new ArrayList<>();
    List<String> ys = new ArrayList<>();
    for (int k = 0; k < m; k++) {
      xs.add(String.valueOf(k));
      ys.add(String.valueOf(m - 1 - k));
    }
    List<Number[]> heat = new ArrayList<>();
    for (int row = 0; row < m; row++) {
      for (int col = 0; col < m; col++) {
        heat.add(new Number[] {col, m - 1 - row, map.probability().get(row).get(col)});
      }
    }
    c.addSeries("P(" + map.answer() + ")", xs, ys, heat);
    return c;
  }

  /** The belief maps of one axis, in layer order. */
  public static List<HeatMapChart> heatMaps(SteeringResult r, String scope) {
    List<HeatMapChart> out = new ArrayList<>();
    for (BeliefMap m : r.beliefMaps()) {
      if (SteerAggregator.scope(m.axis()).equals(scope)) {
        out.add(heatMap(m));
      }
    }
    return out;
  }

  static String title(SteeringResult r) {
    switch (r.mode()) {
      case ADVERSARIAL:
        return "Adversarial steering on " + r.model();
      case CROSS_AXIS:
        return "Cross-axis steering on " + r.model();
      case ORACLE:
        return "Oracle injection on " + r.model();
      default:
        return "Arbitrary steering on " + r.model();
    }
  }
}
