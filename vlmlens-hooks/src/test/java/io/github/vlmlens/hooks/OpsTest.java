package io.github.vlmlens.hooks;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.github.vlmlens.hooks.internal.model.Attention;
import io.github.vlmlens.hooks.internal.model.LayerPoints;
import io.github.vlmlens.hooks.internal.model.Ops;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The network's operations against values computed by hand. */
class OpsTest {
  private static NDManager m;

  @BeforeAll
  static void open() {
    m = NDManager.newBaseManager("PyTorch");
  }

  @AfterAll
  static void close() {
    m.close();
  }

  @Test
  void rmsNormDividesByTheRootMeanSquareThenScales() {
    NDArray x = m.create(new float[] {1, 2, 3, 4}, new Shape(1, 4));
    NDArray w = m.create(new float[] {1, 1, 2, 0.5f});
    float[] y = Ops.rmsNorm(x, w, 0f).toFloatArray();
    double rms = Math.sqrt((1 + 4 + 9 + 16) / 4.0); // sqrt(7.5)
    assertArrayEquals(
        new float[] {(float) (1 / rms), (float) (2 / rms), (float) (6 / rms), (float) (2 / rms)}, y, 1e-6f);
    // eps is added to the mean square: a zero vector stays finite.
    float[] z = Ops.rmsNorm(m.zeros(new Shape(1, 4)), w, 1e-5f).toFloatArray();
    assertArrayEquals(new float[4], z);
  }

  @Test
  void rotaryPairsElementIWithElementIPlusHalf() {
    // head_dim 4, theta 10000: inv_freq = [1, 1/100].
    NDList tables = Ops.rotaryTables(m, 2, 4, 10000, DataType.FLOAT32);
    NDArray cos = tables.get(0);
    NDArray sin = tables.get(1);
    assertArrayEquals(new float[] {1, 1, 1, 1, (float) Math.cos(1), (float) Math.cos(0.01), (float) Math.cos(1),
        (float) Math.cos(0.01)}, cos.toFloatArray(), 1e-7f);
    float[] xs = {1, 2, 3, 4};
    NDArray x = m.create(new float[] {1, 2, 3, 4, 1, 2, 3, 4}, new Shape(1, 1, 2, 4)); // positions 0 and 1
    float[] y = Ops.applyRotary(x, cos, sin).toFloatArray();
    // Position 0: unchanged.
    assertArrayEquals(xs, java.util.Arrays.copyOfRange(y, 0, 4), 1e-7f);
    // Position 1: rotate_half(x) = [-3, -4, 1, 2].
    double c1 = Math.cos(1);
    double s1 = Math.sin(1);
    double c2 = Math.cos(0.01);
    double s2 = Math.sin(0.01);
    float[] expected = {
      (float) (1 * c1 - 3 * s1), (float) (2 * c2 - 4 * s2), (float) (3 * c1 + 1 * s1), (float) (4 * c2 + 2 * s2)
    };
    assertArrayEquals(expected, java.util.Arrays.copyOfRange(y, 4, 8), 1e-6f);
    assertArrayEquals(new float[] {-3, -4, 1, 2}, Ops.rotateHalf(m.create(xs)).toFloatArray());
  }

  @Test
  void groupedQueryHeadsUseKeyValueHeadHOverNRep() {
    // 4 query heads, 2 kv heads: heads 0, 1 read kv head 0; heads 2, 3 read kv head 1.
    // Zero queries give uniform attention over the allowed keys, so each output is the mean of
    // the values its kv head holds at positions <= t.
    int t = 3;
    int d = 2;
    NDArray q = m.zeros(new Shape(1, 4, t, d));
    NDArray k = m.randomNormal(new Shape(1, 2, t, d));
    float[] vv = new float[2 * t * d];
    for (int h = 0; h < 2; h++) {
      for (int s = 0; s < t; s++) {
        for (int e = 0; e < d; e++) {
          vv[(h * t + s) * d + e] = 10 * (h + 1) + s;
        }
      }
    }
    NDArray v = m.create(vv, new Shape(1, 2, t, d));
    float[] out = attention(q, k, v, Ops.causalMask(m, t), 0.5f).toFloatArray();
    for (int h = 0; h < 4; h++) {
      int kv = h / 2;
      for (int s = 0; s < t; s++) {
        double mean = 10 * (kv + 1) + s / 2.0; // mean of 0..s
        for (int e = 0; e < d; e++) {
          assertEquals(mean, out[(h * t + s) * d + e], 1e-5, "head " + h + " position " + s);
        }
      }
    }
  }

