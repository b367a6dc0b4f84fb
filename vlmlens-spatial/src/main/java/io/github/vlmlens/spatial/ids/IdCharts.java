package io.github.vlmlens.spatial.ids;

import io.github.vlmlens.core.report.Plot;
import io.github.vlmlens.core.report.Plot.Series;
import io.github.vlmlens.core.report.Plot.Style;
import io.github.vlmlens.spatial.ids.IdExtractionResult.CellPoint;
import io.github.vlmlens.spatial.ids.IdExtractionResult.LayerGeometry;
import io.github.vlmlens.spatial.ids.IdExtractionResult.Point;
import java.util.ArrayList;
import java.util.List;
import java.util.function.ToDoubleFunction;

/** The plots of a spatial-ID result. */
final class IdCharts {
  private static final int ROWS = 0;
  private static final int COLUMNS = 1;
  private static final int PLAIN = 2;
  private static final int GREY = 3;
  private static final int BLACK_ISH = 6;

  private IdCharts() {}

  /** R^2 by layer: cell means, per sample, their shuffled baselines (dashed), and the plain prompts. */
  public static Plot linearity(IdExtractionResult r) {
    double[] x = layers(r);
    Plot c = Plot.byLayer("Linearity of the projected IDs (R^2 against true column and row)", "R^2")
        .with(Series.line("cell means", x, values(r, LayerGeometry::r2CellMeans), 0))
        .with(Series.line("per sample", x, values(r, LayerGeometry::r2PerSample), 1))
        .with(Series.line("shuffled cells: cell means (mean)", x, values(r, LayerGeometry::shuffledR2CellMeans), 0)
            .drawn(Style.DASHED))
        .with(Series.line("shuffled cells: per sample (mean)", x, values(r, LayerGeometry::shuffledR2PerSample), 1)
            .drawn(Style.DASHED));
    if (r.config().plainPrompts()) {
      c = c.with(Series.line("plain prompts: per sample", x,
          values(r, g -> g.plain() == null ? Double.NaN : g.plain().r2PerSample()), PLAIN));
    }
    return c.withEmptyNote("no finite value");
  }

  /** The fraction of the IDs' variance in the plane, by layer. */
  public static Plot explainedVariance(IdExtractionResult r) {
    return Plot.byLayer("Variance of the universal IDs explained by the plane", "fraction of variance")
        .with(Series.line("explained variance", layers(r), values(r, LayerGeometry::explainedVariance), 0))
        .withEmptyNote("no finite value");
  }

  /** The separation of plain and spatial prompts on the plane, by layer. */
  public static Plot separation(IdExtractionResult r) {
    return Plot.byLayer("Plain against spatial prompts: separation on the plane", "separation")
        .with(Series.line("|mean spatial - mean plain| / rms spread", layers(r),
            values(r, g -> g.plain() == null ? Double.NaN : g.plain().separation()), PLAIN))
        .withEmptyNote("no finite value");
  }

  /**
   * One layer's projected universal IDs: each row of cells joined in blue, each column in red, so
   * a linear code draws a grid; plain-prompt cell IDs as grey dots when present.
   */
  public static Plot grid(LayerGeometry g, int m) {
    Plot c = Plot.lines("layer " + g.layer(), "x (h direction)", "-y (rows go down, as in the image)")
        .withSize(300, 300).withoutLegend().withEmptyNote("no plane");
    if (g.cells().isEmpty()) {
      return c;
    }
    for (int i = 0; i < m; i++) {
      c = c.with(path("row " + i, g.cells(), m, i, true, ROWS));
    }
    for (int j = 0; j < m; j++) {
      c = c.with(path("column " + j, g.cells(), m, j, false, COLUMNS));
    }
    if (g.plain() != null && !g.plain().cells().isEmpty()) {
      double[] xs = g.plain().cells().stream().mapToDouble(CellPoint::x).toArray();
      double[] ys = g.plain().cells().stream().mapToDouble(p -> -p.y()).toArray();
      c = c.with(Series.line("plain prompts", xs, ys, GREY).drawn(Style.POINTS));
    }
    CellPoint origin = at(g.cells(), m, 0, 0);
    return c.with(Series.line("cell (0, 0)", new double[] {origin.x()}, new double[] {-origin.y()}, BLACK_ISH)
        .drawn(Style.POINTS));
  }

  /** Every layer's grid, in order. */
  public static List<Plot> grids(IdExtractionResult r) {
    List<Plot> out = new ArrayList<>();
    for (LayerGeometry g : r.geometry()) {
      out.add(grid(g, r.config().gridSize()));
    }
    return out;
  }

  /** At the best layer, the uncentred activations of both prompt types on the plane. */
  public static Plot scatter(IdExtractionResult r) {
    Plot c = Plot.lines("Layer " + r.bestLayer() + ": spatial and plain prompts on the plane", "x (h direction)", "y")
        .withSize(600, 460).withEmptyNote("no data");
    c = scatterSeries(c, "spatial prompts", r.spatialScatter(), 0);
    return scatterSeries(c, "plain prompts", r.plainScatter(), 5);
  }

  private static Plot scatterSeries(Plot c, String name, List<Point> pts, int colour) {
    if (pts.isEmpty()) {
      return c;
    }
    return c.with(Series.line(name, pts.stream().mapToDouble(Point::x).toArray(),
        pts.stream().mapToDouble(Point::y).toArray(), colour).drawn(Style.POINTS));
  }

  private static Series path(String name, List<CellPoint> cells, int m, int line, boolean row, int colour) {
    double[] xs = new double[m];
    double[] ys = new double[m];
    for (int k = 0; k < m; k++) {
      CellPoint p = row ? at(cells, m, line, k) : at(cells, m, k, line);
      xs[k] = p.x();
      ys[k] = -p.y();
    }
    return Series.line(name, xs, ys, colour);
  }

  private static CellPoint at(List<CellPoint> cells, int m, int row, int column) {
    CellPoint p = cells.get(row * m + column);
    if (p.row() != row || p.column() != column) {
      throw new IllegalStateException("cell points are not row-major at (" + row + ", " + column + ")");
    }
    return p;
  }

  private static double[] layers(IdExtractionResult r) {
    return r.geometry().stream().mapToDouble(LayerGeometry::layer).toArray();
  }

  private static double[] values(IdExtractionResult r, ToDoubleFunction<LayerGeometry> f) {
    return r.geometry().stream().mapToDouble(f).toArray();
  }
}
