package io.github.vlmlens.core.analysis;

import io.github.vlmlens.core.API;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.SingularValueDecomposition;
import org.apache.commons.math3.random.RandomGenerator;

/**
 * The vector geometry of linear ID codes, shared by the spatial and the temporal analyses
 * (METHOD.md sections 2, 3 and 6): centring per group, the mean of ordered differences that
 * defines an axis, Gram-Schmidt, projection, the first principal direction, the variance a
 * subspace explains and random vectors of a given norm. Vectors are {@code double[]}; every
 * method leaves its arguments unchanged and returns fresh arrays.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1.0")
public final class Vectors {
  private Vectors() {}

  /** A {@code double} copy of a float vector. */
  public static double[] of(float[] v) {
    double[] out = new double[v.length];
    for (int i = 0; i < v.length; i++) {
      out[i] = v[i];
    }
    return out;
  }

  /**
   * Float vectors as little-endian float32 bytes, back to back: the compact form journals keep
   * captured activations in (Jackson writes {@code byte[]} as base64).
   */
  public static byte[] toBytes(float[]... vectors) {
    int n = 0;
    for (float[] v : vectors) {
      n += v.length;
    }
    ByteBuffer b = ByteBuffer.allocate(4 * n).order(ByteOrder.LITTLE_ENDIAN);
    for (float[] v : vectors) {
      b.asFloatBuffer().put(v);
      b.position(b.position() + 4 * v.length);
    }
    return b.array();
  }

  /**
   * Splits bytes written by {@link #toBytes} into {@code count} vectors of equal length.
   *
   * @throws IllegalArgumentException when the length is not {@code 4 * count * k} for some k
   */
  public static float[][] fromBytes(byte[] bytes, int count) {
    if (count < 1 || bytes.length % (4 * count) != 0) {
      throw new IllegalArgumentException(
          "float32 data of " + bytes.length + " bytes does not hold " + count + " vectors of equal length");
    }
    int k = bytes.length / 4 / count;
    FloatBuffer f = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
    float[][] out = new float[count][k];
    for (float[] v : out) {
      f.get(v);
    }
    return out;
  }

  /** A {@code float} copy of a vector (rounded to nearest). */
  public static float[] toFloat(double[] v) {
    float[] out = new float[v.length];
    for (int i = 0; i < v.length; i++) {
      out[i] = (float) v[i];
    }
    return out;
  }

  /** The dot product. */
  public static double dot(double[] a, double[] b) {
    checkSame(a, b);
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      s += a[i] * b[i];
    }
    return s;
  }

  /** The Euclidean norm. */
  public static double norm(double[] a) {
    return Math.sqrt(dot(a, a));
  }

  /** The cosine of the angle between two vectors; NaN when either is zero. */
  public static double cosine(double[] a, double[] b) {
    double na = norm(a);
    double nb = norm(b);
    if (na == 0 || nb == 0) {
      return Double.NaN;
    }
    return dot(a, b) / (na * nb);
  }

  /** {@code a + b}. */
  public static double[] add(double[] a, double[] b) {
    checkSame(a, b);
    double[] out = new double[a.length];
    for (int i = 0; i < a.length; i++) {
      out[i] = a[i] + b[i];
    }
    return out;
  }

  /** {@code a - b}. */
  public static double[] subtract(double[] a, double[] b) {
    checkSame(a, b);
    double[] out = new double[a.length];
    for (int i = 0; i < a.length; i++) {
      out[i] = a[i] - b[i];
    }
    return out;
  }

  /** {@code s * a}. */
  public static double[] scale(double[] a, double s) {
    double[] out = new double[a.length];
    for (int i = 0; i < a.length; i++) {
      out[i] = s * a[i];
    }
    return out;
  }

  /** {@code a} scaled to norm 1. */
  public static double[] unit(double[] a) {
    double n = norm(a);
    if (n == 0 || !Double.isFinite(n)) {
      throw new IllegalArgumentException("cannot normalise a vector of norm " + n);
    }
    return scale(a, 1 / n);
  }

  /**
   * The mean of the rows.
   *
   * @throws IllegalArgumentException for no rows or rows of different lengths
   */
  public static double[] mean(List<double[]> rows) {
    if (rows.isEmpty()) {
      throw new IllegalArgumentException("the mean of no vectors is undefined");
    }
    double[] out = new double[rows.get(0).length];
    for (double[] r : rows) {
      checkSame(out, r);
      for (int i = 0; i < out.length; i++) {
        out[i] += r[i];
      }
    }
    return scale(out, 1.0 / rows.size());
  }

  /**
   * Each row minus the mean of the rows in its group: the centring of METHOD.md section 2 (the
   * group is A's cell) and section 6 (the group is the anchor frame), where it removes what an
   * activation owes to everything but the placement of the object read.
   *
   * @param rows the activations, one per sample
   * @param groups each row's group key (any equal-comparable value)
   * @throws IllegalArgumentException when the lengths differ
   */
  public static <K> double[][] centreByGroup(double[][] rows, List<K> groups) {
    if (rows.length != groups.size()) {
      throw new IllegalArgumentException(rows.length + " rows but " + groups.size() + " group keys");
    }
    Map<K, List<double[]>> byGroup = new LinkedHashMap<>();
    for (int i = 0; i < rows.length; i++) {
      byGroup.computeIfAbsent(groups.get(i), k -> new ArrayList<>()).add(rows[i]);
    }
    Map<K, double[]> means = new LinkedHashMap<>();
    byGroup.forEach((k, v) -> means.put(k, mean(v)));
    double[][] out = new double[rows.length][];
    for (int i = 0; i < rows.length; i++) {
      out[i] = subtract(rows[i], means.get(groups.get(i)));
    }
    return out;
  }

  /**
   * The mean of all ordered differences of a sequence of vectors indexed {@code 0..n-1}:
   * {@code 1 / C(n,2) * sum_{i > j} (v_i - v_j)}. This is the paper's axis along one row of the
   * spatial ID table ({@code h_L} is the mean of it over rows) and the time axis over frames. It
   * equals {@code 1 / C(n,2) * sum_i (2i - (n - 1)) v_i}, which is how it is computed.
   *
   * <p>When {@code v_i = c + i d} exactly, the result is {@code (n + 1) / 3 * d} (the mean index gap
   * of a pair is {@code (n + 1) / 3}): the direction of the step, not its length.
   *
   * @throws IllegalArgumentException for fewer than two vectors
   */
  public static double[] orderedDifferenceMean(double[][] byIndex) {
    int n = byIndex.length;
    if (n < 2) {
      throw new IllegalArgumentException("an axis needs at least 2 indexed vectors, got " + n);
    }
    double pairs = n * (n - 1) / 2.0;
    double[] out = new double[byIndex[0].length];
    for (int i = 0; i < n; i++) {
      checkSame(out, byIndex[i]);
      double w = (2.0 * i - (n - 1)) / pairs;
      for (int k = 0; k < out.length; k++) {
        out[k] += w * byIndex[i][k];
      }
    }
    return out;
  }

  /**
   * Orthonormalises vectors in order (classical Gram-Schmidt, with a second pass for accuracy):
   * the first result is the first vector normalised, the second the part of the second vector
   * orthogonal to the first, normalised, and so on.
   *
   * @throws IllegalArgumentException when a vector lies (up to {@code 1e-10} of its norm) in the
   *     span of the ones before it, naming its index
   */
  public static double[][] gramSchmidt(double[]... vectors) {
    double[][] basis = new double[vectors.length][];
    for (int i = 0; i < vectors.length; i++) {
      double[] v = vectors[i].clone();
      double original = norm(v);
      for (int pass = 0; pass < 2; pass++) {
        for (int j = 0; j < i; j++) {
          double c = dot(v, basis[j]);
          for (int k = 0; k < v.length; k++) {
            v[k] -= c * basis[j][k];
          }
        }
      }
      double n = norm(v);
      if (!(original > 0) || !(n > 1e-10 * original)) {
        throw new IllegalArgumentException(
            "vector " + i + " (norm " + original + ") is linearly dependent on the vectors before it");
      }
      basis[i] = scale(v, 1 / n);
    }
    return basis;
  }

  /** The coordinates of {@code v} on an orthonormal basis: {@code c_k = <v, b_k>}. */
  public static double[] project(double[] v, double[][] orthonormalBasis) {
    double[] c = new double[orthonormalBasis.length];
    for (int k = 0; k < c.length; k++) {
      c[k] = dot(v, orthonormalBasis[k]);
    }
    return c;
  }

  /**
   * The first principal direction of the rows (the top right-singular vector of the rows centred
   * on their mean), as a unit vector whose sign is arbitrary: orient it with {@link #orient}.
   *
   * @throws IllegalArgumentException for fewer than two rows or rows that are all equal
   */
  public static double[] firstPrincipalDirection(double[][] rows) {
    if (rows.length < 2) {
      throw new IllegalArgumentException("a principal direction needs at least 2 rows, got " + rows.length);
    }
    double[] mean = mean(Arrays.asList(rows));
    double[][] centred = new double[rows.length][];
    double total = 0;
    for (int i = 0; i < rows.length; i++) {
      centred[i] = subtract(rows[i], mean);
      total += dot(centred[i], centred[i]);
    }
    if (!(total > 0)) {
      throw new IllegalArgumentException("the rows are all equal: no principal direction");
    }
    // SVD of the (rows x dim) matrix; commons-math wants rows >= columns for efficiency only.
    SingularValueDecomposition svd = new SingularValueDecomposition(new Array2DRowRealMatrix(centred, false));
    return unit(svd.getV().getColumn(0));
  }

  /** {@code direction}, or its negation, whichever has a non-negative dot product with {@code reference}. */
  public static double[] orient(double[] direction, double[] reference) {
    return dot(direction, reference) < 0 ? scale(direction, -1) : direction.clone();
  }

  /**
   * The fraction of the rows' variance (about their mean) that lies in the span of an orthonormal
   * basis: {@code sum_i ||P (r_i - mean)||^2 / sum_i ||r_i - mean||^2}; NaN when the rows are all
   * equal.
   */
  public static double explainedVariance(double[][] rows, double[][] orthonormalBasis) {
    double[] mean = mean(Arrays.asList(rows));
    double inside = 0;
    double total = 0;
    for (double[] r : rows) {
      double[] c = subtract(r, mean);
      total += dot(c, c);
      for (double p : project(c, orthonormalBasis)) {
        inside += p * p;
      }
    }
    return total > 0 ? inside / total : Double.NaN;
  }

  /**
   * A random vector of exactly {@code norm} (up to rounding) in a uniformly random direction:
   * standard normal components, rescaled. The noise control of steering experiments.
   *
   * @throws IllegalArgumentException for a non-positive dimension or a negative norm
   */
  public static double[] randomWithNorm(int dimension, double norm, RandomGenerator rng) {
    Objects.requireNonNull(rng, "rng");
    if (dimension < 1 || !(norm >= 0)) {
      throw new IllegalArgumentException(
          "need dimension >= 1 and norm >= 0, got " + dimension + " and " + norm);
    }
    double[] v = new double[dimension];
    double n;
    do {
      for (int i = 0; i < dimension; i++) {
        v[i] = rng.nextGaussian();
      }
      n = norm(v);
    } while (n == 0);
    return scale(v, norm / n);
  }

  private static void checkSame(double[] a, double[] b) {
    if (a.length != b.length) {
      throw new IllegalArgumentException("vectors of lengths " + a.length + " and " + b.length);
    }
  }
}
