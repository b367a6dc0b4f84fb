package io.github.vlmlens.spatial.steer.internal;

import io.github.vlmlens.core.analysis.Vectors;
import io.github.vlmlens.spatial.ids.SpatialIds;
import io.github.vlmlens.spatial.scene.GridCell;
import io.github.vlmlens.spatial.scene.QuestionAxis;
import io.github.vlmlens.spatial.scene.internal.Seeds;
import org.apache.commons.math3.random.Well19937c;

/**
 * The vectors of METHOD.md section 3: directions between universal IDs, their scaling, and the
 * random control of the same norm.
 */
public final class SteeringVectors {
  private SteeringVectors() {}

  /** {@code ID_L(to) - ID_L(from)}. */
  public static double[] move(SpatialIds ids, int layer, GridCell from, GridCell to) {
    return Vectors.subtract(Vectors.of(ids.id(layer, to)), Vectors.of(ids.id(layer, from)));
  }

  /**
   * The push of an object in {@code cell} along an axis, across the whole grid: toward the last
   * column (or row) {@code ID_L(i, m-1) - ID_L(i, 0)} (or {@code ID_L(m-1, j) - ID_L(0, j)}), in
   * the object's own row (or column); the negation toward the first. This is
   * {@code ID_L(i, j') - ID_L(i, j)} with the grid's two edges for {@code j} and {@code j'}, as the
   * authors' script steers from one edge to the other.
   */
  public static double[] push(SpatialIds ids, int layer, GridCell cell, QuestionAxis axis, boolean towardEnd) {
    int m = ids.grid().gridSize();
    GridCell start;
    GridCell end;
    if (axis == QuestionAxis.HORIZONTAL) {
      start = GridCell.of(cell.row(), 0);
      end = GridCell.of(cell.row(), m - 1);
    } else if (axis == QuestionAxis.VERTICAL) {
      start = GridCell.of(0, cell.column());
      end = GridCell.of(m - 1, cell.column());
    } else {
      throw new IllegalArgumentException("a push is along HORIZONTAL or VERTICAL, not " + axis);
    }
    return towardEnd ? move(ids, layer, start, end) : move(ids, layer, end, start);
  }

  /**
   * The vector added for a direction: {@code scale * d} (absolute), or {@code d} rescaled to
   * {@code scale * activationNorm} (norm-relative; a zero direction stays zero).
   */
  public static double[] scaled(double[] direction, boolean normRelative, double scale, double activationNorm) {
    if (!normRelative) {
      return Vectors.scale(direction, scale);
    }
    double n = Vectors.norm(direction);
    if (n == 0) {
      return new double[direction.length];
    }
    return Vectors.scale(direction, scale * activationNorm / n);
  }

  /**
   * A uniformly random direction of exactly {@code norm} (core's {@link Vectors#randomWithNorm}),
   * drawn by a Well19937c generator seeded from the experiment's seed, the scene, the layer and
   * which object it is added to; a zero norm gives the zero vector.
   */
  public static double[] noise(int dimension, double norm, long seed, String sampleId, int layer, int which) {
    if (norm == 0) {
      return new double[dimension];
    }
    long s = Seeds.mix64(seed ^ Seeds.mix64(sampleId.hashCode() * 0x9E3779B97F4A7C15L + layer * 31L + which));
    return Vectors.randomWithNorm(dimension, norm, new Well19937c(s));
  }
}
