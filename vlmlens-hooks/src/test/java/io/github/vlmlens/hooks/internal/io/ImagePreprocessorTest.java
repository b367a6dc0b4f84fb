package io.github.vlmlens.hooks.internal.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.vlmlens.core.RgbImage;
import io.github.vlmlens.hooks.CheckpointException;
import io.github.vlmlens.hooks.CheckpointFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImagePreprocessorTest {
  private static final float[] HALF = {0.5f, 0.5f, 0.5f};

  /** No rescale, no normalisation: the output is the 8-bit image itself, as floats. */
  private static ImagePreprocessor raw(String sizeJson, boolean crop, String cropJson) {
    return ImagePreprocessor.fromJson(
        "{\"do_resize\": true, \"size\": " + sizeJson + ", \"resample\": 3, \"do_center_crop\": "
            + crop + (cropJson == null ? "" : ", \"crop_size\": " + cropJson)
            + ", \"do_rescale\": false, \"do_normalize\": false}");
  }

  private static RgbImage random(int w, int h, long seed) {
    Random r = new Random(seed);
    int[] px = new int[w * h];
    for (int i = 0; i < px.length; i++) {
      px[i] = r.nextInt(1 << 24);
    }
    return RgbImage.of(w, h, px);
  }

  private static RgbImage gray(int... values) {
    int[] px = new int[values.length];
    for (int i = 0; i < px.length; i++) {
      px[i] = values[i] * 0x010101;
    }
    return RgbImage.of(values.length, 1, px);
  }

  @Test
  void sameSizeImagePassesThroughUnchanged() {
    RgbImage img = random(32, 32, 1);
    float[] v = raw("{\"shortest_edge\": 32}", true, "{\"height\": 32, \"width\": 32}").pixelValues(img);
    assertEquals(3 * 32 * 32, v.length);
    for (int y = 0; y < 32; y++) {
      for (int x = 0; x < 32; x++) {
        int p = img.rgb(x, y);
        assertEquals((p >> 16) & 0xFF, v[y * 32 + x]);
        assertEquals((p >> 8) & 0xFF, v[1024 + y * 32 + x]);
        assertEquals(p & 0xFF, v[2048 + y * 32 + x]);
      }
    }
    // With mean = std = 0.5: 0 -> -1 and 255 -> 1 exactly.
    int[] px = new int[32 * 32];
    px[0] = 0xFF0000;
    float[] n = ImagePreprocessor.of(32, HALF, HALF).pixelValues(RgbImage.of(32, 32, px));
    assertEquals(1.0f, n[0]);
    assertEquals(-1.0f, n[1024]);
    assertEquals(-1.0f, n[1]);
  }

  @Test
  void normalisationOfOnePixelByHand() {
    float[] mean = {0.48145466f, 0.4578275f, 0.40821073f};
    float[] std = {0.26862954f, 0.26130258f, 0.27577711f};
    float[] v = ImagePreprocessor.of(1, mean, std).pixelValues(RgbImage.of(1, 1, new int[] {0x8040FF}));
    // (128 / 255 - 0.48145466) / 0.26862954 = 0.0763361, (64 / 255 - 0.4578275) / 0.26130258 = -0.7916,
    // (1 - 0.40821073) / 0.27577711 = 2.14590.
    assertEquals((128 / 255.0 - 0.48145466) / 0.26862954, v[0], 2e-6);
    assertEquals((64 / 255.0 - 0.4578275) / 0.26130258, v[1], 2e-6);
    assertEquals((255 / 255.0 - 0.40821073) / 0.27577711, v[2], 2e-6);
    assertEquals(0.0763361, v[0], 1e-6);
    assertEquals(-0.7916, v[1], 1e-4);
    assertEquals(2.1459, v[2], 1e-4);
  }

  @Test
  void constantImageStaysConstantAfterResize() {
    int[] px = new int[50 * 40];
    java.util.Arrays.fill(px, 0x25C85A); // (37, 200, 90)
    ImagePreprocessor p = raw("{\"shortest_edge\": 32}", true, "32");
    for (RgbImage img : new RgbImage[] {RgbImage.of(50, 40, px), RgbImage.of(7, 5, java.util.Arrays.copyOf(px, 35))}) {
      float[] v = p.pixelValues(img);
      assertEquals(3 * 32 * 32, v.length);
      for (int i = 0; i < 1024; i++) {
        assertEquals(37f, v[i]);
        assertEquals(200f, v[1024 + i]);
        assertEquals(90f, v[2048 + i]);
      }
    }
  }

  @Test
  void centerCropOffsetsOnOddSizes() {
    // 7 x 5 image, R = 10 x, G = 10 y; crop 4 wide x 3 high, no resize.
    int[] px = new int[35];
    for (int y = 0; y < 5; y++) {
      for (int x = 0; x < 7; x++) {
        px[y * 7 + x] = (10 * x) << 16 | (10 * y) << 8;
      }
    }
    ImagePreprocessor p =
        ImagePreprocessor.fromJson(
            "{\"do_resize\": false, \"crop_size\": {\"height\": 3, \"width\": 4},"
                + " \"do_rescale\": false, \"do_normalize\": false}");
    assertEquals(3, p.outputHeight());
    assertEquals(4, p.outputWidth());
    float[] v = p.pixelValues(RgbImage.of(7, 5, px));
    // top = (5 - 3) // 2 = 1, left = (7 - 4) // 2 = 1
    for (int y = 0; y < 3; y++) {
      for (int x = 0; x < 4; x++) {
        assertEquals(10f * (x + 1), v[y * 4 + x]);
        assertEquals(10f * (y + 1), v[12 + y * 4 + x]);
      }
    }
    // left = (7 - 2) // 2 = 2 for a crop of width 2.
    int[] row = ImagePreprocessor.centerCrop(new int[] {0, 1, 2, 3, 4, 5, 6}, 7, 1, 2, 1);
    assertArrayEquals(new int[] {2, 3}, row);
    // A crop larger than the image pads with zeros, ceil((6 - 3) / 2) = 2 rows/columns before.
    int[] padded = ImagePreprocessor.centerCrop(new int[] {1, 2, 3, 4, 5, 6, 7, 8, 9}, 3, 3, 6, 6);
    int[] expected = new int[36];
    for (int y = 0; y < 3; y++) {
      for (int x = 0; x < 3; x++) {
        expected[(y + 2) * 6 + x + 2] = 1 + y * 3 + x;
      }
    }
    assertArrayEquals(expected, padded);
  }

  @Test
  void twoTimesDownscaleMatchesPilBicubicByHand() {
    // PIL bicubic, a = -0.5, downscale 8 -> 4: scale 2, support 2 * 2 = 4, kernel argument
    // (x - center + 0.5) / 2 with center = 2 * xx + 1. Weights (before normalising):
    // k(0.25) = 0.8671875, k(0.75) = 0.2265625, k(1.25) = -0.0703125, k(1.75) = -0.0234375.
    double[][] w = {
      {0.8671875, 0.8671875, 0.2265625, -0.0703125, -0.0234375}, // inputs 0..4
      {-0.0703125, 0.2265625, 0.8671875, 0.8671875, 0.2265625, -0.0703125, -0.0234375}, // 0..6
      {-0.0234375, -0.0703125, 0.2265625, 0.8671875, 0.8671875, 0.2265625, -0.0703125}, // 1..7
      {-0.0234375, -0.0703125, 0.2265625, 0.8671875, 0.8671875}, // 3..7
    };
    int[] first = {0, 0, 1, 3};
    int[] p = {0, 50, 200, 255, 100, 30, 180, 90};
    float[] expected = new float[4];
    for (int o = 0; o < 4; o++) {
      double num = 0;
      double den = 0;
      for (int i = 0; i < w[o].length; i++) {
        num += w[o][i] * p[first[o] + i];
        den += w[o][i];
      }
      expected[o] = (float) Math.max(0, Math.min(255, Math.round(num / den)));
    }
    assertArrayEquals(new float[] {37, 209, 94, 122}, expected); // what PIL 9.4 returns too

    float[] horizontal = raw("{\"height\": 1, \"width\": 4}", false, null).pixelValues(gray(p));
    assertArrayEquals(expected, java.util.Arrays.copyOf(horizontal, 4));

    // The same pattern down a column goes through the vertical pass only.
    int[] col = new int[8];
    for (int i = 0; i < 8; i++) {
      col[i] = p[i] * 0x010101;
    }
    float[] vertical = raw("{\"height\": 4, \"width\": 1}", false, null).pixelValues(RgbImage.of(1, 8, col));
    assertArrayEquals(expected, java.util.Arrays.copyOf(vertical, 4));

    // The coefficients are those weights, normalised and quantised to 22 bits.
    ImagePreprocessor.Coefficients c = ImagePreprocessor.coefficients(8, 4);
    assertEquals(9, c.ksize); // ceil(4) * 2 + 1
    assertArrayEquals(new int[] {0, 5, 0, 7, 1, 7, 3, 5}, c.bounds);
    for (int o = 0; o < 4; o++) {
      double den = 0;
      for (double x : w[o]) {
        den += x;
      }
      for (int i = 0; i < w[o].length; i++) {
        assertEquals(w[o][i] / den, c.weights[o * c.ksize + i], 1e-15);
        assertEquals(Math.round(w[o][i] / den * (1 << 22)), c.kk[o * c.ksize + i], 1.0);
      }
    }
  }

  @Test
  void resizeTargetFollowsHf() {
    ImagePreprocessor p = ImagePreprocessor.of(336, HALF, HALF);
    assertArrayEquals(new int[] {336, 448}, p.resizeTarget(480, 640)); // {h, w}
    assertArrayEquals(new int[] {448, 336}, p.resizeTarget(640, 480));
    assertArrayEquals(new int[] {336, 504}, p.resizeTarget(333, 500)); // int(336 * 500 / 333) = 504
    assertArrayEquals(new int[] {336, 336}, p.resizeTarget(10, 10));
  }

  @Test
  void outputSizeAndErrors(@TempDir Path dir) throws Exception {
    ImagePreprocessor p = ImagePreprocessor.of(64, HALF, HALF);
    assertEquals(64, p.outputHeight());
    assertEquals(64, p.outputWidth());
    assertEquals(3 * 64 * 64, p.pixelValues(random(100, 80, 3)).length);
    ImagePreprocessor noCrop = raw("{\"shortest_edge\": 32}", false, null);
    assertThrows(IllegalStateException.class, noCrop::outputHeight);
    assertEquals(3 * 32 * 40, noCrop.pixelValues(random(50, 40, 2)).length);

    CheckpointException e =
        assertThrows(CheckpointException.class, () -> ImagePreprocessor.fromJson("{\"resample\": 2}"));
    assertTrue(e.getMessage().contains("resample"), e.getMessage());
    Path missing = dir.resolve("preprocessor_config.json");
    e = assertThrows(CheckpointException.class, () -> ImagePreprocessor.read(missing));
    assertTrue(e.getMessage().contains(missing.toString()), e.getMessage());
    Files.writeString(missing, "{\"size\": {\"longest_edge\": 3}}");
    e = assertThrows(CheckpointException.class, () -> ImagePreprocessor.read(missing));
    assertTrue(e.getMessage().contains(missing.toString()) && e.getMessage().contains("'size'"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> ImagePreprocessor.of(8, HALF, new float[] {1, 0, 1}));
  }

  @Test
  void defaultsAreClipImageProcessors() {
    ImagePreprocessor d = ImagePreprocessor.fromJson("{}");
    assertEquals(224, d.outputHeight());
    assertArrayEquals(ImagePreprocessor.OPENAI_CLIP_MEAN, d.mean());
    assertArrayEquals(ImagePreprocessor.OPENAI_CLIP_STD, d.std());
    assertArrayEquals(new int[] {224, 298}, d.resizeTarget(300, 400)); // int(224 * 400 / 300) = 298
  }

  @Test
  void jsonRoundTripsAndFixtureWriterAgrees(@TempDir Path dir) throws Exception {
    float[] mean = {0.48145466f, 0.4578275f, 0.40821073f};
    float[] std = {0.26862954f, 0.26130258f, 0.27577711f};
    ImagePreprocessor p = ImagePreprocessor.of(48, mean, std);
    assertEquals(p, ImagePreprocessor.fromJson(p.toJson()));
    Path file = dir.resolve("preprocessor_config.json");
    CheckpointFiles.writePreprocessorConfig(file, 48, mean, std);
    ImagePreprocessor back = ImagePreprocessor.read(file);
    assertEquals(p, back);
    for (int c = 0; c < 3; c++) {
      assertEquals(mean[c], (float) back.mean()[c]);
      assertEquals(std[c], (float) back.std()[c]);
    }
    RgbImage img = random(60, 50, 4);
    assertArrayEquals(p.pixelValues(img), back.pixelValues(img));
    assertTrue(Files.readString(file).contains("\"image_processor_type\" : \"CLIPImageProcessor\""));
  }
}
