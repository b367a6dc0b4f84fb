package io.github.vlmlens.spatial.scene;

import io.github.vlmlens.core.API;
import io.github.vlmlens.core.RgbImage;
import io.github.vlmlens.spatial.scene.internal.GaussianBlur;
import io.github.vlmlens.spatial.scene.internal.HueRotation;
import java.util.Objects;

/**
 * Pure, deterministic image transforms for counterfactual inputs: mirrors, hue rotation and the
 * Gaussian blur of a box. Each returns a new image.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1.0")
public final class ImageTransforms {
  private ImageTransforms() {}

  /** The image mirrored left-right: column {@code x} becomes {@code width - 1 - x}. */
  public static RgbImage mirrorLeftRight(RgbImage image) {
    int w = image.width();
    int h = image.height();
    int[] src = image.pixels();
    int[] out = new int[src.length];
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        out[y * w + x] = src[y * w + (w - 1 - x)];
      }
    }
    return RgbImage.of(w, h, out);
  }

  /** The image mirrored top-bottom: row {@code y} becomes {@code height - 1 - y}. */
  public static RgbImage mirrorTopBottom(RgbImage image) {
    int w = image.width();
    int h = image.height();
    int[] src = image.pixels();
    int[] out = new int[src.length];
    for (int y = 0; y < h; y++) {
      System.arraycopy(src, (h - 1 - y) * w, out, y * w, w);
    }
    return RgbImage.of(w, h, out);
  }

  /**
   * Every pixel's hue rotated by {@code degrees} (positive: red towards yellow), keeping each
   * pixel's channel maximum and minimum (its HSV value and saturation).
   *
   * <p>Exact integer arithmetic on the HSV hexagon: a multiple of 60 degrees maps palette
   * colours to palette colours exactly (180 degrees maps each to its partner), rotating by
   * {@code d} then {@code -d}, by 360, or by 180 twice is the identity, and greys (black
   * included) never change. Other angles round the hue position to the nearest of the
   * {@code 6 * chroma} integer steps.
   *
   * @throws IllegalArgumentException when {@code degrees} is not finite
   */
  public static RgbImage rotateHue(RgbImage image, double degrees) {
    return RgbImage.of(image.width(), image.height(), HueRotation.rotate(image.pixels(), degrees));
  }

  /**
   * The image with {@code box} blurred by a Gaussian of standard deviation {@code radius}
   * pixels; every pixel outside the box is unchanged.
   *
   * <p>Convention (as Pillow's {@code GaussianBlur(radius)} applied to the box cropped out of the
   * image and pasted back, the procedure of the paper's 20 px blur at 896 px): {@code radius} is
   * the standard deviation {@code sigma}; the separable kernel has half-width
   * {@code ceil(3 sigma)} and sums to 1; pixels beyond the box's edges are not read, the box's edge
   * pixels are repeated instead; values are rounded half up to 8 bits once. Pillow approximates
   * the Gaussian with box filters, so its pixels differ slightly. The box is clipped to the image.
   *
   * @throws IllegalArgumentException when the radius is negative or not finite, or the box does
   *     not overlap the image
   */
  public static RgbImage blurBox(RgbImage image, PixelBox box, double radius) {
    Objects.requireNonNull(image, "image");
    Objects.requireNonNull(box, "box");
    if (!(radius >= 0) || Double.isInfinite(radius)) {
      throw new IllegalArgumentException("blur radius must be a finite number >= 0, got " + radius);
    }
    int x0 = Math.max(0, box.x());
    int y0 = Math.max(0, box.y());
    int x1 = Math.min(image.width(), box.right());
    int y1 = Math.min(image.height(), box.bottom());
    if (x0 >= x1 || y0 >= y1) {
      throw new IllegalArgumentException(
          "blur box " + box + " does not overlap the " + image.width() + "x" + image.height()
              + " image");
    }
    int[] px = image.pixels();
    GaussianBlur.blurRect(px, image.width(), x0, y0, x1 - x0, y1 - y0, radius);
    return RgbImage.of(image.width(), image.height(), px);
  }
}
