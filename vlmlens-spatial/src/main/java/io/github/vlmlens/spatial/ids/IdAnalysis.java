package io.github.vlmlens.spatial.ids;

import io.github.vlmlens.core.analysis.HeldOutLinearity;
import io.github.vlmlens.core.analysis.Linearity;
import io.github.vlmlens.core.analysis.Vectors;
import io.github.vlmlens.spatial.ids.IdExtractionResult.CellPoint;
import io.github.vlmlens.spatial.ids.IdExtractionResult.LayerGeometry;
import io.github.vlmlens.spatial.ids.IdExtractionResult.PlainComparison;
import io.github.vlmlens.spatial.ids.IdExtractionResult.Point;
import io.github.vlmlens.spatial.scene.GridSpec;
import io.github.vlmlens.spatial.scene.Placement;
import io.github.vlmlens.spatial.scene.internal.Seeds;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;

/**
 * From the units' activations to the ID tables and their geometry (METHOD.md section 2).
 *
 * <p>Pass 1, unit by unit: the unit's mean activation per layer (over every B cell and size with
 * A in the unit's cell) is the centring mean; each placement's centred activation {@code Delta} is
 * summed by pair, size and B cell. A pair's ID per size and cell is that sum over the {@code m^2 - 1}
 * A cells divided by their number; the pair's ID averages its sizes; the universal ID per size
 * averages the pairs; the universal ID averages the sizes. (Every pair, size and cell has the same
 * number of placements, so these means of means equal flat means.)
 *
 * <p>Then per layer: the axes of the universal table, the plane (Gram-Schmidt of {@code [h, v]}),
 * the explained variance, the cell-mean {@code R^2}, and the same for each shuffled labelling.
 * Pass 2 projects every sample on each plane for the per-sample {@code R^2}, and the plain-prompt
 * comparison; it also feeds every centred sample to {@link HeldOutLinearity}, which refits the
 * axes and plane on training folds of object pairs (of A cells when there is one pair) and gives
 * the cross-validated {@code R^2} on the held-out ID tables and its permutation p-value.
 */
final class IdAnalysis {
  /** Axes shorter than this fraction of the mean activation norm count as no axis at all. */
  static final double DEGENERATE = 1e-6;

  private IdAnalysis() {}

  /**
   * What the analysis returns.
   *
   * @param ids the tables
   * @param geometry the per-layer geometry
   * @param bestLayer the layer of the highest per-sample R^2, or null when no layer's is finite
   * @param spatialScatter at the best layer, the uncentred spatial samples on the plane
   * @param plainScatter the same for the plain prompts
   */
  public record Outcome(
      SpatialIds ids, List<LayerGeometry> geometry, Integer bestLayer, List<Point> spatialScatter,
      List<Point> plainScatter) {}

