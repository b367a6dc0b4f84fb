package io.github.vlmlens.spatial.ids;

import io.github.vlmlens.spatial.ids.IdExtractionResult.CellPoint;
import io.github.vlmlens.spatial.ids.IdExtractionResult.LayerGeometry;
import io.github.vlmlens.spatial.ids.IdExtractionResult.Point;
import io.github.vlmlens.spatial.ids.internal.Plots;
import java.awt.Color;
import java.util.ArrayList;
import java.util.List;
import java.util.function.ToDoubleFunction;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.lines.SeriesLines;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** The plots of a spatial-ID result. */
final class IdCharts {
  private static final Color ROWS = new Color(0x1f77b4);
  private static final Color COLUMNS = new Color(0xd62728);

  private IdCharts() {}

  /** R^2 by layer: cell means, per sample, their shuffled baselines, and the plain prompts. */
  public static XYChart linearity(IdExtractionResult r) {
    XYChart c = Plots.byLayer("Linearity of the projected IDs (R^2 against true column and row)", "R^2");
    double[] x = layers(r);
    Plots.line(c, "cell means", x, values(r, LayerGeometry::r2CellMeans), Plots.COLORS[0], false);
    Plots.line(c, "per sample", x, values(r, LayerGeometry::r2PerSample), Plots.COLORS[1], false);
    Plots.line(c, "shuffled cells: cell means (mean)", x, values(r, LayerGeometry::shuffledR2CellMeans),
        Plots.COLORS[0], true);
    Plots.line(c, "shuffled cells: per sample (mean)", x, values(r, LayerGeometry::shuffledR2PerSample),
        Plots.COLORS[1], true);
    if (r.config().plainPrompts()) {
      Plots.line(c, "plain prompts: per sample", x,
          values(r, g -> g.plain() == null ? Double.NaN : g.plain().r2PerSample()), Plots.COLORS[2], false);
    }
    finish(c);
    return c;
  }

  /** The fraction of the IDs' variance in the plane, by layer. */
  public static XYChart explainedVariance(IdExtractionResult r) {
    XYChart c = Plots.byLayer("Variance of the universal IDs explained by the plane", "fraction");
    Plots.line(c, "explained variance", layers(r), values(r, LayerGeometry::explainedVariance),
        Plots.COLORS[0], false);
    finish(c);
    return c;
  }

  /** The separation of plain and spatial prompts on the plane, by layer. */
  public static XYChart separation(IdExtractionResult r) {
    XYChart c = Plots.byLayer("Plain against spatial prompts: separation on the plane", "separation");
    Plots.line(c, "|mean spatial - mean plain| / rms spread", layers(r),
        values(r, g -> g.plain() == null ? Double.NaN : g.plain().separation()), Plots.COLORS[2], false);
    finish(c);
    return c;
  }

  /**
   * One layer's projected universal IDs: each row of cells joined in blue, each column in red, so
   * a linear code draws a grid; plain-prompt cell IDs as grey dots when present.
   */
  public static XYChart grid(LayerGeometry g, int m) {
    XYChart c = Plots.chart("layer " + g.layer(), "x (h direction)", "-y (rows go down, as in the image)", 300, 300);
    c.getStyler().setLegendVisible(false);
    c.getStyler().setXAxisDecimalPattern("0.0##");
    c.getStyler().setYAxisDecimalPattern("0.0##");
    if (g.cells().isEmpty()) {
      Plots.emptyNote(c, "no plane");
      return c;
    }
    for (int i = 0; i < m; i++) {
      addPath(c, "row " + i, g.cells(), m, i, true, ROWS);
    }
    for (int j = 0; j < m; j++) {
      addPath(c, "column " + j, g.cells(), m, j, false, COLUMNS);
    }
    if (g.plain() != null && !g.plain().cells().isEmpty()) {
      double[] xs = g.plain().cells().stream().mapToDouble(CellPoint::x).toArray();
      double[] ys = g.plain().cells().stream().mapToDouble(p -> -p.y()).toArray();
      XYSeries p = c.addSeries("plain prompts", xs, ys);
      p.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
      p.setMarkerColor(new Color(0x999999));
      p.setMarker(SeriesMarkers.CIRCLE);
    }
    CellPoint origin = at(g.cells(), m, 0, 0);
    XYSeries o = c.addSeries("cell (0, 0)", new double[] {origin.x()}, new double[] {-origin.y()});
    o.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
    o.setMarker(SeriesMarkers.DIAMOND);
    o.setMarkerColor(Color.BLACK);
    return c;
  }

  /** Every layer's grid, in order. */
  public static List<XYChart> grids(IdExtractionResult r) {
    List<XYChart> out = new ArrayList<>();
    for (LayerGeometry g : r.geometry()) {
      out.add(grid(g, r.config().gridSize()));
    }
    return out;
  }

  /** At the best layer, the uncentred activations of both prompt types on the plane. */
  public static XYChart scatter(IdExtractionResult r) {
    XYChart c = Plots.chart("Layer " + r.bestLayer() + ": spatial and plain prompts on the plane",
        "x (h direction)", "y", 600, 460);
    c.getStyler().setMarkerSize(4);
    scatterSeries(c, "spatial prompts", r.spatialScatter(), Plots.COLORS[0]);
    scatterSeries(c, "plain prompts", r.plainScatter(), Plots.COLORS[5]);
    if (r.spatialScatter().isEmpty()) {
      Plots.emptyNote(c, "no data");
    }
    return c;
  }

  private static void scatterSeries(XYChart c, String name, List<Point> pts, Color color) {
    if (pts.isEmpty()) {
      return;
    }
    XYSeries s = c.addSeries(name, pts.stream().mapToDouble(Point::x).toArray(),
        pts.stream().mapToDouble(Point::y).toArray());
    s.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
    s.setMarkerColor(color);
    s.setMarker(SeriesMarkers.CIRCLE);
  }

  private static void addPath(XYChart c, String name, List<CellPoint> cells, int m, int line, boolean row, Color color) {
    double[] xs = new double[m];
    double[] ys = new double[m];
    for (int k = 0; k < m; k++) {
      CellPoint p = row ? at(cells, m, line, k) : at(cells, m, k, line);
      xs[k] = p.x();
      ys[k] = -p.y();
    }
    XYSeries s = c.addSeries(name, xs, ys);
    s.setLineColor(color);
    s.setMarkerColor(color);
    s.setMarker(SeriesMarkers.CIRCLE);
    s.setLineStyle(SeriesLines.SOLID);
  }

  private static CellPoint at(List<CellPoint> cells, int m, int row, int column) {
    CellPoint p = cells.get(row * m + column);
    if (p.row() != row || p.column() != column) {
      throw new IllegalStateException("cell points are not row-major at (" + row + ", " + column + ")");
    }
    return p;
  }

  private static void finish(XYChart c) {
    if (c.getSeriesCollection().isEmpty()) {
      Plots.emptyNote(c, "no finite value");
    }
  }

  private static double[] layers(IdExtractionResult r) {
    return r.geometry().stream().mapToDouble(LayerGeometry::layer).toArray();
  }

  private static double[] values(IdExtractionResult r, ToDoubleFunction<LayerGeometry> f) {
    return r.geometry().stream().mapToDouble(f).toArray();
  }
}
