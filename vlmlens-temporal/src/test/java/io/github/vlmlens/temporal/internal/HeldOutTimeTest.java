package io.github.vlmlens.temporal.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.vlmlens.temporal.grid.GridResult.GridLayer;
import io.github.vlmlens.temporal.ids.TemporalIdResult.LayerIds;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Out-of-sample linearity of temporal IDs and of the grid on planted codes and on pure noise. */
class HeldOutTimeTest {
  private static final int PAIRS = 4;
  private static final int FRAMES = 6;
  private static final int COLUMNS = 3;
  private static final int WIDTH = 128;

  /** Samples: pair x anchor x (column x frame, frame != anchor); N(0, 1) plus signal * (column, frame). */
  private record Design(double[][] acts, int[] pair, int[] anchor, int[] label) {
    static Design of(int columns, double signal, long seed) {
      Random r = new Random(seed);
      int n = PAIRS * FRAMES * (FRAMES - 1) * columns;
      Design d = new Design(new double[n][], new int[n], new int[n], new int[n]);
      int i = 0;
      for (int p = 0; p < PAIRS; p++) {
        for (int a = 0; a < FRAMES; a++) {
          for (int c = 0; c < columns; c++) {
            for (int f = 0; f < FRAMES; f++) {
              if (f == a) {
                continue;
              }
              double[] x = new double[WIDTH];
              for (int k = 0; k < WIDTH; k++) {
                x[k] = r.nextGaussian();
              }
              x[0] += signal * f;
              x[1] += signal * c;
              d.acts[i] = x;
              d.pair[i] = p;
              d.anchor[i] = a;
              d.label[i] = c * FRAMES + f;
              i++;
            }
          }
        }
      }
      return d;
    }
  }

  private static LayerIds time(double signal, long seed) {
    Design d = Design.of(1, signal, seed);
    return TimeAxes.analyse(1, d.acts, d.pair, d.anchor, d.label, FRAMES, 5, 199, 0);
  }

  private static GridLayer grid(double signal, long seed) {
    Design d = Design.of(COLUMNS, signal, seed);
    return GridAxes.analyse(1, d.acts, d.pair, d.anchor, d.label, COLUMNS, FRAMES, 5, 199, 0);
  }

  @Test
  void aPlantedTimeCodeIsLinearOutOfSample() {
    LayerIds l = time(1.5, 1);
    assertEquals(PAIRS, l.principal().cvFolds());
    assertTrue(l.principal().cvR2() > 0.9, "CV " + l.principal().cvR2());
    assertTrue(l.principal().cvPValue() < 0.05, "p " + l.principal().cvPValue());
    assertTrue(l.orderedDifference().cvR2() > 0.9, "CV " + l.orderedDifference().cvR2());
  }

  @Test
  void noiseHasHighInSampleButNoOutOfSampleTimeCode() {
    LayerIds l = time(0, 2);
    assertTrue(l.orderedDifference().rSquaredFrameMeans() > 0.5,
        "in-sample " + l.orderedDifference().rSquaredFrameMeans());
    assertTrue(l.orderedDifference().cvR2() <= 0.05, "CV " + l.orderedDifference().cvR2());
    assertTrue(l.principal().cvR2() <= 0.05, "CV " + l.principal().cvR2());
    assertTrue(l.principal().cvPValue() > 0.05, "p " + l.principal().cvPValue());
    System.out.printf("temporal noise, width 128: in-sample frame-mean R^2 %.3f (ordered difference), %.3f"
        + " (principal); CV R^2 %.3f / %.3f, p %.3f / %.3f%n", l.orderedDifference().rSquaredFrameMeans(),
        l.principal().rSquaredFrameMeans(), l.orderedDifference().cvR2(), l.principal().cvR2(),
        l.orderedDifference().cvPValue(), l.principal().cvPValue());
  }

  @Test
  void aPlantedGridIsLinearOnBothAxesOutOfSample() {
    GridLayer g = grid(3, 3);
    assertTrue(g.spatial().cvR2() > 0.9 && g.temporal().cvR2() > 0.9,
        "CV " + g.spatial().cvR2() + ", " + g.temporal().cvR2());
    assertTrue(g.spatial().cvPValue() < 0.05 && g.temporal().cvPValue() < 0.05);
  }

  @Test
  void aNoiseGridIsNotLinearOutOfSample() {
    GridLayer g = grid(0, 4);
    assertTrue(g.spatial().cvR2() <= 0.05 && g.temporal().cvR2() <= 0.05,
        "CV " + g.spatial().cvR2() + ", " + g.temporal().cvR2());
    assertTrue(g.temporal().cvPValue() > 0.05, "p " + g.temporal().cvPValue());
    System.out.printf("grid noise, width 128: in-sample cell-mean R^2 x %.3f, y %.3f; CV R^2 %.3f, %.3f;"
        + " p %.3f, %.3f%n", g.spatial().cellMeans(), g.temporal().cellMeans(), g.spatial().cvR2(),
        g.temporal().cvR2(), g.spatial().cvPValue(), g.temporal().cvPValue());
  }
}