  /** The shared attention with no taps, its merged heads split back to {@code [B, heads, T, d]}. */
  private static NDArray attention(NDArray q, NDArray k, NDArray v, NDArray mask, float scale) {
    NDArray z = Attention.attend(q, k, v, mask, scale, LayerPoints.lm(1), ForwardTap.NONE);
    return Ops.splitHeads(z, q.getShape().get(1), q.getShape().get(3));
  }

  @Test
  void causalMaskHidesLaterKeys() {
    float[] mask = Ops.causalMask(m, 3).toFloatArray();
    assertEquals(0f, mask[0]);
    assertEquals(-Float.MAX_VALUE, mask[1]);
    assertEquals(-Float.MAX_VALUE, mask[2]);
    assertEquals(0f, mask[3]);
    assertEquals(0f, mask[4]);
    assertEquals(-Float.MAX_VALUE, mask[5]);
    assertEquals(0f, mask[8]);
    // The first query sees only the first value, whatever the scores.
    NDArray q = m.randomNormal(new Shape(1, 1, 3, 4));
    NDArray k = m.randomNormal(new Shape(1, 1, 3, 4));
    NDArray v = m.randomNormal(new Shape(1, 1, 3, 4));
    float[] out = attention(q, k, v, Ops.causalMask(m, 3), 0.5f).toFloatArray();
    assertArrayEquals(java.util.Arrays.copyOfRange(v.toFloatArray(), 0, 4), java.util.Arrays.copyOfRange(out, 0, 4), 1e-6f);
  }

  @Test
  void quickGeluAndGeluAndSilu() {
    float[] xs = {-2, -1, 0, 0.5f, 1, 2};
    float[] qg = Ops.quickGelu(m.create(xs)).toFloatArray();
    float[] ge = Ops.gelu(m.create(xs)).toFloatArray();
    float[] si = Ops.silu(m.create(xs)).toFloatArray();
    for (int i = 0; i < xs.length; i++) {
      double x = xs[i];
      assertEquals(x / (1 + Math.exp(-1.702 * x)), qg[i], 1e-6);
      assertEquals(x * 0.5 * (1 + ReferenceForwardTest.erf(x / Math.sqrt(2))), ge[i], 1e-6);
      assertEquals(x / (1 + Math.exp(-x)), si[i], 1e-6);
    }
    assertEquals(0.8413447460685429, ge[4], 1e-6); // GELU(1), the erf form (tanh form: 0.8411920)
  }

  @Test
  void layerNormAndLinear() {
    NDArray x = m.create(new float[] {1, 2, 3, 6}, new Shape(1, 4));
    float[] y = Ops.layerNorm(x, m.create(new float[] {1, 1, 1, 2}), m.create(new float[] {0, 0, 1, 0}), 0f).toFloatArray();
    double sd = Math.sqrt((4 + 1 + 0 + 9) / 4.0);
    assertArrayEquals(
        new float[] {(float) (-2 / sd), (float) (-1 / sd), 1f, (float) (2 * 3 / sd)}, y, 1e-6f);
    NDArray w = m.create(new float[] {1, 0, 0, 0, 0, 1, 1, 1}, new Shape(2, 4));
    assertArrayEquals(new float[] {1 + 10, 11 + 20}, Ops.linear(x, w, m.create(new float[] {10, 20})).toFloatArray());
    assertArrayEquals(new float[] {1, 11}, Ops.linear(x, w, null).toFloatArray());
  }
}
