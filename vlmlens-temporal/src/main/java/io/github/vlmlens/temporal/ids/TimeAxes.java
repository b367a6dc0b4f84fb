package io.github.vlmlens.temporal.ids;

import io.github.vlmlens.core.analysis.HeldOutLinearity;
import io.github.vlmlens.core.analysis.Linearity;
import io.github.vlmlens.core.analysis.Vectors;
import io.github.vlmlens.temporal.ids.TemporalIdResult.AxisFit;
import io.github.vlmlens.temporal.ids.TemporalIdResult.LayerIds;
import io.github.vlmlens.temporal.internal.IdTables;
import java.util.Random;

/**
 * The temporal IDs, time axes and linearity of one layer: in-sample figures, and the
 * cross-validated {@code R^2} of each axis with its permutation test ({@link HeldOutLinearity}:
 * the axis refitted on training folds of pairs, or of anchor frames when there is one pair,
 * judged on the held-out IDs' frame order).
 */
final class TimeAxes {
  private TimeAxes() {}

  /** The two axes of a set of IDs: [ordered-difference (raw), principal (unit, oriented)]; zeros when undefined. */
  static double[][] axes(double[][] ids) {
    double[] diff = Vectors.orderedDifferenceMean(ids);
    double[] principal;
    try {
      principal = Vectors.firstPrincipalDirection(ids);
      if (Vectors.norm(diff) > 0) {
        principal = Vectors.orient(principal, diff);
      }
    } catch (IllegalArgumentException e) {
      principal = new double[diff.length]; // every ID equal: no direction
    }
    return new double[][] {diff, principal};
  }

  /**
   * Analyses one layer.
   *
   * @param acts the subject word's activation per sample
   * @param pair each sample's pair index
   * @param anchor each sample's anchor frame
   * @param frame each sample's subject frame
   * @param frames the number of frames
   * @param shuffles the number of baseline shuffles
   * @param permutations the number of relabellings of the permutation test
   * @param seed the baseline's seed (mixed with the layer)
   */
  static LayerIds analyse(
      int layer, double[][] acts, int[] pair, int[] anchor, int[] frame, int frames, int shuffles, int permutations,
      long seed) {
    double[][] centred = IdTables.centre(acts, pair, anchor);
    double[][] ids = IdTables.ids(centred, pair, anchor, frame, frames);
    double[][] axes = axes(ids);
    double[] sampleFrames = IdTables.asDoubles(frame);

    double[][] shuffledMeans = new double[2][shuffles];
    double[][] shuffledSamples = new double[2][shuffles];
    Random random = new Random(seed * 1_000_003L + layer);
    for (int s = 0; s < shuffles; s++) {
      int[] shuffled = IdTables.shuffleWithinGroups(frame, pair, anchor, random);
      double[][] sIds = IdTables.ids(centred, pair, anchor, shuffled, frames);
      double[][] sAxes = axes(sIds);
      for (int a = 0; a < 2; a++) {
        double[] u = unitOrZero(sAxes[a]);
        shuffledMeans[a][s] = r2(IdTables.indexes(frames), IdTables.coordinates(sIds, u));
        shuffledSamples[a][s] = r2(IdTables.asDoubles(shuffled), IdTables.coordinates(centred, u));
      }
    }
    HeldOutLinearity heldOut = HeldOutLinearity.of(
        centred, frame, frames, IdTables.foldUnits(pair, anchor), HeldOutLinearity.DEFAULT_FOLDS, seed);
    double[][] frameCoordinates = column(IdTables.indexes(frames));
    AxisFit[] fits = new AxisFit[2];
    for (int a = 0; a < 2; a++) {
      int kind = a;
      HeldOutLinearity.Result cv = heldOut.test(
          t -> direction(axes(t)[kind]), frameCoordinates, permutations, seed * 1_000_003L + layer);
      double[] u = unitOrZero(axes[a]);
      double[] coords = IdTables.coordinates(ids, u);
      boolean zero = Vectors.norm(u) == 0;
      fits[a] = new AxisFit(
          r2(IdTables.indexes(frames), coords),
          r2(sampleFrames, IdTables.coordinates(centred, u)),
          IdTables.mean(shuffledMeans[a]),
          IdTables.mean(shuffledSamples[a]),
          zero ? Double.NaN : Vectors.explainedVariance(ids, new double[][] {u}),
          coords, cv.cvR2(), cv.pValue(), cv.permutedMean(), cv.folds(), Double.NaN);
    }
    double cos = Vectors.cosine(axes[0], axes[1]);
    return new LayerIds(
        layer, IdTables.toFloat(ids), Vectors.toFloat(axes[0]), Vectors.toFloat(axes[1]), cos, fits[0], fits[1]);
  }

  /** {@code v} as a one-row direction, unit length, or {@code null} when it is zero. */
  static double[][] direction(double[] v) {
    double n = Vectors.norm(v);
    return n > 0 ? new double[][] {Vectors.scale(v, 1 / n)} : null;
  }

  /** Values as a column of one-coordinate rows. */
  static double[][] column(double[] v) {
    double[][] out = new double[v.length][];
    for (int i = 0; i < v.length; i++) {
      out[i] = new double[] {v[i]};
    }
    return out;
  }

  static double[] unitOrZero(double[] v) {
    double n = Vectors.norm(v);
    return n > 0 ? Vectors.scale(v, 1 / n) : new double[v.length];
  }

  static double r2(double[] x, double[] y) {
    return Linearity.rSquared(x, y);
  }
}
