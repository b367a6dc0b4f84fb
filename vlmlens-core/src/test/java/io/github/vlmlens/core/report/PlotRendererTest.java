package io.github.vlmlens.core.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.vlmlens.core.report.Plot.Series;
import io.github.vlmlens.core.report.PlotRenderer.AxisRange;
import io.github.vlmlens.core.report.PlotRenderer.Layout;
import java.awt.image.BufferedImage;
import java.text.DecimalFormat;
import java.text.DecimalFormatSymbols;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;

class PlotRendererTest {
  private static final String LONG_TITLE =
      "Linearity of the projected IDs (R^2 against the true column and row) on a model with a long name";

  /** Counts the non-white pixels of one image column. */
  private static int inked(BufferedImage img, int column) {
    int n = 0;
    for (int y = 0; y < img.getHeight(); y++) {
      if ((img.getRGB(column, y) & 0xffffff) != 0xffffff) {
        n++;
      }
    }
    return n;
  }

  @Test
  void longTitlesAndLegendEntriesFitInsideTheImage() {
    double[] x = {0, 1, 2, 3};
    Plot p = Plot.byLayer(LONG_TITLE, "R^2").withSize(300, 200)
        .withLine("shuffled cells: cell means (mean over 100 shuffles of the labels)", x, new double[] {0, .1, .2, .3})
        .withLine("per sample, plain prompts, the longest legend label of them all", x, new double[] {.3, .2, .1, 0})
        .withLine("shuffled cells: per sample (mean over 100 shuffles of the labels)", x, new double[] {0, 0, 0, 0});
    Layout l = PlotRenderer.layout(p);
    assertTrue(l.width() >= PlotRenderer.textWidth(LONG_TITLE, PlotRenderer.titleFont()) + 200, "" + l);
    assertFalse(l.horizontalLegend(), "three long entries cannot share a line of " + l.width() + " px");
    for (String e : PlotRenderer.legendEntries(p)) {
      assertTrue(PlotRenderer.entryWidth(e) + 24 <= l.width(), e + " in " + l);
    }
    BufferedImage img = PlotRenderer.image(p);
    assertEquals(l.width(), img.getWidth());
    assertEquals(l.height(), img.getHeight());
    // Clipped text runs into the image's edge: the outermost columns and rows stay blank.
    for (int c : new int[] {0, 1, img.getWidth() - 2, img.getWidth() - 1}) {
      assertEquals(0, inked(img, c), "column " + c + " of " + img.getWidth());
    }
    for (int y : new int[] {0, img.getHeight() - 1}) {
      for (int c = 0; c < img.getWidth(); c++) {
        assertEquals(0xffffff, img.getRGB(c, y) & 0xffffff, "pixel (" + c + ", " + y + ")");
      }
    }
  }

  @Test
  void shortLegendsShareOneLineAndTheDefaultSizeIsKept() {
    Plot p = Plot.byLayer("R^2", "R^2").withLine("a", new double[] {0, 1}, new double[] {0, 1})
        .withLine("b", new double[] {0, 1}, new double[] {1, 0});
    Layout l = PlotRenderer.layout(p);
    assertTrue(l.horizontalLegend());
    assertEquals(720, l.width());
    assertEquals(460 + l.legendHeight(), l.height());
  }

  @Test
  void nearConstantDataGetsAPaddedRangeAndShortTicks() {
    AxisRange r = PlotRenderer.range(List.of(new double[] {0.5, 0.5 + 1e-9, 0.5 - 1e-9}));
    // padded by 5% of the magnitude: 0.475 .. 0.525, ticks with two or three decimals
    assertEquals(0.475, r.min(), 1e-6);
    assertEquals(0.525, r.max(), 1e-6);
    DecimalFormat f = new DecimalFormat(r.pattern(), DecimalFormatSymbols.getInstance(Locale.ROOT));
    assertEquals("0.500", f.format(0.5 + 1e-9));
    assertTrue(f.format(r.min()).length() <= 5, f.format(r.min()));
    // ticks one tenth of the range apart stay distinct
    assertNotEquals(f.format(0.5), f.format(0.5 + (r.max() - r.min()) / 10));
    AxisRange zero = PlotRenderer.range(List.of(new double[] {0, 0}));
    assertEquals(-1, zero.min(), 0);
    assertEquals(1, zero.max(), 0);
    AxisRange wide = PlotRenderer.range(List.of(new double[] {0, 100}, new double[] {Double.NaN}));
    assertEquals(-5, wide.min(), 1e-9);
    assertEquals(105, wide.max(), 1e-9);
    assertEquals("0", wide.pattern());
    assertEquals(new AxisRange(0, 1, "0.0"), PlotRenderer.range(List.of(new double[] {Double.NaN})));
  }

  @Test
  void bandsAreShadedPolygonsNotExtraLegendEntriesAndEmptyPlotsRender() {
    double[] x = {0, 1, 2};
    Series s = Series.line("mean", x, new double[] {0.2, 0.5, 0.4}, 0)
        .withBand(new double[] {0.1, 0.4, 0.3}, new double[] {0.3, 0.6, 0.5});
    Plot p = Plot.byLayer("shift", "shift").with(s);
    assertEquals(List.of("mean"), PlotRenderer.legendEntries(p));
    BufferedImage img = PlotRenderer.image(p);
    // between the band's ends at layer 1 (y 0.4 .. 0.6, drawn 0.39 .. 0.61) the pixels are tinted
    // blue but not the line's full colour: a translucent fill
    int tinted = 0;
    for (int y = 0; y < img.getHeight(); y++) {
      for (int c = img.getWidth() / 4; c < img.getWidth() / 3; c++) {
        int rgb = img.getRGB(c, y) & 0xffffff;
        int red = rgb >> 16;
        int blue = rgb & 0xff;
        if (blue > red + 20 && red > 150) {
          tinted++;
        }
      }
    }
    assertTrue(tinted > 500, "tinted pixels " + tinted);
    String svg = new String(PlotRenderer.svg(p), java.nio.charset.StandardCharsets.UTF_8);
    assertTrue(svg.contains("<svg"));
    BufferedImage empty = PlotRenderer.image(Plot.byLayer("nothing", "y").withLine("a", x, new double[] {
        Double.NaN, Double.NaN, Double.NaN}).withEmptyNote("no kept sample"));
    assertTrue(empty.getWidth() >= 720);
  }

  @Test
  void heatMapsRender() {
    Plot h = Plot.heatMap("layer 3: P(right)", "target column", "target row", List.of("0", "1"), List.of("0", "1"),
        new double[][] {{0.1, 0.9}, {0.5, 0.5}}, 0, 1);
    BufferedImage img = PlotRenderer.image(h);
    assertEquals(PlotRenderer.layout(h).width(), img.getWidth());
    assertTrue(new String(PlotRenderer.svg(h), java.nio.charset.StandardCharsets.UTF_8).contains("<svg"));
  }
}
