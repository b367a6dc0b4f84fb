package io.github.vlmlens.spatial.ids;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.vlmlens.spatial.ids.IdExtractionResult.LayerGeometry;
import io.github.vlmlens.spatial.scene.GridCell;
import io.github.vlmlens.spatial.scene.GridSpec;
import io.github.vlmlens.spatial.scene.ObjectLibrary;
import io.github.vlmlens.spatial.scene.Placement;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;
import java.util.function.IntFunction;
import org.junit.jupiter.api.Test;

class IdAnalysisTest {
  private static final ObjectPair PAIR = ObjectPair.of("ball", "box");

  /** Units of one pair with A in every cell; {@code x.apply(aIndex, placement)} is the vector. */
  private static List<UnitPlan> plans(GridSpec g) {
    ObjectLibrary lib = ObjectLibrary.builtIn();
    List<UnitPlan> out = new ArrayList<>();
    for (GridCell a : g.cells()) {
      out.add(new UnitPlan(out.size(), 0, PAIR, a,
          Placement.enumerateForCell(g, lib.get(PAIR.a()), lib.get(PAIR.b()), a)));
    }
    return out;
  }

  private static IntFunction<UnitData> store(
      GridSpec g, List<UnitPlan> plans, BiFunction<Integer, Placement, float[]> x) {
    List<UnitData> s = new ArrayList<>();
    for (UnitPlan u : plans) {
      float[][][] data = new float[u.placements().size()][1][];
      for (int k = 0; k < data.length; k++) {
        data[k][0] = x.apply(u.aCell().index(g.gridSize()), u.placements().get(k));
      }
      s.add(new UnitData(data, null));
    }
    return s::get;
  }

  @Test
  void centringPerACellMatchesTheHandComputationOnATwoByTwoGrid() {
    GridSpec g = GridSpec.of(2, 32, 0.5);
    List<UnitPlan> plans = plans(g);
    // x = 10 a + c for A in cell a and B in cell c (row-major indices).
    IntFunction<UnitData> store = store(g, plans, (a, p) -> new float[] {10 * a + p.b().cell().index(2)});
    IdAnalysis.Outcome out = IdAnalysis.analyse(
        "toy", "weights-toy", g, 1, List.of(1), List.of(PAIR), plans, store, AxisNormalisation.PAPER, false, 2, 9, 0);
    SpatialIds ids = out.ids();
    // A in a: mean over the three other cells = 10 a + (6 - a) / 3, the centring mean.
    for (int a = 0; a < 4; a++) {
      assertEquals(10 * a + (6 - a) / 3.0, ids.centringMean(PAIR, g.cell(a), 1)[0], 1e-5, "A in " + a);
    }
    // ID(c) = mean over a != c of [c - (6 - a) / 3] = 8c/9 - 4/3: -4/3, -4/9, 4/9, 4/3.
    double[] expected = {-4.0 / 3, -4.0 / 9, 4.0 / 9, 4.0 / 3};
    for (int c = 0; c < 4; c++) {
      assertEquals(expected[c], ids.id(1, g.cell(c))[0], 1e-6, "cell " + c);
      assertEquals(expected[c], ids.pairId(PAIR, 1, g.cell(c))[0], 1e-6, "pair, cell " + c);
      assertEquals(expected[c], ids.id(1, g.cell(c), 0)[0], 1e-6, "size 0, cell " + c);
    }
    // One hidden dimension: the two axes are parallel, so there is no plane and no statistic.
    LayerGeometry geo = out.geometry().get(0);
    assertTrue(Double.isNaN(geo.r2CellMeans()));
    assertTrue(Double.isNaN(geo.cvR2()));
    assertTrue(Double.isNaN(geo.cvPValue()));
    assertTrue(geo.cells().isEmpty());
    assertNull(out.bestLayer(), "no layer has a finite R^2");
  }

