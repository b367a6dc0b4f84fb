package io.github.vlmlens.spatial.steer.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.github.vlmlens.core.analysis.Vectors;
import io.github.vlmlens.spatial.ids.SpatialIds;
import io.github.vlmlens.spatial.scene.GridCell;
import io.github.vlmlens.spatial.scene.GridSpec;
import io.github.vlmlens.spatial.scene.QuestionAxis;
import io.github.vlmlens.spatial.steer.SteerConfig;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class SteeringVectorsTest {
  /** ID(i, j) = [j, 2i, 1] at layer 3 on a 4 x 4 grid. */
  private static SpatialIds linearIds() {
    GridSpec g = GridSpec.tiny();
    SpatialIds.Builder b = SpatialIds.builder("toy", g, 3, List.of(3));
    for (GridCell c : g.cells()) {
      b.id(3, c, new float[] {c.column(), 2 * c.row(), 1});
    }
    return b.build();
  }

  @Test
  void alphaZeroAddsNothing() {
    double[] d = {1, -2, 3};
    assertArrayEquals(new double[3], SteeringVectors.scaled(d, false, 0, 7.5), 0);
    assertArrayEquals(new double[] {2, -4, 6}, SteeringVectors.scaled(d, false, 2, 7.5), 0);
    assertArrayEquals(new double[3], SteeringVectors.scaled(d, true, 0, 7.5), 0);
  }

  @Test
  void normRelativeScalingGivesKTimesTheActivationNormAndKeepsZeroAtZero() {
    double[] d = {3, 4, 0};
    double[] v = SteeringVectors.scaled(d, true, SteerConfig.DEFAULT_K, 2.0);
    assertEquals(10.0, Vectors.norm(v), 1e-12);
    assertEquals(1.0, Vectors.cosine(v, d), 1e-12);
    assertArrayEquals(new double[3], SteeringVectors.scaled(new double[3], true, 5, 2.0), 0);
  }

  @Test
  void theNoiseControlHasExactlyTheAskedNormAndIsSeeded() {
    for (double norm : new double[] {0.001, 1, 37.25, 1e4}) {
      double[] n = SteeringVectors.noise(4096, norm, 9, "h-0001", 12, 0);
      assertEquals(norm, Vectors.norm(n), 1e-12 * norm);
    }
    double[] a = SteeringVectors.noise(64, 5, 9, "h-0001", 12, 0);
    assertArrayEquals(a, SteeringVectors.noise(64, 5, 9, "h-0001", 12, 0), 0);
    assertFalse(Arrays.equals(a, SteeringVectors.noise(64, 5, 9, "h-0001", 12, 1)));
    assertFalse(Arrays.equals(a, SteeringVectors.noise(64, 5, 9, "h-0001", 13, 0)));
    assertFalse(Arrays.equals(a, SteeringVectors.noise(64, 5, 10, "h-0001", 12, 0)));
    assertFalse(Arrays.equals(a, SteeringVectors.noise(64, 5, 9, "h-0002", 12, 0)));
    assertArrayEquals(new double[8], SteeringVectors.noise(8, 0, 9, "x", 1, 0), 0);
  }

  @Test
  void pushesSpanTheGridInTheObjectsOwnRowOrColumn() {
    SpatialIds ids = linearIds();
    assertArrayEquals(new double[] {3, 0, 0},
        SteeringVectors.push(ids, 3, GridCell.of(2, 1), QuestionAxis.HORIZONTAL, true), 1e-6);
    assertArrayEquals(new double[] {-3, 0, 0},
        SteeringVectors.push(ids, 3, GridCell.of(2, 1), QuestionAxis.HORIZONTAL, false), 1e-6);
    assertArrayEquals(new double[] {0, 6, 0},
        SteeringVectors.push(ids, 3, GridCell.of(2, 1), QuestionAxis.VERTICAL, true), 1e-6);
    assertArrayEquals(new double[] {2, -4, 0},
        SteeringVectors.move(ids, 3, GridCell.of(2, 1), GridCell.of(0, 3)), 1e-6);
  }
}
