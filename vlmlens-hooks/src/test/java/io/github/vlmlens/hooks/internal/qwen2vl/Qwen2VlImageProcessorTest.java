package io.github.vlmlens.hooks.internal.qwen2vl;

import io.github.vlmlens.hooks.HfFixture;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.vlmlens.core.RgbImage;
import io.github.vlmlens.hooks.CheckpointException;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code smart_resize}, settings and patch order, against hand-computed values. */
class Qwen2VlImageProcessorTest {

  @Test
  void smartResizeRoundsHalfToEvenAsPython() {
    // 36 / 8 = 4.5 -> round() = 4 (half to even; half up would give 5 -> 40); 100 / 8 = 12.5 -> 12.
    assertArrayEquals(new int[] {32, 96}, Qwen2VlImageProcessor.smartResize(36, 100, 8, 1, 1 << 30));
    // 44 / 8 = 5.5 -> 6 (the even neighbour is above).
    assertArrayEquals(new int[] {48, 48}, Qwen2VlImageProcessor.smartResize(44, 44, 8, 1, 1 << 30));
    // The real factor 28: 70 / 28 = 2.5 -> 2 -> 56; 42 / 28 = 1.5 -> 2 -> 56.
    assertArrayEquals(new int[] {56, 56}, Qwen2VlImageProcessor.smartResize(70, 42, 28, 56 * 56, 28 * 28 * 1280));
  }

  @Test
  void smartResizeKeepsThePixelCountInRange() {
    // Too many pixels: beta = sqrt(1000 * 1000 / 6272) = 12.627; floor(1000 / beta / 28) = 2 -> 56 x 56.
    assertArrayEquals(new int[] {56, 56}, Qwen2VlImageProcessor.smartResize(1000, 1000, 28, 3136, 6272));
    // Too few: 10 x 10 -> round gives 0 x 0 < 3136; beta = sqrt(3136 / 100) = 5.6; ceil(56 / 28) = 2 -> 56.
    assertArrayEquals(new int[] {56, 56}, Qwen2VlImageProcessor.smartResize(10, 10, 28, 3136, 6272));
    // The fixture image: 61 x 97 (H x W) -> 56 x 84.
    assertArrayEquals(new int[] {56, 84}, Qwen2VlImageProcessor.smartResize(61, 97, 28, 3136, 6272));
    assertThrows(IllegalArgumentException.class, () -> Qwen2VlImageProcessor.smartResize(1, 300, 28, 1, 1 << 30));
  }

  private static ObjectNode settings() {
    ObjectNode n = HfFixture.MAPPER.createObjectNode();
    n.put("min_pixels", 3136).put("max_pixels", 6272).put("patch_size", 14).put("merge_size", 2)
        .put("temporal_patch_size", 2);
    return n;
  }

  @Test
  void settingsAndTheirErrors() {
    Qwen2VlImageProcessor p = Qwen2VlImageProcessor.parse(settings(), "preprocessor_config.json");
    assertEquals(3136, p.minPixels());
    assertEquals(6272, p.maxPixels());
    // transformers 5: size {shortest_edge, longest_edge}; min_pixels overrides it.
    ObjectNode s = HfFixture.MAPPER.createObjectNode();
    s.putObject("size").put("shortest_edge", 100).put("longest_edge", 5000);
    assertEquals(5000, Qwen2VlImageProcessor.parse(s, "x").maxPixels());
    s.put("min_pixels", 200);
    assertEquals(200, Qwen2VlImageProcessor.parse(s, "x").minPixels());

    ObjectNode bad = settings();
    bad.put("min_pixels", 10000);
    String m = assertThrows(CheckpointException.class, () -> Qwen2VlImageProcessor.parse(bad, "pre.json")).getMessage();
    assertTrue(m.contains("'min_pixels'") && m.contains("max_pixels"), m);
    ObjectNode zero = settings();
    zero.put("patch_size", 0);
    m = assertThrows(CheckpointException.class, () -> Qwen2VlImageProcessor.parse(zero, "pre.json")).getMessage();
    assertTrue(m.contains("'patch_size'"), m);
    ObjectNode negative = settings();
    negative.putObject("size").put("longest_edge", -5);
    m = assertThrows(CheckpointException.class, () -> Qwen2VlImageProcessor.parse(negative, "pre.json")).getMessage();
    assertTrue(m.contains("'size.longest_edge'"), m);
    ObjectNode bilinear = settings();
    bilinear.put("resample", 2);
    m = assertThrows(CheckpointException.class, () -> Qwen2VlImageProcessor.parse(bilinear, "pre.json")).getMessage();
    assertTrue(m.contains("'resample'"), m);
  }

  @Test
  void rowsComeInMergeBlockOrderWithTheImageRepeatedOverTime() {
    // A 56 x 28 (W x H) image, no resize, no normalisation: 2 x 4 patches of 14 px, one 2x2 merge block
    // per 28 x 28; each pixel's red value is its patch's index in raster order (row * 4 + col).
    int w = 56;
    int h = 28;
    int[] px = new int[w * h];
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        int patch = (y / 14) * 4 + x / 14;
        px[y * w + x] = (patch << 16) | (7 << 8) | 9;
      }
    }
    ObjectNode n = settings();
    n.put("do_resize", false).put("do_rescale", false).put("do_normalize", false);
    Qwen2VlImageProcessor p = Qwen2VlImageProcessor.parse(n, "x");
    Qwen2VlImageProcessor.Patches out = p.process(RgbImage.of(w, h, px));
    assertEquals(List.of(1, 2, 4), List.of(out.t(), out.h(), out.w()));
    int rowLen = 3 * 2 * 14 * 14;
    // Block (0,0): patches 0, 1, 4, 5; block (0,1): 2, 3, 6, 7.
    int[] expected = {0, 1, 4, 5, 2, 3, 6, 7};
    for (int r = 0; r < 8; r++) {
      int base = r * rowLen;
      for (int t = 0; t < 2; t++) {
        int red = base + t * 196;
        int green = base + 2 * 196 + t * 196;
        int blue = base + 4 * 196 + t * 196;
        assertEquals(expected[r], out.rows()[red], "row " + r + " red, time " + t);
        assertEquals(expected[r], out.rows()[red + 195], "row " + r + " red, last pixel");
        assertEquals(7f, out.rows()[green]);
        assertEquals(9f, out.rows()[blue + 195]);
      }
    }
    assertEquals(2, p.imageTokens(RgbImage.of(w, h, px)));
  }
}
