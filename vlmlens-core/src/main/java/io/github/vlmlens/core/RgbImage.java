package io.github.vlmlens.core;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Objects;
import javax.imageio.ImageIO;

/**
 * An immutable 8-bit RGB image, row-major, each pixel packed as {@code 0xRRGGBB}.
 *
 * <p>The model-agnostic image type of vlmlens: backends turn it into pixel values with the
 * checkpoint's preprocessing; the synthetic data generators produce it.
 */
@API(status = API.Status.STABLE, since = "0.1.0")
public final class RgbImage {
  private final int width;
  private final int height;
  private final int[] rgb;

  private RgbImage(int width, int height, int[] rgb) {
    this.width = width;
    this.height = height;
    this.rgb = rgb;
  }

  /**
   * An image from packed {@code 0xRRGGBB} pixels in row-major order (alpha bits are dropped).
   *
   * @throws IllegalArgumentException when the sizes are not positive or the array length is not
   *     {@code width * height}
   */
  public static RgbImage of(int width, int height, int[] packedRgb) {
    Objects.requireNonNull(packedRgb, "packedRgb");
    if (width <= 0 || height <= 0) {
      throw new IllegalArgumentException("image size must be positive, got " + width + "x" + height);
    }
    if ((long) width * height > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException(
          "image size " + width + "x" + height + " is " + (long) width * height
              + " pixels, more than a Java array holds");
    }
    if (packedRgb.length != width * height) {
      throw new IllegalArgumentException(
          "expected " + width * height + " pixels for " + width + "x" + height + ", got "
              + packedRgb.length);
    }
    int[] copy = new int[packedRgb.length];
    for (int i = 0; i < copy.length; i++) {
      copy[i] = packedRgb[i] & 0xFFFFFF;
    }
    return new RgbImage(width, height, copy);
  }

  /** A black image. */
  public static RgbImage black(int width, int height) {
    if (width <= 0 || height <= 0 || (long) width * height > Integer.MAX_VALUE - 8) {
      return of(width, height, new int[0]); // the checks of of() name the problem
    }
    return of(width, height, new int[width * height]);
  }

  /** A copy of an AWT image (alpha is dropped, not composited). */
  public static RgbImage fromBufferedImage(BufferedImage image) {
    int w = image.getWidth();
    int h = image.getHeight();
    return of(w, h, image.getRGB(0, 0, w, h, null, 0, w));
  }

  /**
   * Reads a PNG, JPEG or other image that {@link ImageIO} understands.
   *
   * @throws IOException naming the file when it cannot be read or is not an image
   */
  public static RgbImage read(Path file) throws IOException {
    BufferedImage img;
    try (var in = Files.newInputStream(file)) {
      img = ImageIO.read(in);
    }
    if (img == null) {
      throw new IOException(file + " is not an image format that javax.imageio can read");
    }
    return fromBufferedImage(img);
  }

  /** Writes the image as PNG. */
  public void writePng(Path file) throws IOException {
    if (!ImageIO.write(toBufferedImage(), "png", file.toFile())) {
      throw new IOException("no PNG writer available for " + file);
    }
  }

  /** The width in pixels. */
  public int width() {
    return width;
  }

  /** The height in pixels. */
  public int height() {
    return height;
  }

  /** The packed {@code 0xRRGGBB} pixel at column {@code x}, row {@code y}. */
  public int rgb(int x, int y) {
    if (x < 0 || x >= width || y < 0 || y >= height) {
      throw new IndexOutOfBoundsException(
          "pixel (" + x + ", " + y + ") outside " + width + "x" + height);
    }
    return rgb[y * width + x];
  }

  /** A copy of all pixels, row-major, packed {@code 0xRRGGBB}. */
  public int[] pixels() {
    return rgb.clone();
  }

  /** The pixels without a copy, for this package's hashing; never modified. */
  int[] pixelsView() {
    return rgb;
  }

  /** An AWT copy of this image ({@code TYPE_INT_RGB}). */
  public BufferedImage toBufferedImage() {
    BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    img.setRGB(0, 0, width, height, rgb, 0, width);
    return img;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof RgbImage
        && ((RgbImage) o).width == width
        && ((RgbImage) o).height == height
        && Arrays.equals(((RgbImage) o).rgb, rgb);
  }

  @Override
  public int hashCode() {
    return 31 * (31 * width + height) + Arrays.hashCode(rgb);
  }

  @Override
  public String toString() {
    return "RgbImage[" + width + "x" + height + "]";
  }
}
