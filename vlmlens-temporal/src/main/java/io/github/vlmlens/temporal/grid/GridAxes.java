package io.github.vlmlens.temporal.grid;

import io.github.vlmlens.core.analysis.HeldOutLinearity;
import io.github.vlmlens.core.analysis.Linearity;
import io.github.vlmlens.core.analysis.Vectors;
import io.github.vlmlens.temporal.grid.GridResult.Fit;
import io.github.vlmlens.temporal.grid.GridResult.GridLayer;
import io.github.vlmlens.temporal.internal.IdTables;
import java.util.Random;

/**
 * The spatial and temporal axes of one layer of a spatiotemporal grid, and the projected grid; each
 * coordinate's linearity in-sample and cross-validated ({@link HeldOutLinearity}: both axes and
 * their plane refitted on training folds of pairs, or of anchor frames with one pair; x judged
 * against the held-out IDs' columns, y against their frames).
 */
final class GridAxes {
  private GridAxes() {}

  /**
   * Analyses one layer. Sample {@code i} has label {@code column * frames + frame}.
   *
   * @param acts the subject word's activation per sample
   * @param pair each sample's pair index
   * @param anchor each sample's anchor frame
   * @param label each sample's cell label
   */
  static GridLayer analyse(
      int layer, double[][] acts, int[] pair, int[] anchor, int[] label, int columns, int frames, int shuffles,
      int permutations, long seed) {
    double[][] centred = IdTables.centre(acts, pair, anchor);
    Solved s = solve(centred, pair, anchor, label, columns, frames);
    double[][] sh = new double[4][shuffles];
    Random random = new Random(seed * 1_000_003L + layer);
    for (int k = 0; k < shuffles; k++) {
      int[] shuffled = IdTables.shuffleWithinGroups(label, pair, anchor, random);
      Solved b = solve(centred, pair, anchor, shuffled, columns, frames);
      sh[0][k] = b.r2[0];
      sh[1][k] = b.r2[1];
      sh[2][k] = b.r2[2];
      sh[3][k] = b.r2[3];
    }
    HeldOutLinearity heldOut = HeldOutLinearity.of(
        centred, label, columns * frames, IdTables.foldUnits(pair, anchor), HeldOutLinearity.DEFAULT_FOLDS, seed);
    HeldOutLinearity.Result[] cv = new HeldOutLinearity.Result[2];
    for (int k = 0; k < 2; k++) {
      int row = k;
      double[][] coords = new double[columns * frames][];
      for (int c = 0; c < columns * frames; c++) {
        coords[c] = new double[] {row == 0 ? c / frames : c % frames};
      }
      cv[k] = heldOut.test(t -> plane(t, columns, frames, row), coords, permutations, seed * 1_000_003L + layer + k);
    }
    return new GridLayer(
        layer, Vectors.toFloat(s.h), Vectors.toFloat(s.t), Vectors.cosine(s.h, s.t), s.x, s.y,
        new Fit(s.r2[0], s.r2[1], IdTables.mean(sh[0]), IdTables.mean(sh[1]), cv[0].cvR2(), cv[0].pValue(),
            cv[0].permutedMean(), cv[0].folds(), Double.NaN),
        new Fit(s.r2[2], s.r2[3], IdTables.mean(sh[2]), IdTables.mean(sh[3]), cv[1].cvR2(), cv[1].pValue(),
            cv[1].permutedMean(), cv[1].folds(), Double.NaN));
  }

  /** One row of the plane of a label-ordered ID table (0: spatial, 1: temporal), or {@code null}. */
  private static double[][] plane(double[][] ids, int columns, int frames, int row) {
    double[][][] table = grid(ids, columns, frames);
    try {
      return new double[][] {Vectors.gramSchmidt(spatialAxis(table), temporalAxis(table))[row]};
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  private static double[][][] grid(double[][] ids, int columns, int frames) {
    double[][][] table = new double[columns][frames][];
    for (int c = 0; c < columns; c++) {
      for (int f = 0; f < frames; f++) {
        table[c][f] = ids[c * frames + f];
      }
    }
    return table;
  }

  /** The paper's axis over columns within each frame, averaged over frames. */
  static double[] spatialAxis(double[][][] table) {
    int columns = table.length;
    int frames = table[0].length;
    double[] sum = new double[table[0][0].length];
    for (int f = 0; f < frames; f++) {
      double[][] row = new double[columns][];
      for (int c = 0; c < columns; c++) {
        row[c] = table[c][f];
      }
      sum = Vectors.add(sum, Vectors.orderedDifferenceMean(row));
    }
    return Vectors.scale(sum, 1.0 / frames);
  }

  /** The paper's axis over frames within each column, averaged over columns. */
  static double[] temporalAxis(double[][][] table) {
    double[] sum = new double[table[0][0].length];
    for (double[][] column : table) {
      sum = Vectors.add(sum, Vectors.orderedDifferenceMean(column));
    }
    return Vectors.scale(sum, 1.0 / table.length);
  }

  private record Solved(double[] h, double[] t, double[][] x, double[][] y, double[] r2) {}

  private static Solved solve(double[][] centred, int[] pair, int[] anchor, int[] label, int columns, int frames) {
    double[][] ids = IdTables.ids(centred, pair, anchor, label, columns * frames);
    double[][][] table = grid(ids, columns, frames);
    double[] h = spatialAxis(table);
    double[] t = temporalAxis(table);
    double[][] x = new double[columns][frames];
    double[][] y = new double[columns][frames];
    double[] r2 = {Double.NaN, Double.NaN, Double.NaN, Double.NaN};
    double[][] basis;
    try {
      basis = Vectors.gramSchmidt(h, t);
    } catch (IllegalArgumentException e) {
      for (double[] row : x) {
        java.util.Arrays.fill(row, Double.NaN);
      }
      for (double[] row : y) {
        java.util.Arrays.fill(row, Double.NaN);
      }
      return new Solved(h, t, x, y, r2);
    }
    double[] cellColumn = new double[columns * frames];
    double[] cellFrame = new double[columns * frames];
    double[] cellX = new double[columns * frames];
    double[] cellY = new double[columns * frames];
    for (int c = 0; c < columns; c++) {
      for (int f = 0; f < frames; f++) {
        double[] p = Vectors.project(table[c][f], basis);
        x[c][f] = p[0];
        y[c][f] = p[1];
        int k = c * frames + f;
        cellColumn[k] = c;
        cellFrame[k] = f;
        cellX[k] = p[0];
        cellY[k] = p[1];
      }
    }
    double[] sampleColumn = new double[centred.length];
    double[] sampleFrame = new double[centred.length];
    double[] sampleX = new double[centred.length];
    double[] sampleY = new double[centred.length];
    for (int i = 0; i < centred.length; i++) {
      double[] p = Vectors.project(centred[i], basis);
      sampleColumn[i] = label[i] / frames;
      sampleFrame[i] = label[i] % frames;
      sampleX[i] = p[0];
      sampleY[i] = p[1];
    }
    r2[0] = Linearity.rSquared(cellColumn, cellX);
    r2[1] = Linearity.rSquared(sampleColumn, sampleX);
    r2[2] = Linearity.rSquared(cellFrame, cellY);
    r2[3] = Linearity.rSquared(sampleFrame, sampleY);
    return new Solved(h, t, x, y, r2);
  }
}
