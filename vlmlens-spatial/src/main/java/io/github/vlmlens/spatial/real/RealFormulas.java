package io.github.vlmlens.spatial.real;

import io.github.vlmlens.core.API;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * The formulas of the real-image analyses as pure functions (METHOD.md section 4), each tested
 * against a hand computation.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1.0")
public final class RealFormulas {
  private RealFormulas() {}

  /**
   * The coordinate of a vector along an axis: {@code <x, a / |a|>}. Projecting onto the ID plane
   * {@code V V^T} first changes nothing when {@code a} lies in the plane, as {@code h_L} and
   * {@code v_L} do.
   *
   * @throws IllegalArgumentException for different lengths or a zero axis
   */
  public static double coordinate(double[] x, double[] axis) {
    if (x.length != axis.length) {
      throw new IllegalArgumentException("vector of length " + x.length + " and axis of length " + axis.length);
    }
    double dot = 0;
    double nn = 0;
    for (int i = 0; i < x.length; i++) {
      dot += x[i] * axis[i];
      nn += axis[i] * axis[i];
    }
    if (nn == 0) {
      throw new IllegalArgumentException("the axis is the zero vector");
    }
    return dot / Math.sqrt(nn);
  }

  /**
   * Bilinear interpolation of per-cell values of an {@code m x m} grid ({@code values[row][column]})
   * at a point in grid units: column {@code u} and row {@code v} in {@code [0, m]}, cell
   * {@code (i, j)} spanning {@code [j, j + 1) x [i, i + 1)} with its value at its centre
   * {@code (j + 0.5, i + 0.5)}. Points beyond the outer cell centres take the edge values
   * (clamped).
   */
  public static double bilinear(double[][] values, double u, double v) {
    int m = values.length;
    double fx = clamp(u - 0.5, 0, m - 1);
    double fy = clamp(v - 0.5, 0, m - 1);
    int j0 = (int) Math.floor(fx);
    int i0 = (int) Math.floor(fy);
    int j1 = Math.min(j0 + 1, m - 1);
    int i1 = Math.min(i0 + 1, m - 1);
    double tx = fx - j0;
    double ty = fy - i0;
    double top = values[i0][j0] * (1 - tx) + values[i0][j1] * tx;
    double bottom = values[i1][j0] * (1 - tx) + values[i1][j1] * tx;
    return top * (1 - ty) + bottom * ty;
  }

  /**
   * The ground-truth ID coordinate at a box centre: the per-cell coordinates interpolated
   * bilinearly ({@link #bilinear}) at the centre {@code (cx, cy)} of an image of
   * {@code width x height} pixels mapped onto the {@code m x m} grid.
   */
  public static double groundTruthCoordinate(double[][] cellCoordinates, double cx, double cy, double width, double height) {
    int m = cellCoordinates.length;
    return bilinear(cellCoordinates, cx / width * m, cy / height * m);
  }

  /**
   * The ID deviation margin (figure 8A): {@code eps_ext - eps_gt} with
   * {@code eps_ext = i_ext(o) - i_ext(o~)} and {@code eps_gt = i_gt(o) - i_gt(o~)}, {@code o} the
   * subject and {@code o~} the object.
   */
  public static double idMargin(double extSubject, double extObject, double gtSubject, double gtObject) {
    return (extSubject - extObject) - (gtSubject - gtObject);
  }

  /**
   * Bounding-box sensitivity (figure 8B):
   * {@code (P(GT) - P(GT | blur o)) - (P(GT) - min_r P(GT | blur r))}.
   *
   * @throws IllegalArgumentException when no random box is given
   */
  public static double boxSensitivity(double pGt, double pGtBlurObject, double[] pGtBlurRandom) {
    if (pGtBlurRandom.length == 0) {
      throw new IllegalArgumentException("bounding-box sensitivity needs at least one random box");
    }
    double min = Double.POSITIVE_INFINITY;
    for (double p : pGtBlurRandom) {
      min = Math.min(min, p);
    }
    return (pGt - pGtBlurObject) - (pGt - min);
  }

