package io.github.vlmlens.core.analysis;

import io.github.vlmlens.core.API;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.QRDecomposition;
import org.apache.commons.math3.linear.RealMatrix;
import org.apache.commons.math3.linear.SingularMatrixException;

/**
 * Out-of-sample linearity of an ID code, with a permutation test (METHOD.md section 7). An
 * in-sample {@code R^2} of projected IDs is high even for pure noise (axes and fit chosen on the
 * very points they are judged on), so a code is called linear only on data its axes never saw.
 *
 * <p><b>Scheme.</b> Every sample is a centred activation with a label ({@code 0..labels-1}: a
 * cell, a frame, a column-frame cell) and a fold unit (its object pair, or, with one pair only,
 * its centring group). The units are shuffled with the seed and dealt round-robin into
 * {@code k = min(folds, units)} folds. For each fold: the ID table of the <i>training</i> samples
 * (per label, the mean of their rows) gives the directions (the analysis's own {@link Axes}); the
 * training IDs' coordinates on them are fitted by ordinary least squares with an intercept on the
 * labels' true coordinates (column and row, or frame); the fit then predicts the coordinates of the
 * <i>held-out</i> ID table (per label present in the fold, the mean of its samples). IDs are
 * defined only up to their centring, so observed and predicted coordinates are both taken about
 * their mean over the fold's labels; the cross-validated {@code R^2} pools the folds and outputs:
 * {@code 1 - sum SSE / sum SST}, SST the held-out coordinates' sum of squares about that mean. It
 * is near 1 for a planted linear code and at or below 0 for an unordered one (negative when the
 * prediction is worse than none).
 *
 * <p><b>Permutation test.</b> The labels are relabelled by a seeded random bijection applied to
 * every sample (training and held-out alike, so each relabelled cell is still one consistent
 * code), and the whole pipeline (directions, fit, prediction) is refitted; {@code p = (1 + #{permuted
 * >= observed}) / (1 + permutations)}. Relabellings that are symmetries of the label geometry (a
 * reversal of the frames, a flip of the grid) give the observed value again and count against the
 * code, so {@code p} is conservative. Instances are immutable.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1.0")
public final class HeldOutLinearity {
  /** The default number of folds. */
  public static final int DEFAULT_FOLDS = 5;
  /** The default number of permutations (the smallest p-value is then 0.005). */
  public static final int DEFAULT_PERMUTATIONS = 199;
  /** Two values closer than this count as equal when counting permutations at least as high. */
  private static final double TIE = 1e-12;

  private final int labels;
  private final int folds;
  private final double[][][] train; // [fold][label][dim]
  private final double[][][] test; // [fold][label][dim] or null rows

  /**
   * The directions of an analysis, fitted on an ID table.
   */
  @FunctionalInterface
  @API(status = API.Status.EXPERIMENTAL, since = "0.1.0")
  public interface Axes {
    /**
     * The directions (rows) to project on, or {@code null} when the table has none (zero or
     * parallel axes).
     *
     * @param table one ID per label, in label order
     */
    double[][] directions(double[][] table);
  }

  /**
   * What the test found.
   *
   * @param cvR2 the cross-validated {@code R^2} (NaN when a fold's directions are degenerate)
   * @param pValue the permutation p-value (NaN without permutations or with NaN {@code cvR2})
   * @param permutedMean the mean cross-validated {@code R^2} over the permutations (NaN-ignoring)
   * @param permutedMax its maximum
   * @param folds the number of folds
   * @param permutations the number of permutations
   */
  @API(status = API.Status.EXPERIMENTAL, since = "0.1.0")
  public record Result(
      double cvR2, double pValue, double permutedMean, double permutedMax, int folds, int permutations) {
    /** Whether {@code p < alpha}. */
    public boolean significant(double alpha) {
      return pValue < alpha;
    }
  }

  private HeldOutLinearity(int labels, int folds, double[][][] train, double[][][] test) {
    this.labels = labels;
    this.folds = folds;
    this.train = train;
    this.test = test;
  }

  /**
   * Deals the samples into folds and computes each fold's training and held-out ID tables.
   *
   * @param centred the samples' centred activations
   * @param label each sample's label, {@code 0..labels-1}
   * @param labels the number of labels
   * @param unit each sample's fold unit (pair, or centring group); units are kept whole
   * @param folds the largest number of folds ({@code >= 2})
   * @param seed the seed of the dealing
   * @throws IllegalArgumentException for fewer than two units, mismatched lengths, a label out of
   *     range, or a fold whose training samples miss a label
   */
  public static HeldOutLinearity of(
      double[][] centred, int[] label, int labels, int[] unit, int folds, long seed) {
    int n = centred.length;
    if (label.length != n || unit.length != n) {
      throw new IllegalArgumentException(
          n + " samples but " + label.length + " labels and " + unit.length + " fold units");
    }
    Builder b = builder(labels, n == 0 ? 0 : centred[0].length);
    for (int i = 0; i < n; i++) {
      b.add(unit[i], label[i], centred[i]);
    }
    return b.build(folds, seed);
  }

  /**
   * A builder that takes the samples one by one and keeps only their sums per fold unit and
   * label (for analyses whose samples do not fit in memory at once).
   *
   * @param labels the number of labels
   * @param dim the samples' width
   */
  public static Builder builder(int labels, int dim) {
    return new Builder(labels, dim);
  }

  /** Collects samples for {@link HeldOutLinearity}; single use. */
  @API(status = API.Status.EXPERIMENTAL, since = "0.1.0")
  public static final class Builder {
    private final int labels;
    private final int dim;
    private final Map<Integer, double[][]> sums = new LinkedHashMap<>();
    private final Map<Integer, int[]> counts = new LinkedHashMap<>();

    private Builder(int labels, int dim) {
      if (labels < 2) {
        throw new IllegalArgumentException("linearity needs at least 2 labels, got " + labels);
      }
      this.labels = labels;
      this.dim = dim;
    }

    /**
     * Adds a sample.
     *
     * @param unit its fold unit (object pair, or centring group)
     * @param label its label, {@code 0..labels-1}
     * @param centred its centred activation
     */
    public Builder add(int unit, int label, double[] centred) {
      if (label < 0 || label >= labels) {
        throw new IllegalArgumentException("label " + label + " outside 0.." + (labels - 1));
      }
      if (centred.length != dim) {
        throw new IllegalArgumentException("a sample of width " + centred.length + " where " + dim + " was expected");
      }
      double[] s = sums.computeIfAbsent(unit, u -> new double[labels][dim])[label];
      for (int d = 0; d < dim; d++) {
        s[d] += centred[d];
      }
      counts.computeIfAbsent(unit, u -> new int[labels])[label]++;
      return this;
    }

    /** {@link #add} for float samples. */
    public Builder add(int unit, int label, float[] centred) {
      return add(unit, label, Vectors.of(centred));
    }

    /**
     * Deals the units into folds (see the class comment) and forms each fold's ID tables.
     *
     * @param folds the largest number of folds ({@code >= 2})
     * @param seed the seed of the dealing
     * @throws IllegalArgumentException for fewer than two units, or a fold whose training samples
     *     miss a label
     */
    public HeldOutLinearity build(int folds, long seed) {
      if (folds < 2) {
        throw new IllegalArgumentException("cross-validation needs at least 2 folds, got " + folds);
      }
      if (sums.size() < 2) {
        throw new IllegalArgumentException(
            "cross-validation needs at least 2 fold units (object pairs or centring groups), got " + sums.size());
      }
      List<Integer> units = new ArrayList<>(sums.keySet());
      Collections.sort(units);
      Collections.shuffle(units, new Random(seed));
      int k = Math.min(folds, units.size());
      double[][][] train = new double[k][][];
      double[][][] test = new double[k][][];
      for (int f = 0; f < k; f++) {
        double[][] trSum = new double[labels][dim];
        double[][] teSum = new double[labels][dim];
        int[] trN = new int[labels];
        int[] teN = new int[labels];
        for (int u = 0; u < units.size(); u++) {
          boolean held = u % k == f;
          double[][] s = sums.get(units.get(u));
          int[] c = counts.get(units.get(u));
          for (int l = 0; l < labels; l++) {
            double[] target = held ? teSum[l] : trSum[l];
            for (int d = 0; d < dim; d++) {
              target[d] += s[l][d];
            }
            if (held) {
              teN[l] += c[l];
            } else {
              trN[l] += c[l];
            }
          }
        }
        train[f] = new double[labels][];
        test[f] = new double[labels][];
        for (int l = 0; l < labels; l++) {
          if (trN[l] == 0) {
            throw new IllegalArgumentException(
                "fold " + f + " of " + k + " leaves label " + l + " without training samples");
          }
          train[f][l] = Vectors.scale(trSum[l], 1.0 / trN[l]);
          test[f][l] = teN[l] == 0 ? null : Vectors.scale(teSum[l], 1.0 / teN[l]);
        }
      }
      return new HeldOutLinearity(labels, k, train, test);
    }
  }

  /**
   * Which layer, if any, a report may call linear, and the sentence that says so.
   *
   * @param layer the layer shown to be most linear, or -1 when none is
   * @param text the sentence for summaries and reports
   */
  @API(status = API.Status.EXPERIMENTAL, since = "0.1.0")
  public record Verdict(int layer, String text) {}

  /** The significance level of {@link #verdict}. */
  public static final double ALPHA = 0.05;

  /**
   * The claim rule of METHOD.md section 7: a layer is shown to be linear when its cross-validated
   * {@code R^2} is finite, beats the baseline at that layer (the random-initialised model's
   * cross-validated {@code R^2} where that was run, else the permutations' mean) and its
   * permutation p-value is below {@value #ALPHA} (per layer, uncorrected); the verdict names the
   * shown layer of highest cross-validated {@code R^2}, or says that no layer is shown and why
   * (for the layer of highest cross-validated {@code R^2}).
   *
   * @param layers the layers, in order
   * @param cv each layer's cross-validated {@code R^2}
   * @param p each layer's permutation p-value
   * @param baseline each layer's baseline value
   * @param baselineName what the baseline is, e.g. "random-init" or "shuffled"
   */
  public static Verdict verdict(List<Integer> layers, double[] cv, double[] p, double[] baseline, String baselineName) {
    int shown = -1;
    int best = -1;
    for (int i = 0; i < layers.size(); i++) {
      if (!Double.isFinite(cv[i])) {
        continue;
      }
      if (best < 0 || cv[i] > cv[best]) {
        best = i;
      }
      boolean beats = Double.isFinite(baseline[i]) ? cv[i] > baseline[i] : false;
      if (beats && p[i] < ALPHA && (shown < 0 || cv[i] > cv[shown])) {
        shown = i;
      }
    }
    if (shown >= 0) {
      return new Verdict(layers.get(shown), String.format(java.util.Locale.ROOT,
          "Most linear at layer %d: cross-validated R^2 %.3f against the %s baseline %.3f, permutation p = %.3g.",
          layers.get(shown), cv[shown], baselineName, baseline[shown], p[shown]));
    }
    if (best < 0) {
      return new Verdict(-1, "No layer is shown to be linear: no layer has finite cross-validated R^2 (the axes"
          + " are zero or parallel everywhere).");
    }
    List<String> why = new ArrayList<>();
    if (!Double.isFinite(baseline[best])) {
      why.add("there is no " + baselineName + " baseline to beat");
    } else if (!(cv[best] > baseline[best])) {
      why.add(String.format(java.util.Locale.ROOT, "it does not beat the %s baseline %.3f", baselineName,
          baseline[best]));
    }
    if (!(p[best] < ALPHA)) {
      why.add(Double.isNaN(p[best])
          ? "it has no permutation test"
          : String.format(java.util.Locale.ROOT, "its permutation p = %.3g is not below %.2f", p[best], ALPHA));
    }
    return new Verdict(-1, String.format(java.util.Locale.ROOT,
        "No layer is shown to be linear: the highest cross-validated R^2 is %.3f at layer %d, but %s.", cv[best],
        layers.get(best), String.join(" and ", why)));
  }

  /**
   * A layer's out-of-sample figures as result records carry them.
   */
  @API(status = API.Status.EXPERIMENTAL, since = "0.1.0")
  public interface Figures {
    /** The cross-validated {@code R^2}. */
    double cvR2();

    /** Its permutation p-value. */
    double cvPValue();

    /** The mean cross-validated {@code R^2} over the relabellings. */
    double cvPermutedMean();

    /** The random-initialised model's cross-validated {@code R^2}, NaN when none was run. */
    double randomInitCvR2();

    /** The number of folds; 0 in results written before the cross-validation existed. */
    int cvFolds();
  }

  /**
   * {@link #verdict(List, double[], double[], double[], String)} over figures, layer by layer:
   * against the random-init baseline when {@code randomInit}, else against the relabellings' mean.
   * Figures with no folds (results read from files written before the cross-validation existed)
   * count as not computed.
   */
  public static Verdict verdict(List<Integer> layers, List<? extends Figures> figures, boolean randomInit) {
    double[] cv = new double[figures.size()];
    double[] p = new double[cv.length];
    double[] base = new double[cv.length];
    for (int i = 0; i < cv.length; i++) {
      Figures f = figures.get(i);
      cv[i] = f.cvFolds() > 0 ? f.cvR2() : Double.NaN;
      p[i] = f.cvPValue();
      base[i] = randomInit ? f.randomInitCvR2() : f.cvPermutedMean();
    }
    return verdict(layers, cv, p, base, randomInit ? "random-init" : "shuffled");
  }

  /**
   * The random-initialised model a result was compared with.
   *
   * @param model its name
   * @param modelFingerprint its weights fingerprint (differs from the trained model's)
   */
  @API(status = API.Status.EXPERIMENTAL, since = "0.1.0")
  public record RandomInitBaseline(String model, String modelFingerprint) {
    /**
     * The baseline of a result, after checking that it is one.
     *
     * @param fingerprint the trained model's weights fingerprint
     * @param setup the trained result's config and layers (anything with a meaningful equals)
     * @param baselineModel the baseline model's name
     * @param baselineFingerprint its weights fingerprint
     * @param baselineSetup the baseline result's config and layers
     * @throws IllegalArgumentException when the setups differ or the fingerprints are equal
     */
    public static RandomInitBaseline of(
        String fingerprint, Object setup, String baselineModel, String baselineFingerprint, Object baselineSetup) {
      if (!setup.equals(baselineSetup)) {
        throw new IllegalArgumentException("the random-init baseline was run with " + baselineSetup
            + " but the result with " + setup + "; a baseline must repeat the same analysis");
      }
      if (java.util.Objects.equals(fingerprint, baselineFingerprint)) {
        throw new IllegalArgumentException("the random-init baseline has the same weights fingerprint as the model ("
            + fingerprint + "): its weights were not redrawn");
      }
      return new RandomInitBaseline(baselineModel, baselineFingerprint);
    }
  }

  /** The number of folds. */
  public int folds() {
    return folds;
  }

  /**
   * The cross-validated {@code R^2} and its permutation test.
   *
   * @param axes the analysis's directions, fitted on each training table
   * @param coordinates each label's true coordinates ({@code labels x q}, e.g. column and row)
   * @param permutations the number of relabellings (0: no test)
   * @param seed the seed of the relabellings
   */
  public Result test(Axes axes, double[][] coordinates, int permutations, long seed) {
    if (coordinates.length != labels) {
      throw new IllegalArgumentException(coordinates.length + " label coordinates for " + labels + " labels");
    }
    if (permutations < 0) {
      throw new IllegalArgumentException("permutations must be >= 0, got " + permutations);
    }
    int[] identity = new int[labels];
    for (int l = 0; l < labels; l++) {
      identity[l] = l;
    }
    double observed = cvR2(axes, coordinates, identity);
    Random random = new Random(seed);
    double sum = 0;
    double max = Double.NEGATIVE_INFINITY;
    int finite = 0;
    int atLeast = 0;
    for (int k = 0; k < permutations; k++) {
      List<Integer> order = new ArrayList<>();
      for (int l : identity) {
        order.add(l);
      }
      Collections.shuffle(order, random);
      int[] perm = order.stream().mapToInt(Integer::intValue).toArray();
      double r = cvR2(axes, coordinates, perm);
      if (Double.isFinite(r)) {
        sum += r;
        finite++;
        max = Math.max(max, r);
      }
      // a permutation without directions has no code at all: it does not beat the observed one
      if (Double.isFinite(r) && r >= observed - TIE) {
        atLeast++;
      }
    }
    double p = permutations == 0 || !Double.isFinite(observed)
        ? Double.NaN
        : (1.0 + atLeast) / (1.0 + permutations);
    return new Result(observed, p, finite == 0 ? Double.NaN : sum / finite, finite == 0 ? Double.NaN : max,
        folds, permutations);
  }

  /** The cross-validated R^2 with the samples of true label {@code l} relabelled {@code perm[l]}. */
  private double cvR2(Axes axes, double[][] coordinates, int[] perm) {
    double sse = 0;
    double sst = 0;
    for (int f = 0; f < folds; f++) {
      double[][] tr = new double[labels][];
      double[][] te = new double[labels][];
      for (int l = 0; l < labels; l++) {
        tr[perm[l]] = train[f][l];
        te[perm[l]] = test[f][l];
      }
      double[][] dirs = axes.directions(tr);
      if (dirs == null) {
        return Double.NaN;
      }
      double[][] beta = fit(dirs, tr, coordinates);
      if (beta == null) {
        return Double.NaN;
      }
      List<double[]> observed = new ArrayList<>();
      List<double[]> predicted = new ArrayList<>();
      for (int l = 0; l < labels; l++) {
        if (te[l] != null) {
          observed.add(project(dirs, te[l]));
          predicted.add(predict(beta, coordinates[l]));
        }
      }
      if (observed.isEmpty()) {
        continue;
      }
      double[] mean = Vectors.mean(observed);
      double[] predictedMean = Vectors.mean(predicted);
      for (int i = 0; i < observed.size(); i++) {
        for (int k = 0; k < mean.length; k++) {
          double c = observed.get(i)[k] - mean[k];
          double e = c - (predicted.get(i)[k] - predictedMean[k]);
          sse += e * e;
          sst += c * c;
        }
      }
    }
    return sst > 0 ? 1 - sse / sst : Double.NaN;
  }

  /** OLS with intercept of the training IDs' coordinates on the labels' coordinates: {@code [1+q][k]}. */
  private static double[][] fit(double[][] dirs, double[][] table, double[][] coordinates) {
    int rows = table.length;
    int q = coordinates[0].length;
    double[][] x = new double[rows][q + 1];
    double[][] y = new double[rows][];
    for (int l = 0; l < rows; l++) {
      x[l][0] = 1;
      System.arraycopy(coordinates[l], 0, x[l], 1, q);
      y[l] = project(dirs, table[l]);
    }
    try {
      RealMatrix b = new QRDecomposition(new Array2DRowRealMatrix(x, false)).getSolver()
          .solve(new Array2DRowRealMatrix(y, false));
      return b.getData();
    } catch (SingularMatrixException e) {
      return null;
    }
  }

  private static double[] predict(double[][] beta, double[] coords) {
    double[] out = beta[0].clone();
    for (int j = 0; j < coords.length; j++) {
      for (int k = 0; k < out.length; k++) {
        out[k] += coords[j] * beta[j + 1][k];
      }
    }
    return out;
  }

  private static double[] project(double[][] dirs, double[] v) {
    double[] c = new double[dirs.length];
    for (int k = 0; k < c.length; k++) {
      c[k] = Vectors.dot(dirs[k], v);
    }
    return c;
  }

  @Override
  public String toString() {
    return "HeldOutLinearity[" + labels + " labels, " + folds + " folds]";
  }
}
