package io.github.vlmlens.spatial.scene;

import com.google.common.collect.ImmutableList;
import io.github.vlmlens.core.API;
import io.github.vlmlens.core.RgbImage;
import io.github.vlmlens.spatial.scene.internal.Sprites;
import java.util.List;
import java.util.Objects;
import java.util.Random;

/**
 * A two-object grid scene: object A in one cell and object B in another, both at the same size,
 * each at an offset inside its cell and in a palette colour, on a black canvas.
 *
 * <p>The question builders ask where B is relative to A. {@link #render()} draws the scene; the
 * mirror and hue methods give the placement of the transformed scene, so that, for example,
 * {@code p.mirrorLeftRight().render()} equals {@code ImageTransforms.mirrorLeftRight(p.render())}
 * pixel for pixel (the sprites themselves are drawn mirrored, see {@link #flippedLeftRight()}).
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1.0")
public final class Placement {
  private final GridSpec grid;
  private final int sizeIndex;
  private final PlacedObject a;
  private final PlacedObject b;
  private final boolean flipX;
  private final boolean flipY;

  private Placement(
      GridSpec grid, int sizeIndex, PlacedObject a, PlacedObject b, boolean flipX, boolean flipY) {
    this.grid = grid;
    this.sizeIndex = sizeIndex;
    this.a = a;
    this.b = b;
    this.flipX = flipX;
    this.flipY = flipY;
  }

  /**
   * A placement with both objects centred in their cells (offset {@code (cellPx - sizePx) / 2},
   * rounded down) in their default colours.
   *
   * @throws IllegalArgumentException when the objects share a name, the cells are equal or
   *     outside the grid
   * @throws IndexOutOfBoundsException when the size index is not one of the grid's
   */
  public static Placement of(
      GridSpec grid, SceneObject a, GridCell aCell, SceneObject b, GridCell bCell, int sizeIndex) {
    Objects.requireNonNull(grid, "grid");
    Objects.requireNonNull(a, "object A");
    Objects.requireNonNull(b, "object B");
    if (a.name().equals(b.name())) {
      throw new IllegalArgumentException(
          "objects A and B must differ; both are '" + a.name() + "'");
    }
    grid.checkCell(aCell, "A's cell");
    grid.checkCell(bCell, "B's cell");
    if (aCell.equals(bCell)) {
      throw new IllegalArgumentException(
          "A (" + a.name() + ") and B (" + b.name() + ") cannot share cell " + aCell);
    }
    int s = grid.objectPx(sizeIndex);
    int centre = (grid.cellPx() - s) / 2;
    return new Placement(
        grid,
        sizeIndex,
        PlacedObject.of(grid, s, a, aCell, a.defaultColor(), centre, centre, "A"),
        PlacedObject.of(grid, s, b, bCell, b.defaultColor(), centre, centre, "B"),
        false,
        false);
  }

  /**
   * For spatial-ID extraction: A fixed in {@code aCell}, B in every other cell at every size,
   * centred, default colours. Ordered by B's cell (row-major), then size: {@code (m*m - 1) * k}
   * placements for {@code k} sizes.
   */
  public static List<Placement> enumerateForCell(
      GridSpec grid, SceneObject a, SceneObject b, GridCell aCell) {
    grid.checkCell(aCell, "A's cell");
    ImmutableList.Builder<Placement> out = ImmutableList.builder();
    for (GridCell bCell : grid.cells()) {
      if (bCell.equals(aCell)) {
        continue;
      }
      for (int k = 0; k < grid.sizeCount(); k++) {
        out.add(of(grid, a, aCell, b, bCell, k));
      }
    }
    return out.build();
  }

  /**
   * {@link #enumerateForCell} for every A cell in row-major order:
   * {@code m*m * (m*m - 1) * k} placements.
   */
  public static List<Placement> enumerateAll(GridSpec grid, SceneObject a, SceneObject b) {
    ImmutableList.Builder<Placement> out = ImmutableList.builder();
    for (GridCell aCell : grid.cells()) {
      out.addAll(enumerateForCell(grid, a, b, aCell));
    }
    return out.build();
  }

  /** The same scene with A and B painted in the given colours. */
  public Placement withColors(PaletteColor aColor, PaletteColor bColor) {
    int s = sizePx();
    return new Placement(
        grid,
        sizeIndex,
        PlacedObject.of(grid, s, a.object(), a.cell(), aColor, a.offsetX(), a.offsetY(), "A"),
        PlacedObject.of(grid, s, b.object(), b.cell(), bColor, b.offsetX(), b.offsetY(), "B"),
        flipX,
        flipY);
  }

  /**
   * The same scene with the sprites' top-left corners at the given pixel offsets from their
   * cells' top-left corners.
   *
   * @throws IllegalArgumentException when a sprite would leave its cell (offsets must lie in
   *     {@code 0..cellPx - sizePx})
   */
  public Placement withOffsets(int aX, int aY, int bX, int bY) {
    int s = sizePx();
    return new Placement(
        grid,
        sizeIndex,
        PlacedObject.of(grid, s, a.object(), a.cell(), a.color(), aX, aY, "A"),
        PlacedObject.of(grid, s, b.object(), b.cell(), b.color(), bX, bY, "B"),
        flipX,
        flipY);
  }

  /**
   * The same scene with offsets drawn uniformly from {@code 0..cellPx - sizePx}, in the order
   * A's x, A's y, B's x, B's y, each by {@code random.nextInt(cellPx - sizePx + 1)}.
   */
  public Placement withRandomOffsets(Random random) {
    int n = grid.cellPx() - sizePx() + 1;
    int ax = random.nextInt(n);
    int ay = random.nextInt(n);
    int bx = random.nextInt(n);
    int by = random.nextInt(n);
    return withOffsets(ax, ay, bx, by);
  }

  /** The grid. */
  public GridSpec grid() {
    return grid;
  }

  /** Object A, the reference object ("... of the {A}?"). */
  public PlacedObject a() {
    return a;
  }

  /** Object B, the object asked about ("Is the {B} ..."). */
  public PlacedObject b() {
    return b;
  }

  /** The index of the objects' size in {@link GridSpec#sizeFractions()}. */
  public int sizeIndex() {
    return sizeIndex;
  }

  /** The sprite side in pixels. */
  public int sizePx() {
    return grid.objectPx(sizeIndex);
  }

  /** Whether the sprites are drawn mirrored left-right (after {@link #mirrorLeftRight()}). */
  public boolean flippedLeftRight() {
    return flipX;
  }

  /** Whether the sprites are drawn mirrored top-bottom (after {@link #mirrorTopBottom()}). */
  public boolean flippedTopBottom() {
    return flipY;
  }

  /**
   * Whether a question on {@code axis} has a correct answer: for {@link QuestionAxis#HORIZONTAL}
   * the columns must differ, for {@link QuestionAxis#VERTICAL} the rows; colour and plain
   * questions always have one.
   */
  public boolean isDefined(QuestionAxis axis) {
    switch (axis) {
      case HORIZONTAL:
        return a.cell().column() != b.cell().column();
      case VERTICAL:
        return a.cell().row() != b.cell().row();
      default:
        return true;
    }
  }

  /**
   * The placement of the left-right mirrored scene: column {@code j} becomes {@code m - 1 - j},
   * offset {@code x} becomes {@code cellPx - sizePx - x}, and the sprites are drawn mirrored.
   */
  public Placement mirrorLeftRight() {
    int m = grid.gridSize();
    int free = grid.cellPx() - sizePx();
    return new Placement(
        grid,
        sizeIndex,
        moved(a, GridCell.of(a.cell().row(), m - 1 - a.cell().column()), free - a.offsetX(), a.offsetY(), "A"),
        moved(b, GridCell.of(b.cell().row(), m - 1 - b.cell().column()), free - b.offsetX(), b.offsetY(), "B"),
        !flipX,
        flipY);
  }

  /**
   * The placement of the top-bottom mirrored scene: row {@code i} becomes {@code m - 1 - i},
   * offset {@code y} becomes {@code cellPx - sizePx - y}, and the sprites are drawn mirrored.
   */
  public Placement mirrorTopBottom() {
    int m = grid.gridSize();
    int free = grid.cellPx() - sizePx();
    return new Placement(
        grid,
        sizeIndex,
        moved(a, GridCell.of(m - 1 - a.cell().row(), a.cell().column()), a.offsetX(), free - a.offsetY(), "A"),
        moved(b, GridCell.of(m - 1 - b.cell().row(), b.cell().column()), b.offsetX(), free - b.offsetY(), "B"),
        flipX,
        !flipY);
  }

  /**
   * The placement of the hue-rotated scene: both colours rotated by {@code degrees}.
   *
   * @throws IllegalArgumentException when {@code degrees} is not a multiple of 60
   */
  public Placement rotateHue(int degrees) {
    return withColors(a.color().rotate(degrees), b.color().rotate(degrees));
  }

  /**
   * The counterfactual scene that flips the answer of a question on {@code axis}: mirrored
   * left-right, mirrored top-bottom, or hue-rotated by 180 degrees.
   *
   * @throws IllegalArgumentException for {@link QuestionAxis#NONE}, which has no counterfactual
   */
  public Placement counterfactual(QuestionAxis axis) {
    switch (axis) {
      case HORIZONTAL:
        return mirrorLeftRight();
      case VERTICAL:
        return mirrorTopBottom();
      case COLOR:
        return rotateHue(180);
      default:
        throw new IllegalArgumentException("a plain question (axis NONE) has no counterfactual");
    }
  }

  private PlacedObject moved(PlacedObject o, GridCell cell, int x, int y, String which) {
    return PlacedObject.of(grid, sizePx(), o.object(), cell, o.color(), x, y, which);
  }

  /** Draws the scene: a black {@code canvasPx x canvasPx} image with the two sprites. */
  public RgbImage render() {
    int w = grid.canvasPx();
    int[] canvas = new int[w * w];
    int s = sizePx();
    for (PlacedObject o : List.of(a, b)) {
      Sprites.paint(
          canvas, w, o.object().maskShared(s), s, o.box().x(), o.box().y(), o.color().rgb(),
          flipX, flipY);
    }
    return RgbImage.of(w, w, canvas);
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof Placement)) {
      return false;
    }
    Placement p = (Placement) o;
    return grid.equals(p.grid)
        && sizeIndex == p.sizeIndex
        && a.equals(p.a)
        && b.equals(p.b)
        && flipX == p.flipX
        && flipY == p.flipY;
  }

  @Override
  public int hashCode() {
    return Objects.hash(grid, sizeIndex, a, b, flipX, flipY);
  }

  @Override
  public String toString() {
    return "Placement[A " + a + ", B " + b + ", size " + sizeIndex + " (" + sizePx() + " px)"
        + (flipX ? ", flipped left-right" : "") + (flipY ? ", flipped top-bottom" : "") + "]";
  }
}
