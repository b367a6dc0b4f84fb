package io.github.vlmlens.core.analysis;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;
import org.apache.commons.math3.random.Well19937c;
import org.junit.jupiter.api.Test;

class VectorsTest {
  private static final double TOL = 1e-12;

  @Test
  void floatBytesAreLittleEndianFloat32AndRoundTrip() {
    byte[] b = Vectors.toBytes(new float[] {1.0f, -2.5f}, new float[] {Float.NaN, 3e-39f});
    assertEquals(16, b.length);
    // 1.0f is 0x3f800000: little-endian 00 00 80 3f.
    assertEquals(0, b[0]);
    assertEquals(0, b[1]);
    assertEquals((byte) 0x80, b[2]);
    assertEquals(0x3f, b[3]);
    float[][] back = Vectors.fromBytes(b, 2);
    assertArrayEquals(new float[] {1.0f, -2.5f}, back[0]);
    assertTrue(Float.isNaN(back[1][0]));
    assertEquals(3e-39f, back[1][1]); // subnormals exact
    assertThrows(IllegalArgumentException.class, () -> Vectors.fromBytes(b, 3));
  }

  @Test
  void orderedDifferenceMeanEqualsTheBruteForceSumOverPairs() {
    Random r = new Random(3);
    for (int n = 2; n <= 6; n++) {
      double[][] v = new double[n][3];
      for (double[] row : v) {
        for (int k = 0; k < 3; k++) {
          row[k] = r.nextGaussian();
        }
      }
      double[] brute = new double[3];
      int pairs = 0;
      for (int i = 0; i < n; i++) {
        for (int j = 0; j < i; j++) {
          brute = Vectors.add(brute, Vectors.subtract(v[i], v[j]));
          pairs++;
        }
      }
      assertEquals(n * (n - 1) / 2, pairs);
      assertArrayEquals(Vectors.scale(brute, 1.0 / pairs), Vectors.orderedDifferenceMean(v), TOL);
    }
  }

  @Test
  void orderedDifferenceMeanOfAnExactlyLinearSequenceIsItsStepTimesTheMeanGap() {
    double[] c = {1, -2, 0.5};
    double[] d = {0.25, 3, -1};
    double[][] v = new double[5][];
    for (int i = 0; i < 5; i++) {
      v[i] = Vectors.add(c, Vectors.scale(d, i));
    }
    // mean index gap over the 10 pairs of 0..4: (1*4 + 2*3 + 3*2 + 4*1) / 10 = 2 = (5 + 1) / 3
    assertArrayEquals(Vectors.scale(d, 2), Vectors.orderedDifferenceMean(v), TOL);
    // three points by hand: ((v1 - v0) + (v2 - v0) + (v2 - v1)) / 3 = 2 (v2 - v0) / 3
    double[][] three = {{0, 0}, {5, 1}, {3, 3}};
    assertArrayEquals(new double[] {2.0, 2.0}, Vectors.orderedDifferenceMean(three), TOL);
    assertThrows(IllegalArgumentException.class, () -> Vectors.orderedDifferenceMean(new double[][] {{1}}));
  }

  @Test
  void centreByGroupSubtractsEachGroupsMean() {
    double[][] rows = {{1, 2}, {3, 4}, {10, 0}, {20, 10}, {0, 0}};
    List<String> groups = List.of("a", "a", "b", "b", "c");
    double[][] c = Vectors.centreByGroup(rows, groups);
    assertArrayEquals(new double[] {-1, -1}, c[0], TOL);
    assertArrayEquals(new double[] {1, 1}, c[1], TOL);
    assertArrayEquals(new double[] {-5, -5}, c[2], TOL);
    assertArrayEquals(new double[] {5, 5}, c[3], TOL);
    assertArrayEquals(new double[] {0, 0}, c[4], TOL);
    assertThrows(IllegalArgumentException.class, () -> Vectors.centreByGroup(rows, List.of("a")));
  }

  @Test
  void gramSchmidtGivesAnOrthonormalBasisOfTheSameSpan() {
    double[] a = {3, 0, 4};
    double[] b = {1, 1, 1};
    double[][] q = Vectors.gramSchmidt(a, b);
    assertEquals(1, Vectors.norm(q[0]), TOL);
    assertEquals(1, Vectors.norm(q[1]), TOL);
    assertEquals(0, Vectors.dot(q[0], q[1]), TOL);
    assertArrayEquals(new double[] {0.6, 0, 0.8}, q[0], TOL);
    // b lies in the span: its projection reconstructs it
    double[] c = Vectors.project(b, q);
    double[] back = Vectors.add(Vectors.scale(q[0], c[0]), Vectors.scale(q[1], c[1]));
    assertArrayEquals(b, back, 1e-12);
    assertThrows(IllegalArgumentException.class, () -> Vectors.gramSchmidt(a, Vectors.scale(a, 2)));
  }

  @Test
  void firstPrincipalDirectionFindsTheDirectionOfLargestSpread() {
    double[] d = Vectors.unit(new double[] {1, 2, -2});
    double[] e = Vectors.unit(new double[] {2, 1, 2}); // orthogonal to d
    assertEquals(0, Vectors.dot(d, e), TOL);
    double[][] rows = new double[20][];
    Random r = new Random(1);
    for (int i = 0; i < rows.length; i++) {
      rows[i] = Vectors.add(Vectors.scale(d, i - 10), Vectors.scale(e, 0.1 * r.nextGaussian()));
    }
    double[] p = Vectors.orient(Vectors.firstPrincipalDirection(rows), d);
    assertTrue(Vectors.cosine(p, d) > 0.9999, "cosine " + Vectors.cosine(p, d));
    double explained = Vectors.explainedVariance(rows, new double[][] {p});
    assertTrue(explained > 0.999 && explained <= 1 + TOL, "explained " + explained);
    assertEquals(1.0, Vectors.explainedVariance(rows, Vectors.gramSchmidt(d, e)), 1e-9);
  }

  @Test
  void randomWithNormHasExactlyTheNormAskedFor() {
    Well19937c rng = new Well19937c(7);
    for (double n : new double[] {0.5, 1, 37.25}) {
      double[] v = Vectors.randomWithNorm(64, n, rng);
      assertEquals(64, v.length);
      assertEquals(n, Vectors.norm(v), 1e-12 * n);
    }
    double[] a = Vectors.randomWithNorm(8, 1, new Well19937c(11));
    double[] b = Vectors.randomWithNorm(8, 1, new Well19937c(11));
    assertArrayEquals(a, b, 0.0);
  }

  @Test
  void cosineAndOrientation() {
    assertEquals(-1, Vectors.cosine(new double[] {1, 1}, new double[] {-2, -2}), TOL);
    assertTrue(Double.isNaN(Vectors.cosine(new double[] {0, 0}, new double[] {1, 0})));
    assertArrayEquals(new double[] {-1, 0}, Vectors.orient(new double[] {1, 0}, new double[] {-3, 1}), 0);
  }
}
