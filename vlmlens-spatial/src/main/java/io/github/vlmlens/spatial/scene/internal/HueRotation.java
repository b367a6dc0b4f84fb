package io.github.vlmlens.spatial.scene.internal;

/**
 * Exact integer hue rotation on the HSV hexagon.
 *
 * <p>A pixel with channel maximum {@code max}, minimum {@code min} and chroma
 * {@code c = max - min} sits at an integer position {@code p} in {@code [0, 6c)} on the hexagon's
 * perimeter (red 0, yellow {@code c}, green {@code 2c}, cyan {@code 3c}, blue {@code 4c}, magenta
 * {@code 5c}); a rotation by {@code d} degrees moves it by {@code c * d / 60}, rounded half away
 * from zero, and rebuilds the pixel with the same maximum and minimum (so HSV value and saturation
 * are kept). Rotations by multiples of 60 degrees are exact, a rotation by {@code d} followed by
 * {@code -d} is the identity, greys and black never change.
 */
public final class HueRotation {
  private HueRotation() {}

  /** One packed {@code 0xRRGGBB} pixel rotated by {@code degrees}. */
  public static int rotate(int rgb, double degrees) {
    int r = (rgb >> 16) & 0xFF;
    int g = (rgb >> 8) & 0xFF;
    int b = rgb & 0xFF;
    int max = Math.max(r, Math.max(g, b));
    int min = Math.min(r, Math.min(g, b));
    int c = max - min;
    if (c == 0) {
      return rgb & 0xFFFFFF;
    }
    int p;
    if (r == max) {
      p = g >= b ? g - b : 6 * c - (b - g);
    } else if (g == max) {
      p = 2 * c + (b - r);
    } else {
      p = 4 * c + (r - g);
    }
    double exact = c * degrees / 60.0;
    long shift = exact >= 0 ? (long) Math.floor(exact + 0.5) : -(long) Math.floor(-exact + 0.5);
    int q = (int) Math.floorMod(p + shift, 6L * c);
    int sector = q / c;
    int f = q % c;
    int nr;
    int ng;
    int nb;
    switch (sector) {
      case 0:
        nr = max;
        ng = min + f;
        nb = min;
        break;
      case 1:
        nr = max - f;
        ng = max;
        nb = min;
        break;
      case 2:
        nr = min;
        ng = max;
        nb = min + f;
        break;
      case 3:
        nr = min;
        ng = max - f;
        nb = max;
        break;
      case 4:
        nr = min + f;
        ng = min;
        nb = max;
        break;
      default:
        nr = max;
        ng = min;
        nb = max - f;
        break;
    }
    return (nr << 16) | (ng << 8) | nb;
  }

  /** Every pixel rotated by {@code degrees}; a new array. */
  public static int[] rotate(int[] pixels, double degrees) {
    if (!Double.isFinite(degrees)) {
      throw new IllegalArgumentException("hue rotation must be a finite number of degrees, got " + degrees);
    }
    int[] out = new int[pixels.length];
    for (int i = 0; i < pixels.length; i++) {
      out[i] = rotate(pixels[i], degrees);
    }
    return out;
  }
}
