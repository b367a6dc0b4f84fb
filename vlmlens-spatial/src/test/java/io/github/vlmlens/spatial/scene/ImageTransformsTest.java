package io.github.vlmlens.spatial.scene;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.vlmlens.core.RgbImage;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ImageTransformsTest {

  private static RgbImage noise(int w, int h, long seed) {
    Random r = new Random(seed);
    int[] px = new int[w * h];
    for (int i = 0; i < px.length; i++) {
      px[i] = r.nextInt(1 << 24);
    }
    return RgbImage.of(w, h, px);
  }

  private static int rgb(int r, int g, int b) {
    return (r << 16) | (g << 8) | b;
  }

  @Test
  void mirrorsMoveThePixelsAndTwiceIsIdentity() {
    RgbImage im = noise(7, 5, 1);
    RgbImage lr = ImageTransforms.mirrorLeftRight(im);
    RgbImage tb = ImageTransforms.mirrorTopBottom(im);
    for (int y = 0; y < 5; y++) {
      for (int x = 0; x < 7; x++) {
        assertEquals(im.rgb(x, y), lr.rgb(6 - x, y));
        assertEquals(im.rgb(x, y), tb.rgb(x, 4 - y));
      }
    }
    assertEquals(im, ImageTransforms.mirrorLeftRight(lr));
    assertEquals(im, ImageTransforms.mirrorTopBottom(tb));
    assertNotEquals(im, lr);
  }

  @Test
  void hueRotationIsExactOnThePalette() {
    for (PaletteColor c : PaletteColor.values()) {
      RgbImage one = RgbImage.of(1, 1, new int[] {c.rgb()});
      for (int d = -720; d <= 720; d += 60) {
        assertEquals(c.rotate(d).rgb(), ImageTransforms.rotateHue(one, d).rgb(0, 0), c + " by " + d);
      }
    }
    assertEquals(PaletteColor.CYAN, PaletteColor.RED.complement());
    assertEquals(PaletteColor.BLUE, PaletteColor.YELLOW.complement());
    assertEquals(PaletteColor.MAGENTA, PaletteColor.GREEN.complement());
    // Darker shades of palette colours (an object's blurred edge) keep their shade.
    RgbImage dark = RgbImage.of(2, 1, new int[] {rgb(90, 0, 0), rgb(40, 40, 0)});
    RgbImage rot = ImageTransforms.rotateHue(dark, 180);
    assertEquals(rgb(0, 90, 90), rot.rgb(0, 0));
    assertEquals(rgb(0, 0, 40), rot.rgb(1, 0));
  }

  @Test
  void hueRotationMatchesAHandComputedHsvRotation() {
    // (200, 100, 50): V = 200, chroma 150, hue 60 * (100 - 50) / 150 = 20 degrees. +60 -> 80
    // degrees, in the yellow-green sector: R = V - C * (80 - 60) / 60 = 150, G = 200, B = 50.
    RgbImage one = RgbImage.of(1, 1, new int[] {rgb(200, 100, 50)});
    assertEquals(rgb(150, 200, 50), ImageTransforms.rotateHue(one, 60).rgb(0, 0));
    // +30 -> 50 degrees: G = min + C * 50 / 60 = 50 + 125 = 175.
    assertEquals(rgb(200, 175, 50), ImageTransforms.rotateHue(one, 30).rgb(0, 0));
    // -40 -> -20 = 340 degrees, the magenta-red sector: B = min + C * 20 / 60 = 100.
    assertEquals(rgb(200, 50, 100), ImageTransforms.rotateHue(one, -40).rgb(0, 0));
  }

  @Test
  void hueRotationRoundTripsOnArbitraryPixels() {
    RgbImage im = noise(40, 30, 2);
    assertEquals(im, ImageTransforms.rotateHue(im, 360));
    assertEquals(im, ImageTransforms.rotateHue(im, 0));
    assertEquals(im, ImageTransforms.rotateHue(ImageTransforms.rotateHue(im, 180), 180));
    assertEquals(im, ImageTransforms.rotateHue(ImageTransforms.rotateHue(im, 37.5), -37.5));
    assertNotEquals(im, ImageTransforms.rotateHue(im, 180));
    int[] greys = {0, rgb(7, 7, 7), rgb(128, 128, 128), 0xFFFFFF};
    RgbImage grey = RgbImage.of(4, 1, greys);
    assertEquals(grey, ImageTransforms.rotateHue(grey, 123));
    RgbImage rotated = ImageTransforms.rotateHue(im, 77);
    for (int y = 0; y < 30; y++) {
      for (int x = 0; x < 40; x++) {
        int a = im.rgb(x, y);
        int b = rotated.rgb(x, y);
        assertEquals(max(a), max(b));
        assertEquals(min(a), min(b));
      }
    }
    assertThrows(IllegalArgumentException.class, () -> ImageTransforms.rotateHue(im, Double.NaN));
  }

  private static int max(int p) {
    return Math.max((p >> 16) & 255, Math.max((p >> 8) & 255, p & 255));
  }

  private static int min(int p) {
    return Math.min((p >> 16) & 255, Math.min((p >> 8) & 255, p & 255));
  }

  @Test
  void blurChangesNothingOutsideItsBox() {
    RgbImage im = noise(50, 40, 3);
    PixelBox box = PixelBox.of(10, 5, 20, 17);
    RgbImage out = ImageTransforms.blurBox(im, box, 4);
    int changed = 0;
    for (int y = 0; y < 40; y++) {
      for (int x = 0; x < 50; x++) {
        if (!box.contains(x, y)) {
          assertEquals(im.rgb(x, y), out.rgb(x, y), "pixel " + x + "," + y);
        } else if (im.rgb(x, y) != out.rgb(x, y)) {
          changed++;
        }
      }
    }
    assertTrue(changed > 300, "the box was barely blurred: " + changed);
    assertEquals(im, ImageTransforms.blurBox(im, box, 0));
  }

  @Test
  void blurOfAUniformBoxIsUniformAndOfAPointIsTheKernel() {
    int[] flat = new int[30 * 30];
    Arrays.fill(flat, rgb(10, 200, 77));
    RgbImage uniform = RgbImage.of(30, 30, flat);
    assertEquals(uniform, ImageTransforms.blurBox(uniform, PixelBox.of(3, 3, 20, 20), 2.5));

    // A single white pixel in the middle of a black 41 x 41 box; sigma 2: kernel half-width 6,
    // weights w(i) = exp(-i^2 / 8) / sum. The blurred value at offset (dx, dy) is
    // 255 * w(dx) * w(dy).
    int n = 41;
    int[] px = new int[n * n];
    px[20 * n + 20] = 0xFFFFFF;
    RgbImage out = ImageTransforms.blurBox(RgbImage.of(n, n, px), PixelBox.of(0, 0, n, n), 2.0);
    double sum = 0;
    for (int i = -6; i <= 6; i++) {
      sum += Math.exp(-i * i / 8.0);
    }
    for (int[] d : new int[][] {{0, 0}, {1, 0}, {2, 1}, {3, 3}, {6, 0}, {7, 0}}) {
      double w0 = Math.abs(d[0]) <= 6 ? Math.exp(-d[0] * d[0] / 8.0) / sum : 0;
      double w1 = Math.abs(d[1]) <= 6 ? Math.exp(-d[1] * d[1] / 8.0) / sum : 0;
      int expected = (int) Math.floor(255 * w0 * w1 + 0.5);
      int got = out.rgb(20 + d[0], 20 + d[1]);
      assertEquals(rgb(expected, expected, expected), got, "offset " + d[0] + "," + d[1]);
    }
    assertEquals(0, out.rgb(27, 20)); // beyond ceil(3 sigma)
  }

  @Test
  void blurDoesNotReadOutsideItsBox() {
    // Bright pixels just outside the box must not leak in: the box's edge is repeated instead.
    int[] px = new int[20 * 20];
    for (int y = 0; y < 20; y++) {
      for (int x = 0; x < 20; x++) {
        px[y * 20 + x] = x < 5 || x >= 15 ? 0xFFFFFF : 0;
      }
    }
    RgbImage out = ImageTransforms.blurBox(RgbImage.of(20, 20, px), PixelBox.of(5, 0, 10, 20), 3);
    for (int y = 0; y < 20; y++) {
      for (int x = 5; x < 15; x++) {
        assertEquals(0, out.rgb(x, y));
      }
    }
  }

  @Test
  void blurBoxesAreClippedAndBadInputIsRejected() {
    RgbImage im = noise(10, 10, 4);
    RgbImage clipped = ImageTransforms.blurBox(im, PixelBox.of(-5, -5, 10, 10), 1);
    assertEquals(im.rgb(7, 7), clipped.rgb(7, 7));
    assertNotEquals(im, clipped);
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class,
            () -> ImageTransforms.blurBox(im, PixelBox.of(20, 0, 5, 5), 1));
    assertTrue(e.getMessage().contains("does not overlap"));
    assertThrows(IllegalArgumentException.class,
        () -> ImageTransforms.blurBox(im, PixelBox.of(0, 0, 5, 5), -1));
  }

  @Test
  void paperScaleBlurOfAnObjectBoxStaysInside() {
    Placement p =
        Placement.of(GridSpec.paper(), ObjectLibrary.builtIn().get("heart"), GridCell.of(1, 1),
            ObjectLibrary.builtIn().get("box"), GridCell.of(2, 2), 1);
    RgbImage im = p.render();
    RgbImage blurred = ImageTransforms.blurBox(im, p.a().box(), 20);
    assertNotEquals(im, blurred);
    assertEquals(
        ImageTransforms.blurBox(im, p.b().box(), 0), im);
    for (int y = 0; y < 896; y += 3) {
      for (int x = 0; x < 896; x += 3) {
        if (!p.a().box().contains(x, y)) {
          assertEquals(im.rgb(x, y), blurred.rgb(x, y));
        }
      }
    }
  }
}
