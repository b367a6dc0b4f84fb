package io.github.vlmlens.spatial.real;

import io.github.vlmlens.core.API;
import java.util.Arrays;
import org.apache.commons.math3.distribution.NormalDistribution;
import org.apache.commons.math3.stat.ranking.NaNStrategy;
import org.apache.commons.math3.stat.ranking.NaturalRanking;
import org.apache.commons.math3.stat.ranking.TiesStrategy;

/**
 * The Mann-Whitney U test of two independent samples, with two-sided and one-sided p-values.
 *
 * <p>{@code u} is the statistic of the first sample: the number of pairs {@code (a_i, b_j)} with
 * {@code a_i > b_j}, ties counting one half ({@code R_a - n_a (n_a + 1) / 2} with mid-ranks from
 * Commons Math's {@link NaturalRanking}). P-values follow SciPy's {@code mannwhitneyu(method=
 * "auto")}: the exact null distribution when a sample has fewer than 8 values and there are no
 * ties, else the normal approximation with the tie-corrected variance and a continuity
 * correction of 0.5. {@code pGreater} tests "the first sample tends to be larger",
 * {@code pLess} the reverse; the two-sided p is twice the smaller one, at most 1.
 *
 * @param n1 the size of the first sample
 * @param n2 the size of the second sample
 * @param u the U statistic of the first sample
 * @param pTwoSided the two-sided p-value
 * @param pGreater the one-sided p-value for "first > second"
 * @param pLess the one-sided p-value for "first < second"
 * @param method {@code exact} or {@code normal}
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1.0")
public record MannWhitney(int n1, int n2, double u, double pTwoSided, double pGreater, double pLess, String method) {

  /**
   * The test of {@code a} against {@code b}; NaN values are dropped first.
   *
   * @throws IllegalArgumentException when either sample has no finite value
   */
  public static MannWhitney test(double[] a, double[] b) {
    double[] x = Arrays.stream(a).filter(v -> !Double.isNaN(v)).toArray();
    double[] y = Arrays.stream(b).filter(v -> !Double.isNaN(v)).toArray();
    if (x.length == 0 || y.length == 0) {
      throw new IllegalArgumentException(
          "a Mann-Whitney U test needs values in both groups, got " + x.length + " and " + y.length);
    }
    int n1 = x.length;
    int n2 = y.length;
    double[] all = new double[n1 + n2];
    System.arraycopy(x, 0, all, 0, n1);
    System.arraycopy(y, 0, all, n1, n2);
    double[] ranks = new NaturalRanking(NaNStrategy.FAILED, TiesStrategy.AVERAGE).rank(all);
    double r1 = 0;
    for (int i = 0; i < n1; i++) {
      r1 += ranks[i];
    }
    double u = r1 - n1 * (n1 + 1) / 2.0;
    double[] sorted = all.clone();
    Arrays.sort(sorted);
    double tieSum = 0;
    boolean ties = false;
    for (int i = 0; i < sorted.length; ) {
      int j = i;
      while (j < sorted.length && sorted[j] == sorted[i]) {
        j++;
      }
      double t = j - i;
      if (t > 1) {
        ties = true;
        tieSum += t * t * t - t;
      }
      i = j;
    }
    double pGreater;
    double pLess;
    String method;
    if (!ties && Math.min(n1, n2) < 8) {
      double[] dist = exactDistribution(n1, n2);
      int uInt = (int) Math.round(u);
      double ge = 0;
      double le = 0;
      for (int k = 0; k < dist.length; k++) {
        if (k >= uInt) {
          ge += dist[k];
        }
        if (k <= uInt) {
          le += dist[k];
        }
      }
      pGreater = ge;
      pLess = le;
      method = "exact";
    } else {
      double n = n1 + n2;
      double mean = n1 * n2 / 2.0;
      double var = n1 * n2 / 12.0 * ((n + 1) - tieSum / (n * (n - 1)));
      double sd = Math.sqrt(var);
      NormalDistribution z = new NormalDistribution(null, 0, 1);
      if (sd == 0) {
        pGreater = 1;
        pLess = 1;
      } else {
        pGreater = 1 - z.cumulativeProbability((u - mean - 0.5) / sd);
        pLess = z.cumulativeProbability((u - mean + 0.5) / sd);
      }
      method = "normal";
    }
    pGreater = Math.min(1, pGreater);
    pLess = Math.min(1, pLess);
    return new MannWhitney(n1, n2, u, Math.min(1, 2 * Math.min(pGreater, pLess)), pGreater, pLess, method);
  }

  /** Whether the test rejects equality at level {@code alpha} (two-sided). */
  public boolean significant(double alpha) {
    return pTwoSided < alpha;
  }

  /** "U = 12.0, p = 0.031 (two-sided), n = 6 vs 7, exact". */
  public String describe() {
    return String.format(java.util.Locale.ROOT, "U = %.1f, p = %.3g (two-sided; %.3g for first > second), n = %d vs %d, %s",
        u, pTwoSided, pGreater, n1, n2, method);
  }

  /** P(U = k) for k = 0..n1*n2 under the null, by the recursion of U's counts. */
  static double[] exactDistribution(int n1, int n2) {
    // c[i][j][k]: arrangements of i first- and j second-sample values with U = k.
    double[][][] c = new double[n1 + 1][n2 + 1][];
    for (int i = 0; i <= n1; i++) {
      for (int j = 0; j <= n2; j++) {
        double[] v = new double[i * j + 1];
        if (i == 0 || j == 0) {
          v[0] = 1;
        } else {
          // The largest value is from the first sample (it beats all j) or from the second.
          double[] a = c[i - 1][j];
          for (int k = 0; k < a.length; k++) {
            v[k + j] += a[k];
          }
          double[] b = c[i][j - 1];
          for (int k = 0; k < b.length; k++) {
            v[k] += b[k];
          }
        }
        c[i][j] = v;
      }
    }
    double[] d = c[n1][n2];
    double total = 0;
    for (double x : d) {
      total += x;
    }
    for (int k = 0; k < d.length; k++) {
      d[k] /= total;
    }
    return d;
  }
}
