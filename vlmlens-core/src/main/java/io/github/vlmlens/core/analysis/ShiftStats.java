package io.github.vlmlens.core.analysis;

import io.github.vlmlens.core.analysis.SwapResult.LayerStats;
import org.apache.commons.math3.random.RandomGenerator;
import org.apache.commons.math3.random.Well19937c;
import org.apache.commons.math3.stat.StatUtils;
import org.apache.commons.math3.stat.descriptive.moment.StandardDeviation;
import org.apache.commons.math3.stat.descriptive.rank.Percentile.EstimationType;
import org.apache.commons.math3.stat.descriptive.rank.Percentile;

/** Mean, standard deviation and percentile bootstrap interval of a layer's shifts. */
final class ShiftStats {
  private ShiftStats() {}

  /**
   * The statistics of {@code values}.
   *
   * @param resamples the number of bootstrap resamples
   * @param confidence the interval's coverage
   * @param seed the bootstrap generator's seed (Well19937c)
   */
  public static LayerStats of(int layer, double[] values, int resamples, double confidence, long seed) {
    int n = values.length;
    if (n == 0) {
      return new LayerStats(layer, 0, Double.NaN, Double.NaN, Double.NaN, Double.NaN);
    }
    double mean = StatUtils.mean(values);
    double sd = new StandardDeviation(true).evaluate(values);
    double[] interval = bootstrapInterval(values, resamples, confidence, seed);
    return new LayerStats(layer, n, mean, sd, interval[0], interval[1]);
  }

  /**
   * The percentile bootstrap interval of the mean: {@code resamples} means of {@code n} values drawn
   * with replacement, and their {@code (1 - confidence) / 2} and {@code (1 + confidence) / 2}
   * quantiles (estimation type R-7, linear interpolation).
   */
  public static double[] bootstrapInterval(double[] values, int resamples, double confidence, long seed) {
    int n = values.length;
    RandomGenerator rng = new Well19937c(seed);
    double[] means = new double[resamples];
    for (int b = 0; b < resamples; b++) {
      double sum = 0;
      for (int i = 0; i < n; i++) {
        sum += values[rng.nextInt(n)];
      }
      means[b] = sum / n;
    }
    Percentile q = new Percentile().withEstimationType(EstimationType.R_7);
    q.setData(means);
    double alpha = (1 - confidence) / 2;
    return new double[] {q.evaluate(100 * alpha), q.evaluate(100 * (1 - alpha))};
  }
}
