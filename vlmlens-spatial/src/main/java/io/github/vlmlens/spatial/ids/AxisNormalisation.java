package io.github.vlmlens.spatial.ids;

import io.github.vlmlens.core.API;

/**
 * How the horizontal and vertical axes of an {@code m x m} ID table are normalised (METHOD.md
 * section 2). Both give the same direction; only the length differs, by the constant factor
 * {@link #factor(int)}.
 *
 * <p>The horizontal axis is a mean of differences {@code Delta(i, j1) - Delta(i, j2)} over rows
 * {@code i} and column pairs; the vertical axis is the same over columns and row pairs.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1.0")
public enum AxisNormalisation {
  /**
   * The paper's definition (the default): {@code h = 1 / (m * C(m,2)) * sum_i sum_{j1 > j2}
   * [Delta(i, j1) - Delta(i, j2)]}, a mean over the {@code m * C(m,2)} strictly ordered pairs.
   */
  PAPER,
  /**
   * The authors' script: the same sum, averaged over {@code m * (C(m,2) + m - 1)} terms, because
   * its loops {@code for j2 in 0..m-2, for j1 in j2..m-1} also count the zero differences
   * {@code j1 = j2} for every column but the last. Relative to {@link #PAPER} this scales the axis
   * by {@code C(m,2) / (C(m,2) + m - 1) = m / (m + 2)}: 2/3 for {@code m = 4}, 3/5 for
   * {@code m = 3}. (Counting all {@code m} zero terms would give {@code (m - 1) / (m + 1)}
   * instead, 3/5 for {@code m = 4}; that is not what the script does.)
   */
  AUTHORS_SCRIPT;

  /**
   * The number of (row, column pair) terms the sum is divided by on an {@code m x m} grid.
   *
   * @throws IllegalArgumentException for {@code m < 2}
   */
  public long terms(int m) {
    if (m < 2) {
      throw new IllegalArgumentException("an axis needs a grid of at least 2 x 2, got m = " + m);
    }
    long pairs = (long) m * (m - 1) / 2;
    return this == PAPER ? m * pairs : m * (pairs + m - 1);
  }

  /** The length of this normalisation's axis relative to {@link #PAPER}'s: 1, or {@code m / (m + 2)}. */
  public double factor(int m) {
    return (double) PAPER.terms(m) / terms(m);
  }
}
