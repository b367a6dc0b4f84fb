package io.github.vlmlens.spatial.real;

import io.github.vlmlens.core.API;
import java.util.List;

/**
 * An object's bounding box in image pixels, COCO's {@code [x, y, width, height]}: the top-left
 * corner and the size, real numbers.
 *
 * @param x the left edge
 * @param y the top edge
 * @param width the width, positive
 * @param height the height, positive
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1.0")
public record ObjectBox(double x, double y, double width, double height) {
  /**
   * Checks the box.
   *
   * @throws IllegalArgumentException for a size that is not positive or a value that is not finite
   */
  public ObjectBox {
    if (!Double.isFinite(x) || !Double.isFinite(y) || !(width > 0) || !(height > 0)
        || !Double.isFinite(width) || !Double.isFinite(height)) {
      throw new IllegalArgumentException(
          "a box needs finite x, y and a positive width and height, got [" + x + ", " + y + ", " + width
              + ", " + height + "]");
    }
  }

  /**
   * A box from COCO's {@code [x, y, width, height]}.
   *
   * @throws IllegalArgumentException for another length or an invalid box
   */
  public static ObjectBox ofXywh(List<? extends Number> xywh) {
    if (xywh == null || xywh.size() != 4) {
      throw new IllegalArgumentException("a box is [x, y, width, height], got " + xywh);
    }
    return new ObjectBox(
        xywh.get(0).doubleValue(), xywh.get(1).doubleValue(), xywh.get(2).doubleValue(), xywh.get(3).doubleValue());
  }

  /** The horizontal centre. */
  public double centerX() {
    return x + width / 2;
  }

  /** The vertical centre. */
  public double centerY() {
    return y + height / 2;
  }

  /** The area. */
  public double area() {
    return width * height;
  }

  /** Whether the two boxes share any area. */
  public boolean overlaps(ObjectBox o) {
    return x < o.x + o.width && o.x < x + width && y < o.y + o.height && o.y < y + height;
  }
}