  /**
   * Runs both passes.
   *
   * @param plans the units, pair-major, each pair with A in every cell in row-major order
   * @param pairs the pairs, in config order
   */
  public static Outcome analyse(
      String model, String modelFingerprint, GridSpec grid, int hidden, List<Integer> layers, List<ObjectPair> pairs,
      List<UnitPlan> plans, IntFunction<UnitData> store, AxisNormalisation normalisation, boolean plain, int shuffles,
      int permutations, long seed) {
    int m = grid.gridSize();
    int cells = grid.cellCount();
    int sizes = grid.sizeCount();
    int nl = layers.size();
    int np = pairs.size();

    // Pass 1: centring, sums by pair, size and B cell.
    SpatialIds.Builder builder = SpatialIds.builder(model, grid, hidden, layers).modelFingerprint(modelFingerprint);
    double[][][][] universalBySize = new double[sizes][nl][cells][hidden];
    double[][][] plainSum = plain ? new double[nl][cells][hidden] : null;
    double[] scale = new double[nl];
    int samples = 0;
    for (int p = 0; p < np; p++) {
      ObjectPair pair = pairs.get(p);
      double[][][][] pairSum = new double[sizes][nl][cells][hidden];
      for (UnitPlan u : plans) {
        if (u.pairIndex() != p) {
          continue;
        }
        UnitData data = store.apply(u.index());
        double[][] mu = mean(data.spatial(), nl, hidden);
        for (int l = 0; l < nl; l++) {
          builder.centringMean(pair, u.aCell(), layers.get(l), Vectors.toFloat(mu[l]));
          scale[l] += Vectors.norm(mu[l]) / plans.size();
        }
        accumulate(u, data.spatial(), mu, m, nl, hidden, pairSum, null);
        if (plain) {
          accumulate(u, data.plain(), mean(data.plain(), nl, hidden), m, nl, hidden, null, plainSum);
        }
        samples += u.placements().size();
      }
      double[][][] pairMean = new double[nl][cells][hidden];
      for (int z = 0; z < sizes; z++) {
        for (int l = 0; l < nl; l++) {
          for (int c = 0; c < cells; c++) {
            for (int d = 0; d < hidden; d++) {
              double v = pairSum[z][l][c][d] / (cells - 1);
              universalBySize[z][l][c][d] += v / np;
              pairMean[l][c][d] += v / sizes;
            }
          }
        }
      }
      for (int l = 0; l < nl; l++) {
        for (int c = 0; c < cells; c++) {
          builder.pairId(pair, layers.get(l), grid.cell(c), Vectors.toFloat(pairMean[l][c]));
        }
      }
    }
    for (int z = 0; z < sizes; z++) {
      for (int l = 0; l < nl; l++) {
        for (int c = 0; c < cells; c++) {
          builder.id(z, layers.get(l), grid.cell(c), Vectors.toFloat(universalBySize[z][l][c]));
        }
      }
    }
    SpatialIds ids = builder.build();

    // Planes: the real labelling (k = 0) and the shuffled ones (k = 1..shuffles).
    int[][] perms = new int[shuffles + 1][];
    perms[0] = identity(cells);
    for (int k = 1; k <= shuffles; k++) {
      List<Integer> order = new ArrayList<>();
      for (int c = 0; c < cells; c++) {
        order.add(c);
      }
      Seeds.shuffle(order, Seeds.stream(seed, k));
      perms[k] = order.stream().mapToInt(Integer::intValue).toArray();
    }
    double[][] cellLabels = labels(identity(cells), m);
    double[][][][] planes = new double[shuffles + 1][nl][][];
    double[][] cellR2 = new double[shuffles + 1][nl];
    List<double[][]> layerTables = new ArrayList<>();
    double[][] axisNorms = new double[nl][3];
    for (int l = 0; l < nl; l++) {
      double[][] tables = ids.table(layers.get(l));
      layerTables.add(tables);
      for (int k = 0; k <= shuffles; k++) {
        double[][] t = new double[cells][];
        for (int c = 0; c < cells; c++) {
          t[perms[k][c]] = tables[c];
        }
        double[] h = AxisMath.horizontal(t, m, normalisation);
        double[] v = AxisMath.vertical(t, m, normalisation);
        if (k == 0) {
          axisNorms[l] = new double[] {Vectors.norm(h), Vectors.norm(v), Vectors.cosine(h, v)};
        }
        planes[k][l] = plane(h, v, scale[l]);
        double[][] y = new double[cells][];
        for (int c = 0; c < cells; c++) {
          y[c] = planes[k][l] == null ? null : Vectors.project(t[c], planes[k][l]);
        }
        cellR2[k][l] = planes[k][l] == null ? Double.NaN : pooledR2(cellLabels, y);
      }
    }

    // Pass 2: every sample on every plane.
    double[][][][] coords = new double[shuffles + 1][nl][samples][];
    double[][][] plainCoords = plain ? new double[nl][samples][] : null;
    double[][][] rawSpatial = plain ? new double[nl][samples][] : null;
    double[][][] rawPlain = plain ? new double[nl][samples][] : null;
    int[] sampleCell = new int[samples];
    HeldOutLinearity.Builder[] heldOut = new HeldOutLinearity.Builder[nl];
    for (int l = 0; l < nl; l++) {
      heldOut[l] = HeldOutLinearity.builder(cells, hidden);
    }
    int n = 0;
    for (UnitPlan u : plans) {
      int foldUnit = np >= 2 ? u.pairIndex() : u.index();
      UnitData data = store.apply(u.index());
      double[][] mu = mean(data.spatial(), nl, hidden);
      double[][] muPlain = plain ? mean(data.plain(), nl, hidden) : null;
      for (int i = 0; i < u.placements().size(); i++, n++) {
        sampleCell[n] = u.placements().get(i).b().cell().index(m);
        for (int l = 0; l < nl; l++) {
          double[] x = Vectors.of(data.spatial()[i][l]);
          double[] delta = Vectors.subtract(x, mu[l]);
          heldOut[l].add(foldUnit, sampleCell[n], delta);
          for (int k = 0; k <= shuffles; k++) {
            if (planes[k][l] != null) {
              coords[k][l][n] = Vectors.project(delta, planes[k][l]);
            }
          }
          if (plain && planes[0][l] != null) {
            double[] xp = Vectors.of(data.plain()[i][l]);
            plainCoords[l][n] = Vectors.project(Vectors.subtract(xp, muPlain[l]), planes[0][l]);
            rawSpatial[l][n] = Vectors.project(x, planes[0][l]);
            rawPlain[l][n] = Vectors.project(xp, planes[0][l]);
          }
        }
      }
    }

    List<LayerGeometry> geometry = new ArrayList<>();
    int best = -1;
    double bestR2 = Double.NEGATIVE_INFINITY;
    for (int l = 0; l < nl; l++) {
      double[] sampleR2 = new double[shuffles + 1];
      for (int k = 0; k <= shuffles; k++) {
        if (planes[k][l] == null) {
          sampleR2[k] = Double.NaN;
          continue;
        }
        int[] perm = perms[k];
        double[][] lab = new double[samples][];
        for (int s = 0; s < samples; s++) {
          lab[s] = label(perm[sampleCell[s]], m);
        }
        sampleR2[k] = pooledR2(lab, coords[k][l]);
      }
      double[][] table = layerTables.get(l);
      double[][] basis = planes[0][l];
      List<CellPoint> cellPoints = new ArrayList<>();
      if (basis != null) {
        for (int c = 0; c < cells; c++) {
          double[] y = Vectors.project(table[c], basis);
          cellPoints.add(new CellPoint(c / m, c % m, y[0], y[1]));
        }
      }
      PlainComparison pc = null;
      if (plain) {
        pc = plainComparison(basis, plainSum[l], np * sizes * (cells - 1), m, cellLabels, sampleCell,
            plainCoords[l], rawSpatial[l], rawPlain[l]);
      }
      double explained = basis == null ? Double.NaN : Vectors.explainedVariance(table, basis);
      double layerScale = scale[l];
      HeldOutLinearity.Result cv = heldOut[l].build(HeldOutLinearity.DEFAULT_FOLDS, seed).test(
          t -> plane(AxisMath.horizontal(t, m, normalisation), AxisMath.vertical(t, m, normalisation), layerScale),
          cellLabels, permutations, seed * 1_000_003L + layers.get(l));
      geometry.add(new LayerGeometry(
          layers.get(l), axisNorms[l][0], axisNorms[l][1], axisNorms[l][2], explained, cellR2[0][l],
          sampleR2[0], meanOf(cellR2, l, false), meanOf(cellR2, l, true), mean(sampleR2, false),
          mean(sampleR2, true), cv.cvR2(), cv.pValue(), cv.permutedMean(), cv.folds(), Double.NaN, cellPoints, pc));
      if (Double.isFinite(sampleR2[0]) && sampleR2[0] > bestR2) {
        bestR2 = sampleR2[0];
        best = l;
      }
    }
    List<Point> spatialScatter = new ArrayList<>();
    List<Point> plainScatter = new ArrayList<>();
    if (plain && best >= 0) {
      for (int s = 0; s < samples; s++) {
        spatialScatter.add(new Point(rawSpatial[best][s][0], rawSpatial[best][s][1]));
        plainScatter.add(new Point(rawPlain[best][s][0], rawPlain[best][s][1]));
      }
    }
    return new Outcome(ids, geometry, best < 0 ? null : layers.get(best), spatialScatter, plainScatter);
  }

