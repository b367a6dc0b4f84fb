package io.github.vlmlens.core.analysis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class LinearityTest {
  @Test
  void anExactLineHasRSquaredOne() {
    double[] x = {0, 1, 2, 3, 4};
    double[] y = {1, 3, 5, 7, 9};
    assertEquals(1.0, Linearity.rSquared(x, y), 1e-12);
  }

  @Test
  void rSquaredMatchesAHandComputation() {
    // x = 0,1,2 ; y = 0,2,1: mean y = 1, slope 0.5, fit 0.5,1,1.5, SSE = 0.25+1+0.25 = 1.5, SST = 2
    assertEquals(1 - 1.5 / 2, Linearity.rSquared(new double[] {0, 1, 2}, new double[] {0, 2, 1}), 1e-12);
  }

  @Test
  void multipleRegressionOnTwoPredictors() {
    double[][] xs = {{0, 0}, {1, 0}, {0, 1}, {1, 1}, {2, 1}, {1, 2}};
    double[] y = new double[xs.length];
    for (int i = 0; i < y.length; i++) {
      y[i] = 2 + 3 * xs[i][0] - xs[i][1];
    }
    assertEquals(1.0, Linearity.rSquared(xs, y), 1e-12);
    y[0] += 1; // no longer exact
    double r2 = Linearity.rSquared(xs, y);
    assertTrue(r2 < 1 && r2 > 0.5, "R^2 " + r2);
  }

  @Test
  void constantOrTooFewPointsAreHandled() {
    assertTrue(Double.isNaN(Linearity.rSquared(new double[] {1, 1, 1}, new double[] {1, 2, 3})));
    assertThrows(IllegalArgumentException.class, () -> Linearity.rSquared(new double[] {1, 2}, new double[] {1, 2}));
    assertThrows(IllegalArgumentException.class, () -> Linearity.rSquared(new double[] {1, 2, 3}, new double[] {1, 2}));
  }
}
