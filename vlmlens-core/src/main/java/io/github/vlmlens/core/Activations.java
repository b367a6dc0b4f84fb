package io.github.vlmlens.core;

import java.util.Arrays;
import java.util.Objects;

/**
 * The captured vectors of one hook point in one run: one float vector per captured position,
 * held on the host.
 */
@API(status = API.Status.STABLE, since = "0.1.0")
public final class Activations {
  private final HookPoint point;
  private final int[] positions;
  private final int width;
  private final float[] data;

  private Activations(HookPoint point, int[] positions, int width, float[] data) {
    this.point = point;
    this.positions = positions;
    this.width = width;
    this.data = data;
  }

  /**
   * Vectors of {@code width} floats for the given positions, row after row in {@code data}.
   *
   * @throws IllegalArgumentException when {@code data} is not {@code positions.length * width}
   *     long
   */
  public static Activations of(HookPoint point, int[] positions, int width, float[] data) {
    Objects.requireNonNull(point, "point");
    if (width <= 0 || data.length != (long) positions.length * width) {
      throw new IllegalArgumentException(
          point + ": " + positions.length + " positions x width " + width + " needs "
              + (long) positions.length * width + " floats, got " + data.length);
    }
    return new Activations(point, positions.clone(), width, data.clone());
  }

  /**
   * The same vectors filed under another hook point of the same row width, without a copy: to
   * patch one point from another's capture (e.g. every cross-attention block's
   * {@code lm.L.cross_states} from {@code projector.out}).
   */
  public Activations at(HookPoint other) {
    return new Activations(Objects.requireNonNull(other, "other"), positions, width, data);
  }

  /** The hook point these vectors were captured at. */
  public HookPoint point() {
    return point;
  }

  /** The captured positions, in capture order. */
  public int[] positions() {
    return positions.clone();
  }

  /** The vector width (hidden size). */
  public int width() {
    return width;
  }

  /** Whether a position was captured. */
  public boolean has(int position) {
    return indexOf(position) >= 0;
  }

  /**
   * The vector at a sequence position.
   *
   * @throws IllegalArgumentException naming the hook point and position when it was not captured
   */
  public float[] vector(int position) {
    int i = indexOf(position);
    if (i < 0) {
      throw new IllegalArgumentException(
          "position " + position + " was not captured at " + point + "; captured: "
              + abbreviate(positions));
    }
    return Arrays.copyOfRange(data, i * width, (i + 1) * width);
  }

  /** All vectors, one row per captured position in capture order. */
  public float[][] matrix() {
    float[][] m = new float[positions.length][];
    for (int i = 0; i < positions.length; i++) {
      m[i] = Arrays.copyOfRange(data, i * width, (i + 1) * width);
    }
    return m;
  }

  /** All vectors flattened row-major (a copy). */
  public float[] flat() {
    return data.clone();
  }

  private int indexOf(int position) {
    for (int i = 0; i < positions.length; i++) {
      if (positions[i] == position) {
        return i;
      }
    }
    return -1;
  }

  private static String abbreviate(int[] a) {
    if (a.length <= 12) {
      return Arrays.toString(a);
    }
    return "[" + a[0] + ", " + a[1] + ", ..., " + a[a.length - 1] + "] (" + a.length + " positions)";
  }

  @Override
  public String toString() {
    return "Activations[" + point + ", " + positions.length + " x " + width + "]";
  }
}
