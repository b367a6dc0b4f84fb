package io.github.vlmlens.spatial.steer;

import io.github.vlmlens.core.report.Plot;
import io.github.vlmlens.core.report.Plot.Series;
import io.github.vlmlens.spatial.steer.SteeringResult.BeliefMap;
import io.github.vlmlens.spatial.steer.SteeringResult.Curve;
import io.github.vlmlens.spatial.steer.SteeringResult.LayerEstimate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;

/** The plots of a steering result. */
final class SteerCharts {
  private SteerCharts() {}

  /**
   * The curves of one scope by layer, in percent (as the tables), each with its bootstrap interval
   * shaded.
   */
  public static Plot curves(SteeringResult r, String scope) {
    String measure = r.mode().name().equals("ORACLE") ? "accuracy (%)" : "beliefs swapped (%)";
    String pct = String.format(Locale.ROOT, "%.0f%%", 100 * r.config().confidence());
    Plot c = Plot.byLayer(title(r) + " (" + scope + " questions; shaded: " + pct + " bootstrap intervals)", measure)
        .withEmptyNote("no scene");
    int i = 0;
    for (Curve curve : r.curves()) {
      if (!curve.scope().equals(scope)) {
        continue;
      }
      double[] x = curve.points().stream().mapToDouble(LayerEstimate::layer).toArray();
      c = c.with(Series.line(curve.name(), x, percent(curve, p -> p.estimate().mean()), i++)
          .withBand(percent(curve, p -> p.estimate().lower()), percent(curve, p -> p.estimate().upper())));
    }
    return c;
  }

  private static double[] percent(Curve c, ToDoubleFunction<LayerEstimate> f) {
    return c.points().stream().mapToDouble(p -> 100 * f.applyAsDouble(p)).toArray();
  }

  /**
   * One belief map: the probability of the second answer (right, below) among the two, per target
   * cell of B's ID; row 0 at the top, as in the image.
   */
  public static Plot heatMap(BeliefMap map) {
    int m = map.probability().size();
    List<String> labels = new ArrayList<>();
    for (int k = 0; k < m; k++) {
      labels.add(String.valueOf(k));
    }
    double[][] v = new double[m][];
    for (int row = 0; row < m; row++) {
      v[row] = map.probability().get(row).stream().mapToDouble(Double::doubleValue).toArray();
    }
    return Plot.heatMap("layer " + map.layer() + ": P(" + map.answer() + ")", "target column", "target row", labels,
        labels, v, 0, 1);
  }

  /** The belief maps of one axis, in layer order. */
  public static List<Plot> heatMaps(SteeringResult r, String scope) {
    List<Plot> out = new ArrayList<>();
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