  /**
   * The pooled {@code R^2} of OLS fits (with intercept) of each column of {@code y} on the
   * predictors: {@code 1 - sum_k SSR_k / sum_k SST_k}, from core's {@link Linearity} per column.
   * Columns that are constant add nothing; NaN when all are constant.
   */
  public static double pooledR2(double[][] predictors, double[][] y) {
    int n = y.length;
    int outputs = y[0].length;
    double ssr = 0;
    double sst = 0;
    for (int k = 0; k < outputs; k++) {
      double[] col = new double[n];
      double mean = 0;
      for (int i = 0; i < n; i++) {
        col[i] = y[i][k];
        mean += col[i] / n;
      }
      double t = 0;
      for (double v : col) {
        t += (v - mean) * (v - mean);
      }
      if (!(t > 0)) {
        continue;
      }
      double r2 = Linearity.rSquared(predictors, col);
      if (Double.isNaN(r2)) {
        return Double.NaN;
      }
      ssr += (1 - r2) * t;
      sst += t;
    }
    return sst > 0 ? 1 - ssr / sst : Double.NaN;
  }

  /**
   * The orthonormal basis of {@code [h, v]}, or {@code null} when the axes are degenerate: both
   * shorter than {@value #DEGENERATE} of {@code scale}, or linearly dependent.
   */
  static double[][] plane(double[] h, double[] v, double scale) {
    double limit = DEGENERATE * Math.max(scale, Double.MIN_NORMAL);
    if (Vectors.norm(h) <= limit || Vectors.norm(v) <= limit) {
      return null;
    }
    try {
      return Vectors.gramSchmidt(h, v);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  private static PlainComparison plainComparison(
      double[][] basis, double[][] plainSum, int count, int m, double[][] cellLabels, int[] sampleCell,
      double[][] plainCoords, double[][] rawSpatial, double[][] rawPlain) {
    if (basis == null) {
      return new PlainComparison(
          Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, List.of());
    }
    int cells = m * m;
    double[][] y = new double[cells][];
    List<CellPoint> points = new ArrayList<>();
    for (int c = 0; c < cells; c++) {
      y[c] = Vectors.project(Vectors.scale(plainSum[c], 1.0 / count), basis);
      points.add(new CellPoint(c / m, c % m, y[c][0], y[c][1]));
    }
    double[][] lab = new double[sampleCell.length][];
    for (int s = 0; s < lab.length; s++) {
      lab[s] = label(sampleCell[s], m);
    }
    double[] ms = Vectors.mean(List.of(rawSpatial));
    double[] mp = Vectors.mean(List.of(rawPlain));
    double tv = (totalVariance(rawSpatial, ms) + totalVariance(rawPlain, mp)) / 2;
    double gap = Vectors.norm(Vectors.subtract(ms, mp));
    double separation = tv > 0 ? gap / Math.sqrt(tv) : Double.NaN;
    return new PlainComparison(
        pooledR2(cellLabels, y), pooledR2(lab, plainCoords), separation, ms[0], ms[1], mp[0], mp[1], points);
  }

  private static double totalVariance(double[][] points, double[] mean) {
    double s = 0;
    for (double[] p : points) {
      double[] d = Vectors.subtract(p, mean);
      s += Vectors.dot(d, d);
    }
    return s / points.length;
  }

  private static void accumulate(
      UnitPlan u, float[][][] x, double[][] mu, int m, int nl, int hidden, double[][][][] bySizeSum,
      double[][][] plainSum) {
    for (int i = 0; i < x.length; i++) {
      Placement p = u.placements().get(i);
      int c = p.b().cell().index(m);
      for (int l = 0; l < nl; l++) {
        double[] target = bySizeSum != null ? bySizeSum[p.sizeIndex()][l][c] : plainSum[l][c];
        for (int d = 0; d < hidden; d++) {
          target[d] += x[i][l][d] - mu[l][d];
        }
      }
    }
  }

  /** The mean over placements, per layer, in double (exact for identical vectors). */
  static double[][] mean(float[][][] x, int nl, int hidden) {
    double[][] mu = new double[nl][hidden];
    for (float[][] perLayer : x) {
      for (int l = 0; l < nl; l++) {
        for (int d = 0; d < hidden; d++) {
          mu[l][d] += perLayer[l][d];
        }
      }
    }
    for (int l = 0; l < nl; l++) {
      for (int d = 0; d < hidden; d++) {
        mu[l][d] /= x.length;
      }
    }
    return mu;
  }

  private static int[] identity(int n) {
    int[] out = new int[n];
    for (int i = 0; i < n; i++) {
      out[i] = i;
    }
    return out;
  }

  private static double[][] labels(int[] cellsOf, int m) {
    double[][] out = new double[cellsOf.length][];
    for (int i = 0; i < out.length; i++) {
      out[i] = label(cellsOf[i], m);
    }
    return out;
  }

  /** (column, row) of a row-major cell index. */
  private static double[] label(int cell, int m) {
    return new double[] {cell % m, cell / m};
  }

  private static double meanOf(double[][] byShuffle, int l, boolean max) {
    double[] v = new double[byShuffle.length];
    for (int k = 0; k < v.length; k++) {
      v[k] = byShuffle[k][l];
    }
    return mean(v, max);
  }

  /** The mean (or max) of entries 1.. (the shuffles), ignoring NaN; NaN when none is finite. */
  private static double mean(double[] byShuffle, boolean max) {
    double s = 0;
    int n = 0;
    double best = Double.NEGATIVE_INFINITY;
    for (int k = 1; k < byShuffle.length; k++) {
      if (Double.isFinite(byShuffle[k])) {
        s += byShuffle[k];
        n++;
        best = Math.max(best, byShuffle[k]);
      }
    }
    if (n == 0) {
      return Double.NaN;
    }
    return max ? best : s / n;
  }
}
