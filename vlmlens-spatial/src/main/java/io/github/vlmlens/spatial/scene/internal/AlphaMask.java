package io.github.vlmlens.spatial.scene.internal;

import java.util.Arrays;

/**
 * A user-supplied object mask: the alpha channel of an image, cropped to the bounding box of its
 * non-transparent pixels.
 *
 * <p>Rasterising to {@code size} scales the crop so that its longer side is {@code size} pixels
 * (aspect ratio kept, centred, rounding down the leading margin) by exact integer area sampling: a
 * target pixel is covered when the area-weighted mean alpha of the source pixels under it is at
 * least half of 255. Integer arithmetic only, so the result is the same on every machine.
 */
public final class AlphaMask implements MaskSource {
  private final int width;
  private final int height;
  private final int[] alpha;

  private AlphaMask(int width, int height, int[] alpha) {
    this.width = width;
    this.height = height;
    this.alpha = alpha;
  }

  /**
   * A mask from row-major alpha values {@code 0..255} of a {@code width x height} image.
   *
   * @throws IllegalArgumentException when every pixel is fully transparent
   */
  public static AlphaMask of(int width, int height, int[] alpha) {
    int minX = width;
    int minY = height;
    int maxX = -1;
    int maxY = -1;
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        if (alpha[y * width + x] > 0) {
          minX = Math.min(minX, x);
          maxX = Math.max(maxX, x);
          minY = Math.min(minY, y);
          maxY = Math.max(maxY, y);
        }
      }
    }
    if (maxX < 0) {
      throw new IllegalArgumentException("every pixel is fully transparent (alpha 0)");
    }
    int w = maxX - minX + 1;
    int h = maxY - minY + 1;
    int[] crop = new int[w * h];
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        crop[y * w + x] = alpha[(minY + y) * width + minX + x];
      }
    }
    return new AlphaMask(w, h, crop);
  }

  /** The width of the cropped mask. */
  public int width() {
    return width;
  }

  /** The height of the cropped mask. */
  public int height() {
    return height;
  }

  @Override
  public boolean[] rasterise(int size) {
    if (size <= 0) {
      throw new IllegalArgumentException("sprite size must be positive, got " + size);
    }
    int tw = width >= height ? size : Math.max(1, (int) ((2L * size * width + height) / (2L * height)));
    int th = height >= width ? size : Math.max(1, (int) ((2L * size * height + width) / (2L * width)));
    int left = (size - tw) / 2;
    int top = (size - th) / 2;
    boolean[] mask = new boolean[size * size];
    long[] rowSum = new long[width];
    for (int ty = 0; ty < th; ty++) {
      // Target row ty covers [ty * height, (ty + 1) * height) in units where a source row covers th.
      long y0 = (long) ty * height;
      long y1 = y0 + height;
      Arrays.fill(rowSum, 0);
      for (int sy = (int) (y0 / th); sy < height && (long) sy * th < y1; sy++) {
        long oy = Math.min(y1, (long) (sy + 1) * th) - Math.max(y0, (long) sy * th);
        if (oy <= 0) {
          continue;
        }
        for (int sx = 0; sx < width; sx++) {
          rowSum[sx] += oy * alpha[sy * width + sx];
        }
      }
      for (int tx = 0; tx < tw; tx++) {
        long x0 = (long) tx * width;
        long x1 = x0 + width;
        long sum = 0;
        for (int sx = (int) (x0 / tw); sx < width && (long) sx * tw < x1; sx++) {
          long ox = Math.min(x1, (long) (sx + 1) * tw) - Math.max(x0, (long) sx * tw);
          if (ox > 0) {
            sum += ox * rowSum[sx];
          }
        }
        // Area of the target pixel in these units: width * height.
        mask[(top + ty) * size + left + tx] = 2 * sum >= 255L * width * height;
      }
    }
    return mask;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof AlphaMask
        && ((AlphaMask) o).width == width
        && ((AlphaMask) o).height == height
        && Arrays.equals(((AlphaMask) o).alpha, alpha);
  }

  @Override
  public int hashCode() {
    return 31 * (31 * width + height) + Arrays.hashCode(alpha);
  }
}
