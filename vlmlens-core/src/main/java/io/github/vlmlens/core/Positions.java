package io.github.vlmlens.core;

import java.util.Arrays;
import java.util.Collection;
import java.util.stream.IntStream;

/**
 * Which token positions of an activation an intervention or capture touches: all of them, or an
 * explicit ordered list without repeats.
 */
@API(status = API.Status.STABLE, since = "0.1.0")
public final class Positions {
  private static final Positions ALL = new Positions(null);

  private final int[] indexes;

  private Positions(int[] indexes) {
    this.indexes = indexes;
  }

  /** Every position of the activation. */
  public static Positions all() {
    return ALL;
  }

  /**
   * The given positions, in the given order.
   *
   * @throws IllegalArgumentException for a negative or repeated position
   */
  public static Positions of(int... positions) {
    int[] copy = positions.clone();
    int[] sorted = copy.clone();
    Arrays.sort(sorted);
    for (int i = 0; i < sorted.length; i++) {
      if (sorted[i] < 0) {
        throw new IllegalArgumentException("negative position " + sorted[i]);
      }
      if (i > 0 && sorted[i] == sorted[i - 1]) {
        throw new IllegalArgumentException("position " + sorted[i] + " given twice");
      }
    }
    return new Positions(copy);
  }

  /** The given positions, in iteration order. */
  public static Positions of(Collection<Integer> positions) {
    return of(positions.stream().mapToInt(Integer::intValue).toArray());
  }

  /** Positions {@code start} (inclusive) to {@code end} (exclusive). */
  public static Positions range(int start, int end) {
    return of(IntStream.range(start, end).toArray());
  }

  /** Whether this means every position. */
  public boolean isAll() {
    return indexes == null;
  }

  /**
   * The concrete positions in a sequence of {@code length}.
   *
   * @throws IndexOutOfBoundsException naming the position and the length when one is outside
   */
  public int[] resolve(int length) {
    if (indexes == null) {
      return IntStream.range(0, length).toArray();
    }
    for (int p : indexes) {
      if (p >= length) {
        throw new IndexOutOfBoundsException(
            "position " + p + " outside an activation of " + length + " positions");
      }
    }
    return indexes.clone();
  }

  /** The number of explicit positions; {@code -1} for {@link #all()}. */
  public int size() {
    return indexes == null ? -1 : indexes.length;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Positions && Arrays.equals(((Positions) o).indexes, indexes);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(indexes);
  }

  @Override
  public String toString() {
    return indexes == null ? "all" : Arrays.toString(indexes);
  }
}
