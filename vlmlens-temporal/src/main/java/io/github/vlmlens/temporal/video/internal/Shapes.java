package io.github.vlmlens.temporal.video.internal;

/**
 * Point-in-shape tests on the unit square ({@code u} to the right, {@code v} down) and their
 * rasterisation: a pixel of a {@code size x size} sprite is covered when its centre
 * {@code ((x + 0.5) / size, (y + 0.5) / size)} is inside. No anti-aliasing, so masks are exact and
 * the same on every machine.
 */
public final class Shapes {
  private Shapes() {}

  /** A shape on the unit square. */
  @FunctionalInterface
  public interface Shape {
    /** Whether the point lies inside. */
    boolean inside(double u, double v);
  }

  /** The shape's mask at {@code size x size}, row-major. */
  public static boolean[] rasterise(Shape shape, int size) {
    boolean[] m = new boolean[size * size];
    for (int y = 0; y < size; y++) {
      for (int x = 0; x < size; x++) {
        m[y * size + x] = shape.inside((x + 0.5) / size, (y + 0.5) / size);
      }
    }
    return m;
  }

  /** A disc. */
  public static boolean disc(double u, double v, double cu, double cv, double r) {
    double du = u - cu;
    double dv = v - cv;
    return du * du + dv * dv <= r * r;
  }

  /** An axis-aligned rectangle, edges included. */
  public static boolean rect(double u, double v, double u0, double v0, double u1, double v1) {
    return u >= u0 && u <= u1 && v >= v0 && v <= v1;
  }

  /** A triangle (vertices in any order). */
  public static boolean triangle(
      double u, double v, double u0, double v0, double u1, double v1, double u2, double v2) {
    double d1 = side(u, v, u0, v0, u1, v1);
    double d2 = side(u, v, u1, v1, u2, v2);
    double d3 = side(u, v, u2, v2, u0, v0);
    boolean neg = d1 < 0 || d2 < 0 || d3 < 0;
    boolean pos = d1 > 0 || d2 > 0 || d3 > 0;
    return !(neg && pos);
  }

  private static double side(double u, double v, double u0, double v0, double u1, double v1) {
    return (u - u1) * (v0 - v1) - (u0 - u1) * (v - v1);
  }
}