  @Test
  void anExactlyLinearCodeProjectsWithRSquaredOne() {
    GridSpec g = GridSpec.of(4, 64, 0.5, 0.75);
    List<UnitPlan> plans = plans(g);
    // B's word: column and row in two directions, plus what centring removes (A's cell, the size
    // around a constant).
    IntFunction<UnitData> store = store(g, plans, (a, p) -> new float[] {
        p.b().cell().column() + 0.5f * p.b().cell().row() + 0.1f * a,
        p.b().cell().row() - 0.25f * p.b().cell().column(),
        5 + 3 * a + p.sizeIndex()});
    IdAnalysis.Outcome out = IdAnalysis.analyse(
        "linear", "weights-linear", g, 3, List.of(2), List.of(PAIR), plans, store, AxisNormalisation.PAPER, false, 10, 99, 4);
    LayerGeometry geo = out.geometry().get(0);
    assertEquals(1.0, geo.r2CellMeans(), 1e-9);
    assertEquals(1.0, geo.explainedVariance(), 1e-9);
    // Per sample, centring by A's cell shifts each sample by its A cell's mean position: nearly 1.
    assertTrue(geo.r2PerSample() > 0.99 && geo.r2PerSample() < 1, "per sample " + geo.r2PerSample());
    assertTrue(geo.shuffledR2PerSample() < 0.5, "shuffled " + geo.shuffledR2PerSample());
    assertTrue(geo.shuffledR2CellMeans() < geo.r2CellMeans());
    // The grid points lie on the projected lattice: the step along a row is constant.
    double dx = geo.cells().get(1).x() - geo.cells().get(0).x();
    double dy = geo.cells().get(1).y() - geo.cells().get(0).y();
    for (int c = 1; c < 16; c++) {
      if (c % 4 != 0) {
        assertEquals(dx, geo.cells().get(c).x() - geo.cells().get(c - 1).x(), 1e-6);
        assertEquals(dy, geo.cells().get(c).y() - geo.cells().get(c - 1).y(), 1e-6);
      }
    }
    assertEquals(2, out.bestLayer());
    assertNull(geo.plain());
    // Out of sample (one pair: folds of A cells), the exact code predicts the held-out IDs up to
    // the shift centring per A cell leaves (each A cell's group lacks its own cell).
    assertEquals(5, geo.cvFolds());
    assertTrue(geo.cvR2() > 0.999 && geo.cvR2() <= 1, "CV " + geo.cvR2());
    assertEquals(0.01, geo.cvPValue(), 1e-12);
    assertTrue(geo.cvPermutedMean() < 0.5, "relabelled " + geo.cvPermutedMean());
  }

  /** Units of several pairs (the built-in objects), pair-major, A in every cell. */
  private static List<ObjectPair> pairs(int n) {
    List<ObjectPair> all = List.of(PAIR, ObjectPair.of("star", "heart"), ObjectPair.of("ring", "cross"),
        ObjectPair.of("triangle", "moon"));
    return all.subList(0, n);
  }

  private static List<UnitPlan> plans(GridSpec g, List<ObjectPair> pairs) {
    ObjectLibrary lib = ObjectLibrary.builtIn();
    List<UnitPlan> out = new ArrayList<>();
    for (int p = 0; p < pairs.size(); p++) {
      for (GridCell a : g.cells()) {
        out.add(new UnitPlan(out.size(), p, pairs.get(p), a,
            Placement.enumerateForCell(g, lib.get(pairs.get(p).a()), lib.get(pairs.get(p).b()), a)));
      }
    }
    return out;
  }

  /** Every sample of {@code plans} at one layer of width {@code hidden}, drawn by {@code x(unit, placement)}. */
  private static IntFunction<UnitData> store(List<UnitPlan> plans, BiFunction<UnitPlan, Placement, float[]> x) {
    List<UnitData> s = new ArrayList<>();
    for (UnitPlan u : plans) {
      float[][][] data = new float[u.placements().size()][1][];
      for (int k = 0; k < data.length; k++) {
        data[k][0] = x.apply(u, u.placements().get(k));
      }
      s.add(new UnitData(data, null));
    }
    return s::get;
  }

  private static float[] gaussian(java.util.Random r, int width) {
    float[] v = new float[width];
    for (int d = 0; d < v.length; d++) {
      v[d] = (float) r.nextGaussian();
    }
    return v;
  }

