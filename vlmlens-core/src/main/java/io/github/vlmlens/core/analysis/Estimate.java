package io.github.vlmlens.core.analysis;

import io.github.vlmlens.core.API;
import io.github.vlmlens.core.analysis.SwapResult.LayerStats;
import java.util.Locale;

/**
 * The mean of some values with its standard deviation and a seeded percentile bootstrap interval,
 * computed exactly as the swap experiment's per-layer statistics are (so all analyses report
 * intervals the same way). For a rate, pass 0/1 indicators: the mean is the proportion.
 *
 * @param n the number of values
 * @param mean their mean (NaN when {@code n == 0})
 * @param sd their standard deviation with {@code n - 1} (0 when {@code n == 1}, NaN when 0)
 * @param lower the lower end of the bootstrap interval of the mean
 * @param upper its upper end
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1.0")
public record Estimate(int n, double mean, double sd, double lower, double upper) {

  /**
   * The estimate of {@code values}' mean: {@code resamples} bootstrap means drawn with a
   * Well19937c generator seeded with {@code seed}, and their {@code (1 - confidence) / 2} and
   * {@code (1 + confidence) / 2} quantiles.
   *
   * @throws IllegalArgumentException for {@code resamples < 1} or a confidence outside (0, 1)
   */
  public static Estimate of(double[] values, int resamples, double confidence, long seed) {
    if (resamples < 1) {
      throw new IllegalArgumentException("resamples must be >= 1, got " + resamples);
    }
    if (!(confidence > 0 && confidence < 1)) {
      throw new IllegalArgumentException("confidence must lie in (0, 1), got " + confidence);
    }
    LayerStats s = ShiftStats.of(0, values.clone(), resamples, confidence, seed);
    return new Estimate(s.n(), s.mean(), s.sd(), s.lower(), s.upper());
  }

  /** The estimate with {@link SwapConfig#DEFAULT_RESAMPLES} resamples at 95%. */
  public static Estimate of(double[] values, long seed) {
    return of(values, SwapConfig.DEFAULT_RESAMPLES, SwapConfig.DEFAULT_CONFIDENCE, seed);
  }

  /** Every value multiplied by {@code factor} (for example 100, for a percentage). */
  public Estimate times(double factor) {
    double lo = lower * factor;
    double hi = upper * factor;
    return new Estimate(n, mean * factor, sd * Math.abs(factor), Math.min(lo, hi), Math.max(lo, hi));
  }

  /** For example {@code "0.640 [0.550, 0.720]"}. */
  @Override
  public String toString() {
    return n == 0 ? "-" : String.format(Locale.ROOT, "%.3f [%.3f, %.3f]", mean, lower, upper);
  }
}
