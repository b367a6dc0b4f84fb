package io.github.vlmlens.spatial.scene;

import io.github.vlmlens.core.API;
import io.github.vlmlens.core.RgbImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/** Contact sheets of scenes, for people to look at. */
@API(status = API.Status.EXPERIMENTAL, since = "0.1.0")
public final class ScenePreview {
  private static final int GAP = 2;
  private static final int GAP_RGB = 0x606060;

  private ScenePreview() {}

  /**
   * The images in a grid of {@code columns} columns, row by row, each enlarged {@code scale}
   * times by pixel repetition, on tiles as large as the largest image, separated by grey lines.
   *
   * @throws IllegalArgumentException when there is no image or columns or scale is not positive
   */
  public static RgbImage contactSheet(List<RgbImage> images, int columns, int scale) {
    Objects.requireNonNull(images, "images");
    if (images.isEmpty()) {
      throw new IllegalArgumentException("a contact sheet needs at least one image");
    }
    if (columns <= 0 || scale <= 0) {
      throw new IllegalArgumentException(
          "columns and scale must be positive, got " + columns + " and " + scale);
    }
    int tw = 0;
    int th = 0;
    for (RgbImage im : images) {
      tw = Math.max(tw, im.width() * scale);
      th = Math.max(th, im.height() * scale);
    }
    int cols = Math.min(columns, images.size());
    int rows = (images.size() + cols - 1) / cols;
    int w = cols * tw + (cols + 1) * GAP;
    int h = rows * th + (rows + 1) * GAP;
    int[] out = new int[w * h];
    Arrays.fill(out, GAP_RGB);
    for (int i = 0; i < images.size(); i++) {
      RgbImage im = images.get(i);
      int ox = GAP + (i % cols) * (tw + GAP);
      int oy = GAP + (i / cols) * (th + GAP);
      for (int y = 0; y < th; y++) {
        for (int x = 0; x < tw; x++) {
          int sx = x / scale;
          int sy = y / scale;
          out[(oy + y) * w + ox + x] = sx < im.width() && sy < im.height() ? im.rgb(sx, sy) : 0;
        }
      }
    }
    return RgbImage.of(w, h, out);
  }

  /** Writes {@link #contactSheet(List, int, int)} at scale 1 as a PNG. */
  public static void writeContactSheet(Path file, List<RgbImage> images, int columns)
      throws IOException {
    writeContactSheet(file, images, columns, 1);
  }

  /** Writes {@link #contactSheet(List, int, int)} as a PNG. */
  public static void writeContactSheet(Path file, List<RgbImage> images, int columns, int scale)
      throws IOException {
    contactSheet(images, columns, scale).writePng(file);
  }
}
