package io.github.vlmlens.core.analysis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class HeldOutLinearityTest {
  private static final int M = 4;

  /** The spatial plane of an m x m table (row-major cells): Gram-Schmidt of the ordered-difference axes. */
  private static final HeldOutLinearity.Axes PLANE = table -> {
    double[] h = new double[table[0].length];
    double[] v = new double[table[0].length];
    for (int a = 0; a < M; a++) {
      for (int j1 = 0; j1 < M; j1++) {
        for (int j2 = 0; j2 < j1; j2++) {
          h = Vectors.add(h, Vectors.subtract(table[a * M + j1], table[a * M + j2]));
          v = Vectors.add(v, Vectors.subtract(table[j1 * M + a], table[j2 * M + a]));
        }
      }
    }
    try {
      return Vectors.gramSchmidt(h, v);
    } catch (IllegalArgumentException e) {
      return null;
    }
  };

  private static double[][] cellCoordinates() {
    double[][] c = new double[M * M][];
    for (int i = 0; i < c.length; i++) {
      c[i] = new double[] {i % M, i / M};
    }
    return c;
  }

  /** pairs x cells x repeats samples of width d: signal * (column u + row w) + N(0, 1) noise. */
  private static double[][] samples(int pairs, int repeats, int d, double signal, long seed, int[] label, int[] unit) {
    Random r = new Random(seed);
    double[] u = new double[d];
    double[] w = new double[d];
    u[0] = signal;
    w[1] = signal;
    double[][] x = new double[pairs * M * M * repeats][];
    int n = 0;
    for (int p = 0; p < pairs; p++) {
      for (int c = 0; c < M * M; c++) {
        for (int k = 0; k < repeats; k++, n++) {
          double[] s = new double[d];
          for (int j = 0; j < d; j++) {
            s[j] = (c % M) * u[j] + (c / M) * w[j] + r.nextGaussian();
          }
          x[n] = s;
          label[n] = c;
          unit[n] = p;
        }
      }
    }
    return x;
  }

  @Test
  void handComputedOneDimensionalCode() {
    // unit 0 codes labels 0,1,2 as 0,1,2; unit 1 as 0,2,4. Leave-one-unit-out, both sides about
    // their mean: trained on unit 1 (slope 2) the prediction -2,0,2 of unit 0's -1,0,1 has SSE 2
    // against SST 2; trained on unit 0 (slope 1) the prediction -1,0,1 of unit 1's -2,0,2 has
    // SSE 2 against SST 8. CV R^2 = 1 - 4/10 = 0.6.
    double[][] x = {{0}, {1}, {2}, {0}, {2}, {4}};
    int[] label = {0, 1, 2, 0, 1, 2};
    int[] unit = {0, 0, 0, 1, 1, 1};
    HeldOutLinearity h = HeldOutLinearity.of(x, label, 3, unit, 5, 7);
    assertEquals(2, h.folds());
    HeldOutLinearity.Result r = h.test(t -> new double[][] {{1}}, new double[][] {{0}, {1}, {2}}, 0, 1);
    assertEquals(0.6, r.cvR2(), 1e-12);
    assertTrue(Double.isNaN(r.pValue()));
    // Equal slopes predict perfectly, whatever the offsets.
    double[][] same = {{0}, {1}, {2}, {5}, {6}, {7}};
    assertEquals(1.0, HeldOutLinearity.of(same, label, 3, unit, 5, 7)
        .test(t -> new double[][] {{1}}, new double[][] {{0}, {1}, {2}}, 0, 1).cvR2(), 1e-12);
  }

  @Test
  void pValueCountsPermutationsAtLeastAsHigh() {
    // A perfect code with 3 labels on a line: of the 6 relabellings, the identity and the reversal
    // give R^2 1; the other four give less. So p = (1 + #{those two drawn}) / (1 + n).
    double[][] x = {{0}, {1}, {2}, {0}, {1}, {2}};
    int[] label = {0, 1, 2, 0, 1, 2};
    int[] unit = {0, 0, 0, 1, 1, 1};
    HeldOutLinearity h = HeldOutLinearity.of(x, label, 3, unit, 2, 0);
    HeldOutLinearity.Result r = h.test(t -> new double[][] {{1}}, new double[][] {{0}, {1}, {2}}, 600, 3);
    assertEquals(1.0, r.cvR2(), 1e-12);
    double share = r.pValue() * 601 - 1; // permutations at least as high
    assertEquals(600 / 3.0, share, 40); // about a third of the draws are the identity or the reversal
    assertEquals(Math.rint(share), share, 1e-9);
  }

  @Test
  void plantedLinearCodeIsLinearOutOfSampleWithSmallP() {
    int n = 4 * 16 * 3;
    int[] label = new int[n];
    int[] unit = new int[n];
    double[][] x = samples(4, 3, 128, 3.0, 1, label, unit);
    HeldOutLinearity.Result r = HeldOutLinearity.of(x, label, 16, unit, 5, 0)
        .test(PLANE, cellCoordinates(), 199, 0);
    assertTrue(r.cvR2() > 0.9, "planted CV R^2 " + r.cvR2());
    assertEquals(1.0 / 200, r.pValue(), 1e-12);
    assertEquals(4, r.folds());
    assertTrue(r.permutedMean() < 0.2, "permuted mean " + r.permutedMean());
  }

  @Test
  void pureNoiseHasHighInSampleButNoOutOfSampleLinearity() {
    int n = 4 * 16;
    int[] label = new int[n];
    int[] unit = new int[n];
    double[][] x = samples(4, 1, 128, 0.0, 2, label, unit);
    // In-sample, as the tool used to report: the plane of the full cell-mean table, R^2 of the
    // projected 16 cell means on (column, row), pooled over both coordinates.
    double[][] table = new double[16][128];
    for (int i = 0; i < n; i++) {
      table[label[i]] = Vectors.add(table[label[i]], Vectors.scale(x[i], 1 / 4.0));
    }
    double[][] plane = PLANE.directions(table);
    double ssr = 0;
    double sst = 0;
    for (int k = 0; k < 2; k++) {
      double[] y = new double[16];
      for (int c = 0; c < 16; c++) {
        y[c] = Vectors.dot(table[c], plane[k]);
      }
      double mean = Arrays.stream(y).average().orElseThrow();
      double t = Arrays.stream(y).map(v -> (v - mean) * (v - mean)).sum();
      ssr += (1 - Linearity.rSquared(cellCoordinates(), y)) * t;
      sst += t;
    }
    double inSample = 1 - ssr / sst;
    assertTrue(inSample > 0.7, "in-sample R^2 of noise " + inSample);
    HeldOutLinearity.Result r = HeldOutLinearity.of(x, label, 16, unit, 5, 0)
        .test(PLANE, cellCoordinates(), 199, 0);
    assertTrue(r.cvR2() <= 0.05, "noise CV R^2 " + r.cvR2());
    assertTrue(r.pValue() > 0.05, "noise p " + r.pValue());
    System.out.printf("pure noise, width 128: in-sample R^2 %.3f, CV R^2 %.3f, p %.3f%n", inSample, r.cvR2(),
        r.pValue());
  }

  @Test
  void degenerateAxesGiveNaN() {
    double[][] x = new double[32][3];
    int[] label = new int[32];
    int[] unit = new int[32];
    for (int i = 0; i < 32; i++) {
      label[i] = i % 16;
      unit[i] = i / 16;
    }
    HeldOutLinearity.Result r = HeldOutLinearity.of(x, label, 16, unit, 5, 0).test(PLANE, cellCoordinates(), 9, 0);
    assertTrue(Double.isNaN(r.cvR2()));
    assertTrue(Double.isNaN(r.pValue()));
    assertNull(PLANE.directions(new double[16][3]));
  }

  @Test
  void badInputIsNamed() {
    double[][] x = {{0}, {1}};
    assertThrows(IllegalArgumentException.class, () -> HeldOutLinearity.of(x, new int[] {0, 1}, 2, new int[] {0, 0}, 5, 0));
    assertThrows(IllegalArgumentException.class, () -> HeldOutLinearity.of(x, new int[] {0, 2}, 2, new int[] {0, 1}, 5, 0));
    // unit 1 alone holds label 1: its fold has no training sample of label 1
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> HeldOutLinearity.of(x, new int[] {0, 1}, 2, new int[] {0, 1}, 5, 0));
    assertTrue(e.getMessage().contains("label"), e.getMessage());
  }

  @Test
  void verdictClaimsOnlyWhatBeatsBaselineAndPermutations() {
    List<Integer> layers = List.of(0, 1, 2);
    HeldOutLinearity.Verdict v = HeldOutLinearity.verdict(
        layers, new double[] {Double.NaN, 0.9, 0.95}, new double[] {Double.NaN, 0.005, 0.2},
        new double[] {Double.NaN, 0.1, 0.1}, "random-init");
    assertEquals(1, v.layer());
    assertTrue(v.text().startsWith("Most linear at layer 1"), v.text());
    HeldOutLinearity.Verdict none = HeldOutLinearity.verdict(
        layers, new double[] {Double.NaN, 0.5, 0.6}, new double[] {Double.NaN, 0.005, 0.005},
        new double[] {Double.NaN, 0.7, 0.8}, "random-init");
    assertEquals(-1, none.layer());
    assertTrue(none.text().contains("No layer is shown to be linear") && none.text().contains("random-init baseline 0.800"),
        none.text());
    HeldOutLinearity.Verdict notSignificant = HeldOutLinearity.verdict(
        layers, new double[] {Double.NaN, 0.5, 0.6}, new double[] {Double.NaN, 0.3, 0.4},
        new double[] {Double.NaN, 0.0, 0.0}, "shuffled");
    assertEquals(-1, notSignificant.layer());
    assertTrue(notSignificant.text().contains("p = 0.4"), notSignificant.text());
    HeldOutLinearity.Verdict untested = HeldOutLinearity.verdict(
        layers, new double[] {Double.NaN, 0.5, 0.6}, new double[] {Double.NaN, Double.NaN, Double.NaN},
        new double[] {Double.NaN, Double.NaN, Double.NaN}, "shuffled");
    assertEquals(-1, untested.layer());
    assertTrue(untested.text().contains("there is no shuffled baseline to beat and it has no permutation test"),
        untested.text());
  }
}
