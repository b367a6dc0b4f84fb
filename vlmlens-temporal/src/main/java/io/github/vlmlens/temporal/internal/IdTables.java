package io.github.vlmlens.temporal.internal;

import io.github.vlmlens.core.analysis.Vectors;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Centred ID tables from per-sample activations at one layer (METHOD.md sections 2 and 6).
 *
 * <p>Every sample belongs to an object pair {@code p}, an anchor group {@code a} (the anchor's
 * frame) and carries a label {@code l} (the subject's frame, or its cell). Centring subtracts from
 * each activation the mean over its {@code (p, a)} group: {@code Delta_i}. The ID of label
 * {@code l} is then averaged level by level, as the paper does: per {@code (p, a, l)} over
 * positions, per {@code (p, l)} over anchors, and over pairs: {@code ID(l)}.
 */
public final class IdTables {
  private IdTables() {}

  /** Each sample minus the mean of its {@code (pair, anchor)} group. */
  public static double[][] centre(double[][] acts, int[] pair, int[] anchor) {
    List<Long> keys = new ArrayList<>(acts.length);
    for (int i = 0; i < acts.length; i++) {
      keys.add(((long) pair[i] << 32) | (anchor[i] & 0xffffffffL));
    }
    return Vectors.centreByGroup(acts, keys);
  }

  /**
   * The universal ID of each label {@code 0..labels-1}, averaged level by level.
   *
   * @throws IllegalArgumentException naming a label that no sample carries
   */
  public static double[][] ids(double[][] centred, int[] pair, int[] anchor, int[] label, int labels) {
    // (p, l) -> (a -> list of rows)
    Map<Long, Map<Integer, List<double[]>>> byPairLabel = new LinkedHashMap<>();
    for (int i = 0; i < centred.length; i++) {
      long key = ((long) pair[i] << 32) | (label[i] & 0xffffffffL);
      byPairLabel.computeIfAbsent(key, k -> new LinkedHashMap<>())
          .computeIfAbsent(anchor[i], k -> new ArrayList<>()).add(centred[i]);
    }
    List<List<double[]>> perLabel = new ArrayList<>();
    for (int l = 0; l < labels; l++) {
      perLabel.add(new ArrayList<>());
    }
    byPairLabel.forEach((key, byAnchor) -> {
      int l = (int) (key & 0xffffffffL);
      List<double[]> anchorMeans = new ArrayList<>();
      byAnchor.values().forEach(rows -> anchorMeans.add(Vectors.mean(rows)));
      perLabel.get(l).add(Vectors.mean(anchorMeans));
    });
    double[][] out = new double[labels][];
    for (int l = 0; l < labels; l++) {
      if (perLabel.get(l).isEmpty()) {
        throw new IllegalArgumentException("no sample has label " + l + " of 0.." + (labels - 1));
      }
      out[l] = Vectors.mean(perLabel.get(l));
    }
    return out;
  }

  /** The labels permuted at random within each {@code (pair, anchor)} group (Fisher-Yates). */
  public static int[] shuffleWithinGroups(int[] label, int[] pair, int[] anchor, Random random) {
    Map<Long, List<Integer>> groups = new LinkedHashMap<>();
    for (int i = 0; i < label.length; i++) {
      groups.computeIfAbsent(((long) pair[i] << 32) | (anchor[i] & 0xffffffffL), k -> new ArrayList<>()).add(i);
    }
    int[] out = Arrays.copyOf(label, label.length);
    for (List<Integer> idx : groups.values()) {
      int[] vals = new int[idx.size()];
      for (int k = 0; k < vals.length; k++) {
        vals[k] = label[idx.get(k)];
      }
      for (int k = vals.length - 1; k > 0; k--) {
        int j = random.nextInt(k + 1);
        int t = vals[k];
        vals[k] = vals[j];
        vals[j] = t;
      }
      for (int k = 0; k < vals.length; k++) {
        out[idx.get(k)] = vals[k];
      }
    }
    return out;
  }

  /** The rows' coordinates on a unit vector. */
  public static double[] coordinates(double[][] rows, double[] unit) {
    double[] c = new double[rows.length];
    for (int i = 0; i < rows.length; i++) {
      c[i] = Vectors.dot(rows[i], unit);
    }
    return c;
  }

  /** {@code 0, 1, ..., n-1} as doubles. */
  public static double[] indexes(int n) {
    double[] x = new double[n];
    for (int i = 0; i < n; i++) {
      x[i] = i;
    }
    return x;
  }

  /** An int array as doubles. */
  public static double[] asDoubles(int[] v) {
    double[] x = new double[v.length];
    for (int i = 0; i < v.length; i++) {
      x[i] = v[i];
    }
    return x;
  }

  /** Floats to doubles, row by row. */
  public static double[][] toDouble(float[][] m) {
    double[][] out = new double[m.length][];
    for (int i = 0; i < m.length; i++) {
      out[i] = Vectors.of(m[i]);
    }
    return out;
  }

  /** Doubles to floats, row by row. */
  public static float[][] toFloat(double[][] m) {
    float[][] out = new float[m.length][];
    for (int i = 0; i < m.length; i++) {
      out[i] = Vectors.toFloat(m[i]);
    }
    return out;
  }

  /** Each sample's fold unit: its pair, or its anchor frame when every sample has one pair. */
  public static int[] foldUnits(int[] pair, int[] anchor) {
    boolean onePair = java.util.Arrays.stream(pair).distinct().count() < 2;
    return onePair ? anchor.clone() : pair.clone();
  }

  /** The mean, ignoring NaNs; NaN when all are. */
  public static double mean(double[] v) {
    double s = 0;
    int n = 0;
    for (double x : v) {
      if (!Double.isNaN(x)) {
        s += x;
        n++;
      }
    }
    return n == 0 ? Double.NaN : s / n;
  }
}
