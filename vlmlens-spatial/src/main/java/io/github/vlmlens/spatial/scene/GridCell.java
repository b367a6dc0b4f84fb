package io.github.vlmlens.spatial.scene;

import io.github.vlmlens.core.API;

/** A cell of a scene grid: row 0 is the top row, column 0 the leftmost column. */
@API(status = API.Status.EXPERIMENTAL, since = "0.1.0")
public final class GridCell implements Comparable<GridCell> {
  private final int row;
  private final int column;

  private GridCell(int row, int column) {
    this.row = row;
    this.column = column;
  }

  /**
   * The cell at {@code row}, {@code column}.
   *
   * @throws IllegalArgumentException for a negative row or column
   */
  public static GridCell of(int row, int column) {
    if (row < 0 || column < 0) {
      throw new IllegalArgumentException("grid cell (" + row + ", " + column + ") is negative");
    }
    return new GridCell(row, column);
  }

  /** The row, 0 at the top. */
  public int row() {
    return row;
  }

  /** The column, 0 at the left. */
  public int column() {
    return column;
  }

  /** Row-major index in an {@code m x m} grid: {@code row * m + column}. */
  public int index(int m) {
    return row * m + column;
  }

  /** Orders row-major. */
  @Override
  public int compareTo(GridCell o) {
    return row != o.row ? Integer.compare(row, o.row) : Integer.compare(column, o.column);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof GridCell && ((GridCell) o).row == row && ((GridCell) o).column == column;
  }

  @Override
  public int hashCode() {
    return 31 * row + column;
  }

  /** {@code (row, column)}. */
  @Override
  public String toString() {
    return "(" + row + ", " + column + ")";
  }
}
