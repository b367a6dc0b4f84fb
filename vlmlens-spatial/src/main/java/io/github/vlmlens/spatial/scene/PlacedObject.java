package io.github.vlmlens.spatial.scene;

import io.github.vlmlens.core.API;
import java.util.Objects;

/**
 * One object of a {@link Placement}: what it is, its cell, its colour and where its square sprite
 * sits inside the cell.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1.0")
public final class PlacedObject {
  private final SceneObject object;
  private final GridCell cell;
  private final PaletteColor color;
  private final int offsetX;
  private final int offsetY;
  private final PixelBox box;

  private PlacedObject(
      SceneObject object, GridCell cell, PaletteColor color, int offsetX, int offsetY, PixelBox box) {
    this.object = object;
    this.cell = cell;
    this.color = color;
    this.offsetX = offsetX;
    this.offsetY = offsetY;
    this.box = box;
  }

  static PlacedObject of(
      GridSpec grid, int sizePx, SceneObject object, GridCell cell, PaletteColor color,
      int offsetX, int offsetY, String which) {
    Objects.requireNonNull(object, which);
    Objects.requireNonNull(color, which + " colour");
    grid.checkCell(cell, which + "'s cell");
    int free = grid.cellPx() - sizePx;
    if (offsetX < 0 || offsetX > free || offsetY < 0 || offsetY > free) {
      throw new IllegalArgumentException(
          which + " (" + object.name() + ") offset (" + offsetX + ", " + offsetY
              + ") puts its " + sizePx + " px sprite outside its " + grid.cellPx()
              + " px cell; offsets must lie in 0.." + free);
    }
    PixelBox cellBox = grid.cellBox(cell);
    PixelBox box = PixelBox.of(cellBox.x() + offsetX, cellBox.y() + offsetY, sizePx, sizePx);
    return new PlacedObject(object, cell, color, offsetX, offsetY, box);
  }

  /** The kind of object. */
  public SceneObject object() {
    return object;
  }

  /** Its word in questions: {@code object().name()}. */
  public String word() {
    return object.name();
  }

  /** Its grid cell. */
  public GridCell cell() {
    return cell;
  }

  /** The colour it is painted in. */
  public PaletteColor color() {
    return color;
  }

  /** The sprite's left edge, in pixels from the cell's left edge. */
  public int offsetX() {
    return offsetX;
  }

  /** The sprite's top edge, in pixels from the cell's top edge. */
  public int offsetY() {
    return offsetY;
  }

  /** The sprite's square on the canvas (the mask lies inside it). */
  public PixelBox box() {
    return box;
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof PlacedObject)) {
      return false;
    }
    PlacedObject p = (PlacedObject) o;
    return object.equals(p.object)
        && cell.equals(p.cell)
        && color == p.color
        && offsetX == p.offsetX
        && offsetY == p.offsetY
        && box.equals(p.box);
  }

  @Override
  public int hashCode() {
    return Objects.hash(object, cell, color, offsetX, offsetY, box);
  }

  /** For example {@code red ball@(0, 1)+(3, 2)}. */
  @Override
  public String toString() {
    return color.word() + " " + object.name() + "@" + cell + "+(" + offsetX + ", " + offsetY + ")";
  }
}
