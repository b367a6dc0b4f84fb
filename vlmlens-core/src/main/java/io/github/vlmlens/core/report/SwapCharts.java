package io.github.vlmlens.core.report;

import io.github.vlmlens.core.analysis.SwapResult;
import io.github.vlmlens.core.analysis.SwapResult.Curve;
import io.github.vlmlens.core.analysis.SwapResult.LayerStats;
import io.github.vlmlens.core.report.Plot.Series;
import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;

/** The plots of belief shift by layer. */
final class SwapCharts {
  private SwapCharts() {}

  /** Every swap set's mean shift by layer in one plot. */
  public static Plot overview(SwapResult r) {
    Plot p = Plot.byLayer(r.config().name() + " on " + r.model() + ": mean belief shift by layer", "belief shift");
    int i = 0;
    for (Curve c : r.curves()) {
      p = p.with(Series.line(SwapSummary.label(c.swapSet()), layers(c), values(c, LayerStats::mean), i++));
    }
    return p.withEmptyNote("no kept sample");
  }

  /** One swap set: the mean shift by layer with its bootstrap interval shaded. */
  public static Plot curve(SwapResult r, Curve c, int colorIndex) {
    String pct = String.format(Locale.ROOT, "%.0f%%", 100 * r.config().confidence());
    Series mean = Series.line("mean (shaded: " + pct + " bootstrap interval)", layers(c), values(c, LayerStats::mean),
        colorIndex).withBand(values(c, LayerStats::lower), values(c, LayerStats::upper));
    return Plot.byLayer(SwapSummary.label(c.swapSet()) + ": belief shift by layer", "belief shift").with(mean)
        .withEmptyNote("no kept sample");
  }

  private static double[] layers(Curve c) {
    return c.stats().stream().mapToDouble(LayerStats::layer).toArray();
  }

  /** The statistic of layers with kept samples; NaN (left out of the plot) where none was kept. */
  private static double[] values(Curve c, ToDoubleFunction<LayerStats> f) {
    List<LayerStats> stats = c.stats();
    return stats.stream().mapToDouble(s -> s.n() > 0 ? f.applyAsDouble(s) : Double.NaN).toArray();
  }
}
