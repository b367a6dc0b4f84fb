package io.github.vlmlens.spatial.scene.internal;

/**
 * Separable Gaussian blur of one rectangle of a packed RGB image.
 *
 * <p>The radius is the standard deviation {@code sigma} in pixels (Pillow's
 * {@code GaussianBlur(radius)} convention); the kernel has half-width {@code ceil(3 sigma)} and is
 * normalised to sum 1. The rectangle is blurred as if cut out of the image: samples beyond its
 * edges repeat its edge pixels, so pixels outside the rectangle are neither read nor written.
 * Each pass keeps full double precision; the result is rounded half up to 8 bits once, at the end.
 */
public final class GaussianBlur {
  private GaussianBlur() {}

  /** The normalised kernel for {@code sigma > 0}: {@code 2 * ceil(3 sigma) + 1} weights. */
  public static double[] kernel(double sigma) {
    int half = (int) Math.ceil(3 * sigma);
    double[] k = new double[2 * half + 1];
    double sum = 0;
    for (int i = -half; i <= half; i++) {
      double w = StrictMath.exp(-(double) i * i / (2 * sigma * sigma));
      k[i + half] = w;
      sum += w;
    }
    for (int i = 0; i < k.length; i++) {
      k[i] /= sum;
    }
    return k;
  }

  /**
   * Blurs {@code [x0, x0 + w) x [y0, y0 + h)} of {@code pixels} (row-major, {@code width} wide) in
   * place. The rectangle must lie inside the image.
   */
  public static void blurRect(int[] pixels, int width, int x0, int y0, int w, int h, double sigma) {
    if (sigma <= 0 || w <= 0 || h <= 0) {
      return;
    }
    double[] k = kernel(sigma);
    int half = k.length / 2;
    double[][] ch = new double[3][w * h];
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        int p = pixels[(y0 + y) * width + x0 + x];
        ch[0][y * w + x] = (p >> 16) & 0xFF;
        ch[1][y * w + x] = (p >> 8) & 0xFF;
        ch[2][y * w + x] = p & 0xFF;
      }
    }
    double[] tmp = new double[w * h];
    for (int c = 0; c < 3; c++) {
      double[] src = ch[c];
      for (int y = 0; y < h; y++) {
        for (int x = 0; x < w; x++) {
          double s = 0;
          for (int i = -half; i <= half; i++) {
            int xx = Math.min(w - 1, Math.max(0, x + i));
            s += k[i + half] * src[y * w + xx];
          }
          tmp[y * w + x] = s;
        }
      }
      for (int y = 0; y < h; y++) {
        for (int x = 0; x < w; x++) {
          double s = 0;
          for (int i = -half; i <= half; i++) {
            int yy = Math.min(h - 1, Math.max(0, y + i));
            s += k[i + half] * tmp[yy * w + x];
          }
          src[y * w + x] = s;
        }
      }
    }
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        int i = y * w + x;
        pixels[(y0 + y) * width + x0 + x] =
            (toByte(ch[0][i]) << 16) | (toByte(ch[1][i]) << 8) | toByte(ch[2][i]);
      }
    }
  }

  private static int toByte(double v) {
    return (int) Math.max(0, Math.min(255, Math.floor(v + 0.5)));
  }
}
