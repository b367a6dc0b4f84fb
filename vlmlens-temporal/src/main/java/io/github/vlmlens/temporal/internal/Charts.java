package io.github.vlmlens.temporal.internal;

import io.github.vlmlens.core.report.Plot;
import io.github.vlmlens.core.report.Plot.Series;
import io.github.vlmlens.core.report.Plot.Style;
import java.util.List;

/** The plots of the temporal analyses (rendered into pages by core's {@code HtmlPage}). */
public final class Charts {
  /** The palette's grey, kept for the column lines of a grid. */
  private static final int GREY = 3;

  private Charts() {}

  /** A line chart by layer of several series. */
  public static Plot byLayer(String title, String yTitle, List<Series> series) {
    Plot p = Plot.byLayer(title, yTitle);
    for (Series s : series) {
      p = p.with(s);
    }
    return p;
  }

  /** A solid line in palette colour {@code colour}. */
  public static Series line(String name, double[] x, double[] y, int colour) {
    return Series.line(name, x, y, colour);
  }

  /** A dashed line (a baseline) in palette colour {@code colour}. */
  public static Series dashed(String name, double[] x, double[] y, int colour) {
    return Series.line(name, x, y, colour).drawn(Style.DASHED);
  }

  /**
   * A projected grid: point {@code (x[c][f], y[c][f])} for column {@code c} and frame {@code f},
   * joined along each frame (across columns, one colour a frame) and along each column (across
   * frames, thin grey lines), so a linear code looks like a lattice.
   */
  public static Plot grid(String title, String xTitle, String yTitle, double[][] x, double[][] y) {
    Plot p = Plot.lines(title, xTitle, yTitle);
    int columns = x.length;
    int frames = x[0].length;
    for (int f = 0; f < frames; f++) {
      double[] xs = new double[columns];
      double[] ys = new double[columns];
      for (int c = 0; c < columns; c++) {
        xs[c] = x[c][f];
        ys[c] = y[c][f];
      }
      p = p.with(Series.line("frame " + f, xs, ys, f < GREY ? f : f + 1));
    }
    for (int c = 0; c < columns; c++) {
      p = p.with(Series.line("column " + c, x[c], y[c], GREY).drawn(Style.PATH).unlisted());
    }
    return p;
  }
}
