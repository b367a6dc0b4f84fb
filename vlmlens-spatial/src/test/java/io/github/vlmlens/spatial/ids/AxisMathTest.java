package io.github.vlmlens.spatial.ids;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Random;
import org.junit.jupiter.api.Test;

class AxisMathTest {

  /** Delta(i, j) = [j^2, i + j] on a 3 x 3 grid, row-major. */
  private static double[][] toy() {
    double[][] t = new double[9][];
    for (int i = 0; i < 3; i++) {
      for (int j = 0; j < 3; j++) {
        t[i * 3 + j] = new double[] {j * j, i + j};
      }
    }
    return t;
  }

  @Test
  void paperAxesOfAThreeByThreeTableMatchTheHandComputation() {
    // h: per row, pairs (1,0), (2,0), (2,1) give [1 + 4 + 3, 1 + 2 + 1] = [8, 4]; three rows: [24, 12];
    // divided by m * C(m,2) = 3 * 3 = 9: [8/3, 4/3]. v: per column [0, 4], three columns [0, 12] / 9.
    assertArrayEquals(new double[] {8.0 / 3, 4.0 / 3}, AxisMath.horizontal(toy(), 3, AxisNormalisation.PAPER), 1e-12);
    assertArrayEquals(new double[] {0, 4.0 / 3}, AxisMath.vertical(toy(), 3, AxisNormalisation.PAPER), 1e-12);
  }

  @Test
  void authorsScriptAxesDivideBy15OnAThreeByThreeTable() {
    // The script's loops count (j2, j1) in {(0,0), (0,1), (0,2), (1,1), (1,2)}: 5 terms per row,
    // 15 in all: h = [24, 12] / 15, v = [0, 12] / 15.
    assertArrayEquals(new double[] {24.0 / 15, 12.0 / 15},
        AxisMath.horizontal(toy(), 3, AxisNormalisation.AUTHORS_SCRIPT), 1e-12);
    assertArrayEquals(new double[] {0, 12.0 / 15}, AxisMath.vertical(toy(), 3, AxisNormalisation.AUTHORS_SCRIPT), 1e-12);
  }

  @Test
  void normalisationFactorsAreMOverMPlusTwo() {
    assertEquals(9, AxisNormalisation.PAPER.terms(3));
    assertEquals(15, AxisNormalisation.AUTHORS_SCRIPT.terms(3));
    assertEquals(24, AxisNormalisation.PAPER.terms(4));
    assertEquals(36, AxisNormalisation.AUTHORS_SCRIPT.terms(4));
    assertEquals(2.0 / 3, AxisNormalisation.AUTHORS_SCRIPT.factor(4), 1e-15);
    for (int m = 2; m <= 9; m++) {
      assertEquals((double) m / (m + 2), AxisNormalisation.AUTHORS_SCRIPT.factor(m), 1e-15, "m = " + m);
      assertEquals(1.0, AxisNormalisation.PAPER.factor(m), 0);
    }
    assertThrows(IllegalArgumentException.class, () -> AxisNormalisation.PAPER.terms(1));
  }

  @Test
  void bothNormalisationsEqualTheirLiteralLoopsOnARandomTable() {
    Random r = new Random(3);
    int m = 4;
    int d = 5;
    double[][] t = new double[m * m][d];
    for (double[] row : t) {
      for (int k = 0; k < d; k++) {
        row[k] = r.nextGaussian();
      }
    }
    double[] paper = new double[d];
    double[] script = new double[d];
    int paperTerms = 0;
    int scriptTerms = 0;
    for (int i = 0; i < m; i++) {
      for (int j1 = 0; j1 < m; j1++) {
        for (int j2 = 0; j2 < j1; j2++) {
          for (int k = 0; k < d; k++) {
            paper[k] += t[i * m + j1][k] - t[i * m + j2][k];
          }
          paperTerms++;
        }
      }
      for (int j2 = 0; j2 < m - 1; j2++) {
        for (int j1 = j2; j1 < m; j1++) {
          for (int k = 0; k < d; k++) {
            script[k] += t[i * m + j1][k] - t[i * m + j2][k];
          }
          scriptTerms++;
        }
      }
    }
    for (int k = 0; k < d; k++) {
      paper[k] /= paperTerms;
      script[k] /= scriptTerms;
    }
    assertEquals(24, paperTerms);
    assertEquals(36, scriptTerms);
    assertArrayEquals(paper, AxisMath.horizontal(t, m, AxisNormalisation.PAPER), 1e-12);
    assertArrayEquals(script, AxisMath.horizontal(t, m, AxisNormalisation.AUTHORS_SCRIPT), 1e-12);
  }

  @Test
  void anExactlyLinearTableGivesMPlusOneOverThreeTimesTheStep() {
    int m = 4;
    double[] step = {0.5, -2, 1};
    double[] down = {0, 1, 1};
    double[][] t = new double[m * m][];
    for (int i = 0; i < m; i++) {
      for (int j = 0; j < m; j++) {
        t[i * m + j] = new double[] {7 + j * step[0] + i * down[0], j * step[1] + i * down[1], j * step[2] + i * down[2]};
      }
    }
    double f = (m + 1) / 3.0;
    assertArrayEquals(new double[] {f * 0.5, f * -2, f * 1}, AxisMath.horizontal(t, m, AxisNormalisation.PAPER), 1e-12);
    assertArrayEquals(new double[] {0, f, f}, AxisMath.vertical(t, m, AxisNormalisation.PAPER), 1e-12);
  }
}