  /**
   * One layer of width 128 over 4 pairs on a 4 x 4 grid: i.i.d. N(0, 1) noise plus
   * {@code signal * (column, row)} in the first two dimensions.
   */
  private static LayerGeometry noisyCode(long seed, double signal) {
    GridSpec g = GridSpec.of(4, 64, 0.5);
    List<ObjectPair> pairs = pairs(4);
    List<UnitPlan> plans = plans(g, pairs);
    java.util.Random r = new java.util.Random(seed);
    IntFunction<UnitData> store = store(plans, (u, p) -> {
      float[] v = gaussian(r, 128);
      v[0] += (float) (signal * p.b().cell().column());
      v[1] += (float) (signal * p.b().cell().row());
      return v;
    });
    return IdAnalysis.analyse(
        "code", "weights-code", g, 128, List.of(1), pairs, plans, store, AxisNormalisation.PAPER, false, 10, 199, 0)
        .geometry().get(0);
  }

  @Test
  void pureNoiseIsLinearInSampleButNotOutOfSample() {
    // The measurement: i.i.d. N(0, 1) vectors of width 128, no position in them at all.
    LayerGeometry geo = noisyCode(11, 0);
    assertTrue(geo.r2CellMeans() > 0.5, "in-sample " + geo.r2CellMeans());
    assertEquals(4, geo.cvFolds());
    assertTrue(geo.cvR2() <= 0.05, "CV " + geo.cvR2());
    assertTrue(geo.cvPValue() > 0.05, "p " + geo.cvPValue());
    System.out.printf("spatial noise, width 128: in-sample R^2 cell means %.3f, per sample %.3f; CV R^2 %.3f,"
        + " p %.3f%n", geo.r2CellMeans(), geo.r2PerSample(), geo.cvR2(), geo.cvPValue());
  }

  @Test
  void aPlantedCodeUnderNoiseIsLinearOutOfSample() {
    LayerGeometry geo = noisyCode(12, 2);
    assertTrue(geo.cvR2() > 0.9, "CV " + geo.cvR2());
    assertEquals(1.0 / 200, geo.cvPValue(), 1e-12);
    System.out.printf("spatial planted code + noise, width 128: in-sample %.3f, CV R^2 %.3f, p %.3f%n",
        geo.r2CellMeans(), geo.cvR2(), geo.cvPValue());
  }

  @Test
  void pooledRSquaredIsOneForAnyRotationOfAnExactFitAndLowerWithNoise() {
    double[][] x = new double[16][];
    double[][] y = new double[16][];
    double[][] noisy = new double[16][];
    double cos = Math.cos(0.7);
    double sin = Math.sin(0.7);
    java.util.Random r = new java.util.Random(1);
    for (int c = 0; c < 16; c++) {
      x[c] = new double[] {c % 4, c / 4};
      y[c] = new double[] {3 + cos * x[c][0] - sin * x[c][1], -1 + sin * x[c][0] + cos * x[c][1]};
      noisy[c] = new double[] {y[c][0] + r.nextGaussian(), y[c][1] + r.nextGaussian()};
    }
    assertEquals(1.0, IdAnalysis.pooledR2(x, y), 1e-12);
    double n = IdAnalysis.pooledR2(x, noisy);
    assertTrue(n < 1 && n > 0, "noisy " + n);
    // Pooled: 1 - (SSR_x + SSR_y) / (SST_x + SST_y), computed here from the per-column fits.
    double[] col0 = new double[16];
    double[] col1 = new double[16];
    for (int c = 0; c < 16; c++) {
      col0[c] = noisy[c][0];
      col1[c] = noisy[c][1];
    }
    double r0 = io.github.vlmlens.core.analysis.Linearity.rSquared(x, col0);
    double r1 = io.github.vlmlens.core.analysis.Linearity.rSquared(x, col1);
    double t0 = sst(col0);
    double t1 = sst(col1);
    assertEquals(1 - ((1 - r0) * t0 + (1 - r1) * t1) / (t0 + t1), n, 1e-12);
  }

  @Test
  void identicalVectorsAverageExactly() {
    float[][][] same = new float[45][1][];
    for (float[][] s : same) {
      s[0] = new float[] {0.1f, -3.3f, 1e-7f};
    }
    assertArrayEquals(new double[] {0.1f, -3.3f, 1e-7f}, IdAnalysis.mean(same, 1, 3)[0], 0);
  }

  private static double sst(double[] v) {
    double m = 0;
    for (double d : v) {
      m += d / v.length;
    }
    double s = 0;
    for (double d : v) {
      s += (d - m) * (d - m);
    }
    return s;
  }
}
