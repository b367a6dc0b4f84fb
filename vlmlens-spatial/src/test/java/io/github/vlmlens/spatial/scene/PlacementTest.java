package io.github.vlmlens.spatial.scene;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PlacementTest {
  private static final ObjectLibrary LIB = ObjectLibrary.builtIn();
  private static final SceneObject BALL = LIB.get("ball");
  private static final SceneObject STAR = LIB.get("star");

  @Test
  void gridGeometry() {
    GridSpec g = GridSpec.tiny();
    assertEquals(4, g.gridSize());
    assertEquals(16, g.cellPx());
    assertEquals(List.of(10, 12, 14), List.of(g.objectPx(0), g.objectPx(1), g.objectPx(2)));
    assertEquals(List.of(140, 168, 196),
        List.of(GridSpec.paper().objectPx(0), GridSpec.paper().objectPx(1), GridSpec.paper().objectPx(2)));
    assertEquals(16, g.cells().size());
    assertEquals(GridCell.of(2, 3), g.cell(11));
    assertEquals(11, GridCell.of(2, 3).index(4));
    assertEquals(PixelBox.of(48, 32, 16, 16), g.cellBox(GridCell.of(2, 3)));
    assertThrows(IllegalArgumentException.class, () -> GridSpec.of(4, 66, 0.5));
    assertThrows(IllegalArgumentException.class, () -> GridSpec.of(1, 64, 0.5));
    assertThrows(IllegalArgumentException.class, () -> GridSpec.of(4, 64, 0.5, 0.5));
    assertThrows(IllegalArgumentException.class, () -> GridSpec.of(4, 64, 1.5));
    assertThrows(IllegalArgumentException.class, () -> GridSpec.of(4, 64));
    assertThrows(IndexOutOfBoundsException.class, () -> g.objectPx(3));
  }

  @Test
  void enumerationForOneCellCoversEveryOtherCellAtEverySize() {
    for (GridSpec g : List.of(GridSpec.tiny(), GridSpec.of(4, 64, 0.5, 0.75), GridSpec.of(3, 96, 0.5))) {
      int m = g.gridSize();
      int k = g.sizeCount();
      GridCell aCell = GridCell.of(1, 2);
      List<Placement> list = Placement.enumerateForCell(g, BALL, STAR, aCell);
      assertEquals((m * m - 1) * k, list.size());
      assertEquals(list.size(), new HashSet<>(list).size());
      Set<GridCell> bCells = new HashSet<>();
      for (Placement p : list) {
        assertEquals(aCell, p.a().cell());
        assertNotEquals(aCell, p.b().cell());
        assertEquals("ball", p.a().word());
        assertEquals("star", p.b().word());
        assertEquals(BALL.defaultColor(), p.a().color());
        int centre = (g.cellPx() - p.sizePx()) / 2;
        assertEquals(centre, p.b().offsetX());
        assertEquals(centre, p.b().offsetY());
        bCells.add(p.b().cell());
      }
      assertEquals(m * m - 1, bCells.size());
      // Order: B's cell row-major, then size.
      assertEquals(GridCell.of(0, 0), list.get(0).b().cell());
      assertEquals(k - 1, list.get(k - 1).sizeIndex());
    }
  }

  @Test
  void enumerationOverAllACells() {
    GridSpec g = GridSpec.tiny();
    List<Placement> all = Placement.enumerateAll(g, BALL, STAR);
    assertEquals(16 * 15 * 3, all.size());
    assertEquals(all.size(), new HashSet<>(all).size());
    long withA00 = all.stream().filter(p -> p.a().cell().equals(GridCell.of(0, 0))).count();
    assertEquals(15 * 3, withA00);
  }

  @Test
  void definedAnswersFollowRowsAndColumns() {
    GridSpec g = GridSpec.tiny();
    Placement sameColumn = Placement.of(g, BALL, GridCell.of(0, 1), STAR, GridCell.of(3, 1), 0);
    assertFalse(sameColumn.isDefined(QuestionAxis.HORIZONTAL));
    assertTrue(sameColumn.isDefined(QuestionAxis.VERTICAL));
    Placement sameRow = Placement.of(g, BALL, GridCell.of(2, 0), STAR, GridCell.of(2, 3), 0);
    assertTrue(sameRow.isDefined(QuestionAxis.HORIZONTAL));
    assertFalse(sameRow.isDefined(QuestionAxis.VERTICAL));
    assertTrue(sameRow.isDefined(QuestionAxis.COLOR));
    assertTrue(sameRow.isDefined(QuestionAxis.NONE));
    // Of the 15 B cells for A in (1, 2), 12 are in another column and 12 in another row.
    long horizontal = Placement.enumerateForCell(g, BALL, STAR, GridCell.of(1, 2)).stream()
        .filter(p -> p.isDefined(QuestionAxis.HORIZONTAL)).count();
    assertEquals(12 * 3, horizontal);
  }

  @Test
  void badPlacementsAreRejected() {
    GridSpec g = GridSpec.tiny();
    assertThrows(IllegalArgumentException.class,
        () -> Placement.of(g, BALL, GridCell.of(0, 0), STAR, GridCell.of(0, 0), 0));
    assertThrows(IllegalArgumentException.class,
        () -> Placement.of(g, BALL, GridCell.of(0, 0), BALL, GridCell.of(0, 1), 0));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Placement.of(g, BALL, GridCell.of(0, 0), STAR, GridCell.of(4, 1), 0));
    assertTrue(e.getMessage().contains("B's cell"), e.getMessage());
    assertThrows(IndexOutOfBoundsException.class,
        () -> Placement.of(g, BALL, GridCell.of(0, 0), STAR, GridCell.of(1, 1), 3));
    Placement p = Placement.of(g, BALL, GridCell.of(0, 0), STAR, GridCell.of(1, 1), 2);
    e = assertThrows(IllegalArgumentException.class, () -> p.withOffsets(0, 0, 3, 0));
    assertTrue(e.getMessage().contains("star") && e.getMessage().contains("0..2"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> p.rotateHue(90));
    assertThrows(IllegalArgumentException.class, () -> p.counterfactual(QuestionAxis.NONE));
  }

  @Test
  void randomOffsetsStayInsideTheCellAndCoverTheRange() {
    GridSpec g = GridSpec.tiny();
    Placement p = Placement.of(g, BALL, GridCell.of(3, 3), STAR, GridCell.of(0, 0), 0);
    Random r = new Random(9);
    Set<Integer> xs = new HashSet<>();
    for (int i = 0; i < 500; i++) {
      Placement q = p.withRandomOffsets(r);
      for (PlacedObject o : List.of(q.a(), q.b())) {
        assertTrue(o.offsetX() >= 0 && o.offsetX() <= 6);
        assertTrue(g.cellBox(o.cell()).contains(o.box().x(), o.box().y()));
        assertTrue(g.cellBox(o.cell()).contains(o.box().right() - 1, o.box().bottom() - 1));
      }
      xs.add(q.a().offsetX());
    }
    assertEquals(7, xs.size());
  }

  @Test
  void counterfactualsFlipTheMatchingAnswer() {
    GridSpec g = GridSpec.tiny();
    Placement p = Placement.of(g, BALL, GridCell.of(0, 1), STAR, GridCell.of(2, 3), 1);
    assertEquals(p.mirrorLeftRight(), p.counterfactual(QuestionAxis.HORIZONTAL));
    assertEquals(p.mirrorTopBottom(), p.counterfactual(QuestionAxis.VERTICAL));
    assertEquals(PaletteColor.CYAN, p.counterfactual(QuestionAxis.COLOR).a().color());
    assertEquals(p, p.rotateHue(180).rotateHue(180));
    assertEquals(p, p.rotateHue(360));
  }
}
