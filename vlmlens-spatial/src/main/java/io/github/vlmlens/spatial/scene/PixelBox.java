package io.github.vlmlens.spatial.scene;

import io.github.vlmlens.core.API;

/** An axis-aligned rectangle of whole pixels: {@code [x, x + width) x [y, y + height)}. */
@API(status = API.Status.EXPERIMENTAL, since = "0.1.0")
public final class PixelBox {
  private final int x;
  private final int y;
  private final int width;
  private final int height;

  private PixelBox(int x, int y, int width, int height) {
    this.x = x;
    this.y = y;
    this.width = width;
    this.height = height;
  }

  /**
   * The box with top-left pixel {@code (x, y)}.
   *
   * @throws IllegalArgumentException when the width or height is not positive
   */
  public static PixelBox of(int x, int y, int width, int height) {
    if (width <= 0 || height <= 0) {
      throw new IllegalArgumentException(
          "box size must be positive, got " + width + "x" + height + " at (" + x + ", " + y + ")");
    }
    return new PixelBox(x, y, width, height);
  }

  /** The leftmost column. */
  public int x() {
    return x;
  }

  /** The top row. */
  public int y() {
    return y;
  }

  /** The width in pixels. */
  public int width() {
    return width;
  }

  /** The height in pixels. */
  public int height() {
    return height;
  }

  /** One past the rightmost column. */
  public int right() {
    return x + width;
  }

  /** One past the bottom row. */
  public int bottom() {
    return y + height;
  }

  /** The horizontal centre, in pixel coordinates ({@code x + width / 2}). */
  public double centerX() {
    return x + width / 2.0;
  }

  /** The vertical centre, in pixel coordinates ({@code y + height / 2}). */
  public double centerY() {
    return y + height / 2.0;
  }

  /** Whether pixel {@code (px, py)} lies in the box. */
  public boolean contains(int px, int py) {
    return px >= x && px < x + width && py >= y && py < y + height;
  }

  /** Whether the two boxes share at least one pixel. */
  public boolean intersects(PixelBox o) {
    return x < o.right() && o.x < right() && y < o.bottom() && o.y < bottom();
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof PixelBox)) {
      return false;
    }
    PixelBox b = (PixelBox) o;
    return x == b.x && y == b.y && width == b.width && height == b.height;
  }

  @Override
  public int hashCode() {
    return ((31 * x + y) * 31 + width) * 31 + height;
  }

  /** {@code [x, y, width x height]}. */
  @Override
  public String toString() {
    return "[" + x + ", " + y + ", " + width + "x" + height + "]";
  }
}
