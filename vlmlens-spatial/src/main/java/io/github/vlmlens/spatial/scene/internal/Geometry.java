package io.github.vlmlens.spatial.scene.internal;

/**
 * Point-in-shape tests on the unit square ({@code u} to the right, {@code v} down), in plain IEEE
 * double arithmetic (strict in Java 17) and {@link StrictMath}, so results are identical on every
 * machine.
 */
final class Geometry {
  private Geometry() {}

  static boolean inDisc(double u, double v, double cu, double cv, double r) {
    double du = u - cu;
    double dv = v - cv;
    return du * du + dv * dv <= r * r;
  }

  static boolean inRect(double u, double v, double u0, double v0, double u1, double v1) {
    return u >= u0 && u <= u1 && v >= v0 && v <= v1;
  }

  /** Even-odd rule; {@code poly} holds {@code u0, v0, u1, v1, ...}. */
  static boolean inPolygon(double u, double v, double[] poly) {
    boolean inside = false;
    int n = poly.length / 2;
    for (int i = 0, j = n - 1; i < n; j = i++) {
      double ui = poly[2 * i];
      double vi = poly[2 * i + 1];
      double uj = poly[2 * j];
      double vj = poly[2 * j + 1];
      if ((vi > v) != (vj > v)) {
        double cross = (uj - ui) * (v - vi) / (vj - vi) + ui;
        if (u < cross) {
          inside = !inside;
        }
      }
    }
    return inside;
  }

  /** A regular star (or polygon when {@code inner == outer}) with its first point straight up. */
  static double[] star(double cu, double cv, double outer, double inner, int points) {
    double[] poly = new double[4 * points];
    for (int k = 0; k < 2 * points; k++) {
      double r = k % 2 == 0 ? outer : inner;
      double a = -StrictMath.PI / 2 + k * StrictMath.PI / points;
      poly[2 * k] = cu + r * StrictMath.cos(a);
      poly[2 * k + 1] = cv + r * StrictMath.sin(a);
    }
    return poly;
  }
}
