package io.github.vlmlens.spatial.real;

import io.github.vlmlens.spatial.ids.AxisNormalisation;
import io.github.vlmlens.spatial.ids.SpatialIds;
import io.github.vlmlens.spatial.scene.GridCell;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The ID axes of each layer and the universal IDs' per-cell coordinates on them. */
final class IdGeometry {
  private final Map<Integer, double[]> h = new HashMap<>();
  private final Map<Integer, double[]> v = new HashMap<>();
  private final Map<Integer, double[][]> cellsH = new HashMap<>();
  private final Map<Integer, double[][]> cellsV = new HashMap<>();
  private final int m;

  /** The geometry of {@code layers}. */
  public IdGeometry(SpatialIds ids, List<Integer> layers) {
    m = ids.grid().gridSize();
    for (int l : layers) {
      double[] hl = ids.horizontalAxis(l, AxisNormalisation.PAPER);
      double[] vl = ids.verticalAxis(l, AxisNormalisation.PAPER);
      h.put(l, hl);
      v.put(l, vl);
      double[][] ch = new double[m][m];
      double[][] cv = new double[m][m];
      double[][] table = ids.table(l);
      for (int i = 0; i < m; i++) {
        for (int j = 0; j < m; j++) {
          double[] id = table[GridCell.of(i, j).index(m)];
          ch[i][j] = RealFormulas.coordinate(id, hl);
          cv[i][j] = RealFormulas.coordinate(id, vl);
        }
      }
      cellsH.put(l, ch);
      cellsV.put(l, cv);
    }
  }

  /** The grid size. */
  public int gridSize() {
    return m;
  }

  /** {@code h_L}. */
  public double[] horizontal(int layer) {
    return h.get(layer);
  }

  /** {@code v_L}. */
  public double[] vertical(int layer) {
    return v.get(layer);
  }

  /** The ground-truth horizontal coordinate at grid point {@code (u, v)}. */
  public double gtH(int layer, double[] uv) {
    return RealFormulas.bilinear(cellsH.get(layer), uv[0], uv[1]);
  }

  /** The ground-truth vertical coordinate at grid point {@code (u, v)}. */
  public double gtV(int layer, double[] uv) {
    return RealFormulas.bilinear(cellsV.get(layer), uv[0], uv[1]);
  }
}
