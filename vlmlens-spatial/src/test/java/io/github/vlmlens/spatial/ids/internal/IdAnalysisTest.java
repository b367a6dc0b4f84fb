package io.github.vlmlens.spatial.ids.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.vlmlens.spatial.ids.AxisNormalisation;
import io.github.vlmlens.spatial.ids.IdExtractionResult.LayerGeometry;
import io.github.vlmlens.spatial.ids.ObjectPair;
import io.github.vlmlens.spatial.ids.SpatialIds;
import io.github.vlmlens.spatial.scene.GridCell;
import io.github.vlmlens.spatial.scene.GridSpec;
import io.github.vlmlens.spatial.scene.ObjectLibrary;
import io.github.vlmlens.spatial.scene.Placement;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;
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

  private static UnitStore store(GridSpec g, List<UnitPlan> plans, BiFunction<Integer, Placement, float[]> x) {
    UnitStore s = UnitStore.memory();
    for (UnitPlan u : plans) {
      float[][][] data = new float[u.placements().size()][1][];
      for (int k = 0; k < data.length; k++) {
        data[k][0] = x.apply(u.aCell().index(g.gridSize()), u.placements().get(k));
      }
      s.put(u.index(), new UnitData(data, null));
    }
    return s;
  }

  @Test
  void centringPerACellMatchesTheHandComputationOnATwoByTwoGrid() {
    GridSpec g = GridSpec.of(2, 32, 0.5);
    List<UnitPlan> plans = plans(g);
    // x = 10 a + c for A in cell a and B in cell c (row-major indices).
    UnitStore store = store(g, plans, (a, p) -> new float[] {10 * a + p.b().cell().index(2)});
    IdAnalysis.Outcome out = IdAnalysis.analyse(
        "toy", g, 1, List.of(1), List.of(PAIR), plans, store, AxisNormalisation.PAPER, false, 2, 0);
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
    assertTrue(geo.cells().isEmpty());
    assertEquals(-1, out.bestLayer());
  }

  @Test
  void anExactlyLinearCodeProjectsWithRSquaredOne() {
    GridSpec g = GridSpec.of(4, 64, 0.5, 0.75);
    List<UnitPlan> plans = plans(g);
    // B's word: column and row in two directions, plus what centring removes (A's cell, the size
    // around a constant).
    UnitStore store = store(g, plans, (a, p) -> new float[] {
        p.b().cell().column() + 0.5f * p.b().cell().row() + 0.1f * a,
        p.b().cell().row() - 0.25f * p.b().cell().column(),
        5 + 3 * a + p.sizeIndex()});
    IdAnalysis.Outcome out = IdAnalysis.analyse(
        "linear", g, 3, List.of(2), List.of(PAIR), plans, store, AxisNormalisation.PAPER, false, 10, 4);
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
