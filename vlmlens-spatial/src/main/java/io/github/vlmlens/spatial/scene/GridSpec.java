package io.github.vlmlens.spatial.scene;

import com.google.common.collect.ImmutableList;
import com.google.common.primitives.Doubles;
import io.github.vlmlens.core.API;
import java.util.List;
import java.util.Objects;

/**
 * The geometry of a grid scene: an {@code m x m} grid of square cells filling a square canvas,
 * and the object sizes, each a fraction of the cell side.
 *
 * <p>An object of size index {@code k} is a square sprite of {@link #objectPx(int) objectPx(k)}
 * = {@code round(fraction_k * cellPx)} pixels, placed wholly inside its cell.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1.0")
public final class GridSpec {
  /** The default object sizes, as fractions of the cell: 10, 12 and 14 px on a 16 px cell. */
  public static final List<Double> DEFAULT_SIZES = List.of(0.625, 0.75, 0.875);

  private final int m;
  private final int canvasPx;
  private final ImmutableList<Double> sizes;
  private final int[] sizePx;

  private GridSpec(int m, int canvasPx, List<Double> sizes) {
    this.m = m;
    this.canvasPx = canvasPx;
    this.sizes = ImmutableList.copyOf(sizes);
    int cell = canvasPx / m;
    this.sizePx = new int[sizes.size()];
    for (int i = 0; i < sizePx.length; i++) {
      sizePx[i] = (int) Math.round(sizes.get(i) * cell);
    }
  }

  /**
   * A grid of {@code m x m} cells on a {@code canvasPx}-pixel square canvas with the given object
   * sizes (fractions of the cell side, strictly increasing, in {@code (0, 1]}).
   *
   * @throws IllegalArgumentException when {@code m < 2}, the canvas is not a multiple of
   *     {@code m}, no size is given, or a size is out of range, not increasing, or rounds to fewer
   *     than 1 pixel or to the same pixel size as another
   */
  public static GridSpec of(int m, int canvasPx, List<Double> sizeFractions) {
    Objects.requireNonNull(sizeFractions, "sizeFractions");
    if (m < 2) {
      throw new IllegalArgumentException("a grid needs at least 2 x 2 cells, got m = " + m);
    }
    if (canvasPx <= 0 || canvasPx % m != 0) {
      throw new IllegalArgumentException(
          "the canvas (" + canvasPx + " px) must be a positive multiple of the grid size " + m);
    }
    if (sizeFractions.isEmpty()) {
      throw new IllegalArgumentException("at least one object size is needed");
    }
    int cell = canvasPx / m;
    long previousPx = 0;
    for (int i = 0; i < sizeFractions.size(); i++) {
      double f = sizeFractions.get(i);
      if (!(f > 0 && f <= 1)) {
        throw new IllegalArgumentException(
            "object size " + i + " must be a fraction of the cell in (0, 1], got " + f);
      }
      long px = Math.round(f * cell);
      if (px < 1 || px <= previousPx) {
        throw new IllegalArgumentException(
            "object sizes must be increasing and at least 1 px apart on a " + cell
                + " px cell; size " + i + " (" + f + ") rounds to " + px + " px");
      }
      previousPx = px;
    }
    return new GridSpec(m, canvasPx, sizeFractions);
  }

  /** Like {@link #of(int, int, List)} with sizes given inline. */
  public static GridSpec of(int m, int canvasPx, double... sizeFractions) {
    return of(m, canvasPx, Doubles.asList(sizeFractions));
  }

  /** The tiny model's scenes: 4 x 4 cells of 16 px on a 64 px canvas, {@link #DEFAULT_SIZES}. */
  public static GridSpec tiny() {
    return of(4, 64, DEFAULT_SIZES);
  }

  /** The paper's scenes: 4 x 4 cells of 224 px on an 896 px canvas, {@link #DEFAULT_SIZES}. */
  public static GridSpec paper() {
    return of(4, 896, DEFAULT_SIZES);
  }

  /** The number of rows (and columns), {@code m}. */
  public int gridSize() {
    return m;
  }

  /** The number of cells, {@code m * m}. */
  public int cellCount() {
    return m * m;
  }

  /** The canvas side in pixels. */
  public int canvasPx() {
    return canvasPx;
  }

  /** The cell side in pixels. */
  public int cellPx() {
    return canvasPx / m;
  }

  /** The object sizes as fractions of the cell side. */
  public List<Double> sizeFractions() {
    return sizes;
  }

  /** The number of object sizes. */
  public int sizeCount() {
    return sizes.size();
  }

  /**
   * The sprite side in pixels of size {@code sizeIndex}.
   *
   * @throws IndexOutOfBoundsException naming the valid range
   */
  public int objectPx(int sizeIndex) {
    if (sizeIndex < 0 || sizeIndex >= sizePx.length) {
      throw new IndexOutOfBoundsException(
          "size index " + sizeIndex + " outside 0.." + (sizePx.length - 1));
    }
    return sizePx[sizeIndex];
  }

  /** Whether {@code cell} lies in the grid. */
  public boolean contains(GridCell cell) {
    return cell.row() < m && cell.column() < m;
  }

  /**
   * The cell with row-major index {@code index}.
   *
   * @throws IndexOutOfBoundsException outside {@code 0..m*m-1}
   */
  public GridCell cell(int index) {
    if (index < 0 || index >= m * m) {
      throw new IndexOutOfBoundsException("cell index " + index + " outside 0.." + (m * m - 1));
    }
    return GridCell.of(index / m, index % m);
  }

  /** All cells, row-major. */
  public List<GridCell> cells() {
    ImmutableList.Builder<GridCell> b = ImmutableList.builder();
    for (int i = 0; i < m * m; i++) {
      b.add(cell(i));
    }
    return b.build();
  }

  /** The pixels of {@code cell}. */
  public PixelBox cellBox(GridCell cell) {
    checkCell(cell, "cell");
    int c = cellPx();
    return PixelBox.of(cell.column() * c, cell.row() * c, c, c);
  }

  void checkCell(GridCell cell, String what) {
    Objects.requireNonNull(cell, what);
    if (!contains(cell)) {
      throw new IllegalArgumentException(
          what + " " + cell + " is outside the " + m + " x " + m + " grid");
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof GridSpec
        && ((GridSpec) o).m == m
        && ((GridSpec) o).canvasPx == canvasPx
        && ((GridSpec) o).sizes.equals(sizes);
  }

  @Override
  public int hashCode() {
    return Objects.hash(m, canvasPx, sizes);
  }

  @Override
  public String toString() {
    return "GridSpec[" + m + "x" + m + ", " + canvasPx + " px, sizes " + sizes + "]";
  }
}
