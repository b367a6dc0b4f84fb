package io.github.vlmlens.spatial.real;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Each formula against a hand computation. */
class RealFormulasTest {
  @Test
  void coordinateIsTheDotWithTheUnitAxis() {
    // <(3, 4), (2, 0) / 2> = 3
    assertEquals(3.0, RealFormulas.coordinate(new double[] {3, 4}, new double[] {2, 0}), 1e-12);
    // <(1, 1), (3, 4) / 5> = 7 / 5
    assertEquals(1.4, RealFormulas.coordinate(new double[] {1, 1}, new double[] {3, 4}), 1e-12);
    assertThrows(IllegalArgumentException.class, () -> RealFormulas.coordinate(new double[] {1}, new double[] {0}));
  }

  @Test
  void bilinearInterpolatesBetweenCellCentresAndClampsAtTheEdges() {
    double[][] g = {{0, 1}, {2, 3}};
    // The image centre (1, 1) lies midway between all four centres: (0 + 1 + 2 + 3) / 4.
    assertEquals(1.5, RealFormulas.bilinear(g, 1.0, 1.0), 1e-12);
    // A cell centre gives its value.
    assertEquals(1.0, RealFormulas.bilinear(g, 1.5, 0.5), 1e-12);
    // u = 0.25 is left of the first centre: clamped to column 0; v = 1.5 is row 1's centre.
    assertEquals(2.0, RealFormulas.bilinear(g, 0.25, 1.5), 1e-12);
    // u = 0.75, v = 0.5: a quarter of the way from column 0 to 1 in row 0: 0.25.
    assertEquals(0.25, RealFormulas.bilinear(g, 0.75, 0.5), 1e-12);
  }

  @Test
  void groundTruthCoordinateMapsTheBoxCentreOntoTheGrid() {
    double[][] g = {{0, 1}, {2, 3}};
    // Centre (50, 50) of a 100 x 100 image on a 2 x 2 grid: (u, v) = (1, 1) -> 1.5.
    assertEquals(1.5, RealFormulas.groundTruthCoordinate(g, 50, 50, 100, 100), 1e-12);
    // (62.5, 25) -> (u, v) = (1.25, 0.5): row 0, 0.75 of the way to column 1 -> 0.75.
    assertEquals(0.75, RealFormulas.groundTruthCoordinate(g, 62.5, 25, 100, 100), 1e-12);
  }

  @Test
  void idMarginIsExtractedGapMinusGroundTruthGap() {
    // eps_ext = 0.8 - 0.2 = 0.6, eps_gt = 0.5 - 0.1 = 0.4, margin 0.2.
    assertEquals(0.2, RealFormulas.idMargin(0.8, 0.2, 0.5, 0.1), 1e-12);
    assertEquals(-1.0, RealFormulas.idMargin(0, 0, 0.5, -0.5), 1e-12);
  }

  @Test
  void boxSensitivityUsesTheMostHarmfulRandomBox() {
    // (0.9 - 0.3) - (0.9 - min(0.8, 0.7, 0.85)) = 0.6 - 0.2 = 0.4
    assertEquals(0.4, RealFormulas.boxSensitivity(0.9, 0.3, new double[] {0.8, 0.7, 0.85}), 1e-12);
    // Blurring the object hurts less than the worst random box: negative.
    assertEquals(-0.1, RealFormulas.boxSensitivity(0.5, 0.45, new double[] {0.35, 0.6}), 1e-12);
    assertThrows(IllegalArgumentException.class, () -> RealFormulas.boxSensitivity(1, 1, new double[0]));
  }

  @Test
  void randomBoxesAreReproducibleSameSizedAndAvoidTheObjects() {
    ObjectBox s = new ObjectBox(10, 10, 20.5, 15);
    ObjectBox o = new ObjectBox(60, 60, 30, 30);
    List<ObjectBox> a = RealFormulas.randomBoxes(128, 100, s, List.of(s, o), 10, 42);
    assertEquals(a, RealFormulas.randomBoxes(128, 100, s, List.of(s, o), 10, 42));
    assertEquals(10, a.size());
    for (ObjectBox b : a) {
      assertEquals(21, b.width());
      assertEquals(15, b.height());
      assertFalse(b.overlaps(s) || b.overlaps(o), b + " overlaps an object");
      assertFalse(b.x() < 0 || b.y() < 0 || b.x() + b.width() > 128 || b.y() + b.height() > 100);
    }
    // Nothing fits: a box as large as the image.
    assertEquals(0, RealFormulas.randomBoxes(20, 20, new ObjectBox(0, 0, 20, 20), List.of(new ObjectBox(0, 0, 1, 1)), 3, 1).size());
  }

  @Test
  void spearmanAndItsExactPermutationP() {
    double[] x = {1, 2, 3, 4};
    assertEquals(1.0, RealFormulas.spearman(x, new double[] {10, 20, 30, 40}), 1e-12);
    assertEquals(-1.0, RealFormulas.spearman(x, new double[] {4, 3, 2, 1}), 1e-12);
    // Perfect order among 4! = 24 orderings: only the identity reaches rho = 1.
    assertEquals(1.0 / 24, RealFormulas.spearmanPermutationP(x, new double[] {10, 20, 30, 40}, 0), 1e-12);
  }

  @Test
  void mannWhitneyExactByHand() {
    // a = {1, 2, 6}, b = {3, 4, 5}: pairs with a > b: 6 beats 3 -> U = 3.
    // Null counts of U = 0..9 for 3 vs 3 (20 arrangements): 1 1 2 3 3 3 3 2 1 1.
    MannWhitney t = MannWhitney.test(new double[] {1, 2, 6}, new double[] {3, 4, 5});
    assertEquals(3.0, t.u(), 1e-12);
    assertEquals("exact", t.method());
    // P(U >= 3) = (3 + 3 + 3 + 3 + 2 + 1 + 1) / 20, P(U <= 3) = (1 + 1 + 2 + 3) / 20.
    assertEquals(16.0 / 20, t.pGreater(), 1e-12);
    assertEquals(7.0 / 20, t.pLess(), 1e-12);
    assertEquals(0.7, t.pTwoSided(), 1e-12);
    // Complete separation 3 vs 3: p(less) = 1 / 20.
    assertEquals(1.0 / 20, MannWhitney.test(new double[] {1, 2, 3}, new double[] {4, 5, 6}).pLess(), 1e-12);
  }

  @Test
  void mannWhitneyNormalApproximationByHand() {
    // 8 vs 8, no ties: U = 7 (2..8 beat 1.5); mean 32, var 8*8/12*17 = 90.667;
    // p(less) = Phi((7 - 32 + 0.5) / 9.5219) = Phi(-2.5730) = 0.0050408.
    MannWhitney t = MannWhitney.test(
        new double[] {1, 2, 3, 4, 5, 6, 7, 8}, new double[] {1.5, 9, 10, 11, 12, 13, 14, 15});
    assertEquals(7.0, t.u(), 1e-12);
    assertEquals("normal", t.method());
    assertEquals(0.0050408, t.pLess(), 1e-6);
    assertEquals(0.0100817, t.pTwoSided(), 1e-6);
    // Ties: a = {1, 2, 2}, b = {2, 3}: ranks 1, 3, 3 | 3, 5 -> R_a = 7, U = 7 - 6 = 1.
    MannWhitney ties = MannWhitney.test(new double[] {1, 2, 2}, new double[] {2, 3});
    assertEquals(1.0, ties.u(), 1e-12);
    assertEquals("normal", ties.method());
  }
}
