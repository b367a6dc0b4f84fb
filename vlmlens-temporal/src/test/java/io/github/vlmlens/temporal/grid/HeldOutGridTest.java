package io.github.vlmlens.temporal.grid;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static io.github.vlmlens.temporal.testing.PlantedCodes.FRAMES;

import io.github.vlmlens.temporal.grid.GridResult.GridLayer;
import io.github.vlmlens.temporal.testing.PlantedCodes;
import org.junit.jupiter.api.Test;

/** Out-of-sample linearity of the spatiotemporal grid on a planted code and on pure noise. */
class HeldOutGridTest {
  private static final int COLUMNS = 3;

  private static GridLayer grid(double signal, long seed) {
    PlantedCodes.Design d = PlantedCodes.Design.of(COLUMNS, signal, seed);
    return GridAxes.analyse(1, d.acts(), d.pair(), d.anchor(), d.label(), COLUMNS, FRAMES, 5, 199, 0);
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
