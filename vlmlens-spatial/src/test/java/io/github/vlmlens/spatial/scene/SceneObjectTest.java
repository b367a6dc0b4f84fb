package io.github.vlmlens.spatial.scene;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.vlmlens.core.RgbImage;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SceneObjectTest {
  @TempDir Path dir;

  /**
   * Number of connected components of {@code value} pixels, the mask padded by one pixel:
   * 8-connected for the object, 4-connected for the background (the usual digital-topology pair,
   * so a one-pixel diagonal step at a star's tip still counts as attached).
   */
  private static int components(boolean[] mask, int size, boolean value) {
    int n = size + 2;
    boolean[] grid = new boolean[n * n];
    for (int y = 0; y < n; y++) {
      for (int x = 0; x < n; x++) {
        boolean inside = x > 0 && y > 0 && x <= size && y <= size;
        boolean m = inside && mask[(y - 1) * size + x - 1];
        grid[y * n + x] = m == value;
      }
    }
    boolean[] seen = new boolean[n * n];
    int count = 0;
    for (int start = 0; start < n * n; start++) {
      if (!grid[start] || seen[start]) {
        continue;
      }
      count++;
      ArrayDeque<Integer> queue = new ArrayDeque<>();
      queue.add(start);
      seen[start] = true;
      while (!queue.isEmpty()) {
        int p = queue.poll();
        int x = p % n;
        int y = p / n;
        int[][] nb =
            value
                ? new int[][] {
                  {x + 1, y}, {x - 1, y}, {x, y + 1}, {x, y - 1},
                  {x + 1, y + 1}, {x - 1, y - 1}, {x + 1, y - 1}, {x - 1, y + 1}
                }
                : new int[][] {{x + 1, y}, {x - 1, y}, {x, y + 1}, {x, y - 1}};
        for (int[] q : nb) {
          if (q[0] >= 0 && q[1] >= 0 && q[0] < n && q[1] < n) {
            int i = q[1] * n + q[0];
            if (grid[i] && !seen[i]) {
              seen[i] = true;
              queue.add(i);
            }
          }
        }
      }
    }
    return count;
  }

  @Test
  void builtInShapesAreSolidSingleSilhouettes() {
    for (SceneObject o : ObjectLibrary.builtIn().objects()) {
      for (int size = 6; size <= 230; size += size < 64 ? 1 : 7) {
        boolean[] m = o.mask(size);
        assertEquals(1, components(m, size, true), o + " falls apart at " + size + " px");
        int holes = components(m, size, false) - 1;
        assertEquals(o.name().equals("ring") ? 1 : 0, holes, o + " holes at " + size + " px");
      }
    }
  }

  @Test
  void maskIsACopy() {
    SceneObject ball = ObjectLibrary.builtIn().get("ball");
    boolean[] m = ball.mask(10);
    m[0] = !m[0];
    assertNotEquals(m[0], ball.mask(10)[0]);
  }

  private Path writeArgbPng(String file, int w, int h, int[] argb) throws IOException {
    BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_ARGB);
    img.setRGB(0, 0, w, h, argb, 0, w);
    Path p = dir.resolve(file);
    assertTrue(ImageIO.write(img, "png", p.toFile()));
    return p;
  }

  @Test
  void customPngMaskIsCroppedAndAreaSampled() throws IOException {
    // 8 x 6 image, transparent margin of 2 columns on the left and 2 rows on top; the opaque
    // 4 x 4 block holds an opaque left half (alpha 255) and a faint right half (alpha 100).
    int w = 8;
    int h = 6;
    int[] argb = new int[w * h];
    for (int y = 2; y < 6; y++) {
      for (int x = 2; x < 6; x++) {
        argb[y * w + x] = (x < 4 ? 255 : 100) << 24 | 0x123456;
      }
    }
    SceneObject o = SceneObject.fromPng("kite", writeArgbPng("kite.png", w, h, argb), PaletteColor.BLUE);
    assertEquals("kite", o.name());
    assertFalse(o.isBuiltIn());
    // At 2 px each target pixel averages a 2 x 2 block: left 255 (covered), right 100 (< 127.5).
    assertArrayEquals(new boolean[] {true, false, true, false}, o.mask(2));
    // At 4 px, one source pixel per target pixel.
    boolean[] m4 = o.mask(4);
    for (int y = 0; y < 4; y++) {
      for (int x = 0; x < 4; x++) {
        assertEquals(x < 2, m4[y * 4 + x]);
      }
    }
    // At 3 px the middle column straddles both halves: weights 1/3 of 255 (full middle column of
    // source pixel 1... ) computed exactly: source columns 0..3 under target column 1 cover
    // [4/3, 8/3): 2/3 of column 1 (255) and 2/3 of column 2 (100): mean (170 + 66.7) / (4/3) = 177.5.
    boolean[] m3 = o.mask(3);
    for (int y = 0; y < 3; y++) {
      assertTrue(m3[y * 3]);
      assertTrue(m3[y * 3 + 1]);
      assertFalse(m3[y * 3 + 2]);
    }
  }

  @Test
  void nonSquareImagesKeepTheirAspectRatioCentred() {
    BufferedImage img = new BufferedImage(4, 2, BufferedImage.TYPE_INT_ARGB);
    for (int y = 0; y < 2; y++) {
      for (int x = 0; x < 4; x++) {
        img.setRGB(x, y, 0xFF000000);
      }
    }
    SceneObject bar = SceneObject.fromImage("bar", img, PaletteColor.RED);
    boolean[] m = bar.mask(8);
    // 8 wide, 4 tall, rows 2..5.
    for (int y = 0; y < 8; y++) {
      for (int x = 0; x < 8; x++) {
        assertEquals(y >= 2 && y < 6, m[y * 8 + x], "pixel " + x + "," + y);
      }
    }
  }

  @Test
  void customObjectsRenderInScenes() throws IOException {
    int[] argb = new int[9];
    argb[4] = 0xFF000000;
    argb[1] = 0xFF000000;
    SceneObject dot = SceneObject.fromPng("dot", writeArgbPng("dot.png", 3, 3, argb), PaletteColor.GREEN);
    ObjectLibrary lib = ObjectLibrary.builtIn().with(dot);
    assertEquals(13, lib.size());
    Placement p =
        Placement.of(GridSpec.tiny(), lib.get("dot"), GridCell.of(0, 0), lib.get("ball"),
            GridCell.of(0, 1), 0);
    RgbImage im = p.render();
    // The crop is 1 x 2 (column 1, rows 0-1), scaled to 5 x 10 centred in the 10 px sprite.
    PixelBox box = p.a().box();
    assertEquals(PaletteColor.GREEN.rgb(), im.rgb(box.x() + 4, box.y()));
    assertEquals(0, im.rgb(box.x() + 1, box.y()));
    assertEquals(SpatialQuestion.leftRight(p).text(), "Is the ball to the left or right of the dot?");
  }

  @Test
  void badCustomObjectsAreRejectedWithTheReason() throws IOException {
    BufferedImage rgb = new BufferedImage(3, 3, BufferedImage.TYPE_INT_RGB);
    Path noAlpha = dir.resolve("opaque.png");
    ImageIO.write(rgb, "png", noAlpha.toFile());
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class,
            () -> SceneObject.fromPng("thing", noAlpha, PaletteColor.RED));
    assertTrue(e.getMessage().contains("opaque.png") && e.getMessage().contains("alpha"), e.getMessage());

    Path empty = writeArgbPng("empty.png", 3, 3, new int[9]);
    e = assertThrows(IllegalArgumentException.class,
        () -> SceneObject.fromPng("thing", empty, PaletteColor.RED));
    assertTrue(e.getMessage().contains("transparent"), e.getMessage());

    Path notImage = dir.resolve("notes.png");
    Files.writeString(notImage, "hello");
    IOException io = assertThrows(IOException.class,
        () -> SceneObject.fromPng("thing", notImage, PaletteColor.RED));
    assertTrue(io.getMessage().contains("notes.png"));

    BufferedImage ok = new BufferedImage(2, 2, BufferedImage.TYPE_INT_ARGB);
    ok.setRGB(0, 0, 0xFF000000);
    for (String bad : new String[] {"Ball", "red ball", "two-words", "left", "red", "the", ""}) {
      assertThrows(IllegalArgumentException.class,
          () -> SceneObject.fromImage(bad, ok, PaletteColor.RED), bad);
    }
    SceneObject cup = SceneObject.fromImage("cup", ok, PaletteColor.RED);
    ObjectLibrary lib = ObjectLibrary.builtIn().with(cup);
    assertThrows(IllegalArgumentException.class, () -> lib.with(cup));
    IllegalArgumentException missing =
        assertThrows(IllegalArgumentException.class, () -> lib.get("kettle"));
    assertTrue(missing.getMessage().contains("cup") && missing.getMessage().contains("ball"));
  }

  @Test
  void withDefaultColorKeepsShapeAndName() {
    SceneObject star = ObjectLibrary.builtIn().get("star");
    SceneObject blue = star.withDefaultColor(PaletteColor.BLUE);
    assertEquals(PaletteColor.BLUE, blue.defaultColor());
    assertEquals("star", blue.name());
    assertArrayEquals(star.mask(13), blue.mask(13));
    assertNotEquals(star, blue);
    assertEquals(star, blue.withDefaultColor(star.defaultColor()));
  }
}