  /**
   * Up to {@code count} boxes of {@code size}'s width and height (whole pixels, rounded up) placed
   * uniformly at random inside a {@code width x height} image, overlapping none of {@code avoid}:
   * top-left corners drawn by {@code new Random(seed)}, at most {@code 1000 * count} draws. Fewer
   * come back when they do not fit.
   */
  public static List<ObjectBox> randomBoxes(
      int width, int height, ObjectBox size, List<ObjectBox> avoid, int count, long seed) {
    int w = (int) Math.ceil(size.width());
    int h = (int) Math.ceil(size.height());
    List<ObjectBox> out = new ArrayList<>();
    if (w > width || h > height) {
      return out;
    }
    Random r = new Random(seed);
    for (int tries = 0; tries < 1000 * count && out.size() < count; tries++) {
      ObjectBox b = new ObjectBox(r.nextInt(width - w + 1), r.nextInt(height - h + 1), w, h);
      boolean ok = true;
      for (ObjectBox a : avoid) {
        if (b.overlaps(a)) {
          ok = false;
          break;
        }
      }
      if (ok) {
        out.add(b);
      }
    }
    return out;
  }

  /**
   * Spearman's rank correlation of paired values (mid-ranks for ties); NaN when either side is
   * constant or there are fewer than 3 pairs.
   */
  public static double spearman(double[] x, double[] y) {
    if (x.length != y.length) {
      throw new IllegalArgumentException("paired values of different lengths " + x.length + " and " + y.length);
    }
    if (x.length < 3) {
      return Double.NaN;
    }
    org.apache.commons.math3.stat.ranking.NaturalRanking rk = new org.apache.commons.math3.stat.ranking.NaturalRanking(
        org.apache.commons.math3.stat.ranking.TiesStrategy.AVERAGE);
    double[] rx = rk.rank(x);
    double[] ry = rk.rank(y);
    return pearson(rx, ry);
  }

  /**
   * The one-sided permutation p-value of a positive Spearman correlation: the fraction of
   * orderings of {@code y} whose correlation with {@code x} is at least the observed one; exact
   * (all orderings) for up to 8 pairs, else 10,000 seeded shuffles (plus the observed one).
   */
  public static double spearmanPermutationP(double[] x, double[] y, long seed) {
    double observed = spearman(x, y);
    if (Double.isNaN(observed)) {
      return Double.NaN;
    }
    int n = y.length;
    double[] perm = y.clone();
    if (n <= 8) {
      int[] idx = new int[n];
      for (int i = 0; i < n; i++) {
        idx[i] = i;
      }
      long[] counts = new long[2];
      permute(idx, 0, x, y, observed, counts);
      return (double) counts[0] / counts[1];
    }
    Random r = new Random(seed);
    int hits = 1;
    int total = 10_000;
    for (int t = 0; t < total; t++) {
      for (int i = n - 1; i > 0; i--) {
        int j = r.nextInt(i + 1);
        double tmp = perm[i];
        perm[i] = perm[j];
        perm[j] = tmp;
      }
      double s = spearman(x, perm);
      if (!Double.isNaN(s) && s >= observed - 1e-12) {
        hits++;
      }
    }
    return (double) hits / (total + 1);
  }

  private static void permute(int[] idx, int k, double[] x, double[] y, double observed, long[] counts) {
    if (k == idx.length) {
      double[] p = new double[idx.length];
      for (int i = 0; i < idx.length; i++) {
        p[i] = y[idx[i]];
      }
      double s = spearman(x, p);
      counts[1]++;
      if (!Double.isNaN(s) && s >= observed - 1e-12) {
        counts[0]++;
      }
      return;
    }
    for (int i = k; i < idx.length; i++) {
      int t = idx[k];
      idx[k] = idx[i];
      idx[i] = t;
      permute(idx, k + 1, x, y, observed, counts);
      idx[i] = idx[k];
      idx[k] = t;
    }
  }

  private static double pearson(double[] a, double[] b) {
    int n = a.length;
    double ma = 0;
    double mb = 0;
    for (int i = 0; i < n; i++) {
      ma += a[i] / n;
      mb += b[i] / n;
    }
    double sab = 0;
    double saa = 0;
    double sbb = 0;
    for (int i = 0; i < n; i++) {
      sab += (a[i] - ma) * (b[i] - mb);
      saa += (a[i] - ma) * (a[i] - ma);
      sbb += (b[i] - mb) * (b[i] - mb);
    }
    return saa == 0 || sbb == 0 ? Double.NaN : sab / Math.sqrt(saa * sbb);
  }

  private static double clamp(double x, double lo, double hi) {
    return Math.max(lo, Math.min(hi, x));
  }
}
