package io.github.vlmlens.spatial.ids;

import io.github.vlmlens.core.analysis.Vectors;

/**
 * The horizontal and vertical axes of an {@code m x m} ID table (METHOD.md section 2), on top of
 * core's {@link Vectors#orderedDifferenceMean}: the horizontal axis is the mean over rows of each
 * row's mean ordered difference along the columns, which is exactly {@code 1 / (m * C(m,2)) *
 * sum_i sum_{j1 > j2} [Delta(i, j1) - Delta(i, j2)]}; the vertical axis is the same over columns.
 * Another normalisation multiplies by {@link AxisNormalisation#factor(int)}.
 */
final class AxisMath {
  private AxisMath() {}

  /**
   * The horizontal axis.
   *
   * @param table the IDs, row-major by cell: {@code table[i * m + j]} is cell (row i, column j)
   * @param m the grid size
   */
  public static double[] horizontal(double[][] table, int m, AxisNormalisation n) {
    return axis(table, m, n, true);
  }

  /** The vertical axis; {@code table} as for {@link #horizontal}. */
  public static double[] vertical(double[][] table, int m, AxisNormalisation n) {
    return axis(table, m, n, false);
  }

  private static double[] axis(double[][] table, int m, AxisNormalisation n, boolean alongRows) {
    if (table.length != m * m) {
      throw new IllegalArgumentException("an " + m + " x " + m + " ID table needs " + m * m + " cells, got " + table.length);
    }
    double[] sum = new double[table[0].length];
    for (int line = 0; line < m; line++) {
      double[][] seq = new double[m][];
      for (int k = 0; k < m; k++) {
        seq[k] = alongRows ? table[line * m + k] : table[k * m + line];
      }
      sum = Vectors.add(sum, Vectors.orderedDifferenceMean(seq));
    }
    return Vectors.scale(sum, n.factor(m) / m);
  }
}
