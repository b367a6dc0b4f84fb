package io.github.vlmlens.spatial.scene;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.vlmlens.core.RgbImage;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SceneRenderingTest {
  private static final ObjectLibrary LIB = ObjectLibrary.builtIn();

  private static String sha256(List<RgbImage> images) throws Exception {
    MessageDigest md = MessageDigest.getInstance("SHA-256");
    for (RgbImage im : images) {
      ByteBuffer buf = ByteBuffer.allocate(8 + 3 * im.width() * im.height());
      buf.putInt(im.width()).putInt(im.height());
      for (int p : im.pixels()) {
        buf.put((byte) (p >> 16)).put((byte) (p >> 8)).put((byte) p);
      }
      md.update(buf.array());
    }
    return HexFormat.of().formatHex(md.digest());
  }

  /**
   * Regression: the same seed must give the same pixels on every machine and JVM. The hash covers
   * eight sampled 64 px scenes, one 896 px scene, its 20 px box blur and a 45-degree hue rotation;
   * it changes only when the drawing of objects, the sampler or a transform is changed on purpose.
   */
  @Test
  void renderedPixelsAreStableAcrossMachines() throws Exception {
    SceneSplit split = SceneSplit.of(LIB, GridSpec.tiny(), 2026);
    List<RgbImage> images = new ArrayList<>();
    for (Placement p :
        split.sampler(SceneSplit.Part.TRAIN).withRandomColors(true)
            .sample(11, 8, QuestionAxis.HORIZONTAL)) {
      images.add(p.render());
    }
    Placement paper =
        Placement.of(
                GridSpec.paper(), LIB.get("star"), GridCell.of(1, 2), LIB.get("moon"),
                GridCell.of(3, 0), 2)
            .withOffsets(5, 20, 27, 0)
            .withColors(PaletteColor.GREEN, PaletteColor.MAGENTA);
    images.add(paper.render());
    images.add(ImageTransforms.blurBox(paper.render(), paper.a().box(), 20));
    images.add(ImageTransforms.rotateHue(images.get(0), 45));
    assertEquals(
        "6f56d2b297363721dc12c3f082a8eee1b818208a54ae5ce1c02c0ae406e3f9fd", sha256(images));
  }

  @Test
  void objectsHaveDistinctMasksAtSmallSizes() {
    for (int size : new int[] {10, 11, 12, 13, 14, 15, 16}) {
      List<SceneObject> objs = LIB.objects();
      for (int i = 0; i < objs.size(); i++) {
        boolean[] mi = objs.get(i).mask(size);
        int area = 0;
        for (boolean b : mi) {
          area += b ? 1 : 0;
        }
        assertTrue(area >= size * size / 4, objs.get(i) + " covers only " + area + " px at " + size);
        for (int j = i + 1; j < objs.size(); j++) {
          boolean[] mj = objs.get(j).mask(size);
          int diff = 0;
          for (int k = 0; k < mi.length; k++) {
            diff += mi[k] != mj[k] ? 1 : 0;
          }
          assertTrue(
              diff * 10 >= size * size,
              objs.get(i) + " and " + objs.get(j) + " differ in only " + diff + " px at " + size);
        }
      }
    }
  }

  @Test
  void builtInLibraryHasTwelveSingleWordObjectsCoveringThePalette() {
    assertTrue(LIB.size() >= 10);
    Set<PaletteColor> colours = new HashSet<>();
    for (SceneObject o : LIB.objects()) {
      assertTrue(o.name().matches("[a-z]+"), o.name());
      assertTrue(o.isBuiltIn());
      colours.add(o.defaultColor());
    }
    assertEquals(Set.of(PaletteColor.values()), colours);
  }

  @Test
  void renderPaintsExactlyTheTwoMasksInTheirColoursOnBlack() {
    GridSpec g = GridSpec.tiny();
    Placement p =
        Placement.of(g, LIB.get("heart"), GridCell.of(0, 3), LIB.get("arrow"), GridCell.of(2, 1), 1)
            .withOffsets(1, 4, 3, 0)
            .withColors(PaletteColor.CYAN, PaletteColor.YELLOW);
    RgbImage im = p.render();
    assertEquals(64, im.width());
    int s = g.objectPx(1);
    assertEquals(12, s);
    boolean[] heart = LIB.get("heart").mask(s);
    boolean[] arrow = LIB.get("arrow").mask(s);
    int ax = 3 * 16 + 1;
    int ay = 4;
    int bx = 16 + 3;
    int by = 2 * 16;
    for (int y = 0; y < 64; y++) {
      for (int x = 0; x < 64; x++) {
        int expected = 0;
        if (x >= ax && x < ax + s && y >= ay && y < ay + s && heart[(y - ay) * s + x - ax]) {
          expected = 0x00FFFF;
        }
        if (x >= bx && x < bx + s && y >= by && y < by + s && arrow[(y - by) * s + x - bx]) {
          expected = 0xFFFF00;
        }
        assertEquals(expected, im.rgb(x, y), "pixel " + x + "," + y);
      }
    }
    assertEquals(PixelBox.of(ax, ay, s, s), p.a().box());
    assertEquals(PixelBox.of(bx, by, s, s), p.b().box());
  }

  @Test
  void mirroredPlacementRendersTheMirroredImage() {
    Random r = new Random(5);
    for (GridSpec g : List.of(GridSpec.tiny(), GridSpec.of(3, 90, 0.5, 0.7))) {
      SceneSplit split = SceneSplit.of(LIB, g, 3);
      for (SceneSplit.Part part : SceneSplit.Part.values()) {
        for (int i = 0; i < 25; i++) {
          Placement p = split.sampler(part).withRandomColors(true).next(r);
          RgbImage im = p.render();
          assertEquals(ImageTransforms.mirrorLeftRight(im), p.mirrorLeftRight().render(), p.toString());
          assertEquals(ImageTransforms.mirrorTopBottom(im), p.mirrorTopBottom().render(), p.toString());
          assertEquals(
              ImageTransforms.mirrorTopBottom(ImageTransforms.mirrorLeftRight(im)),
              p.mirrorLeftRight().mirrorTopBottom().render());
          assertEquals(ImageTransforms.rotateHue(im, 180), p.rotateHue(180).render());
          assertEquals(ImageTransforms.rotateHue(im, 60), p.rotateHue(60).render());
          assertEquals(p, p.mirrorLeftRight().mirrorLeftRight());
          assertEquals(p, p.mirrorTopBottom().mirrorTopBottom());
        }
      }
    }
  }

  @Test
  void mirrorMovesCellsAndOffsetsAsDocumented() {
    GridSpec g = GridSpec.tiny();
    Placement p =
        Placement.of(g, LIB.get("moon"), GridCell.of(1, 0), LIB.get("ball"), GridCell.of(3, 2), 0)
            .withOffsets(0, 1, 4, 6);
    Placement m = p.mirrorLeftRight();
    assertEquals(GridCell.of(1, 3), m.a().cell());
    assertEquals(GridCell.of(3, 1), m.b().cell());
    assertEquals(6, m.a().offsetX()); // 16 - 10 - 0
    assertEquals(1, m.a().offsetY());
    assertEquals(2, m.b().offsetX()); // 16 - 10 - 4
    assertTrue(m.flippedLeftRight());
    assertFalse(m.flippedTopBottom());
    Placement t = p.mirrorTopBottom();
    assertEquals(GridCell.of(2, 0), t.a().cell());
    assertEquals(GridCell.of(0, 2), t.b().cell());
    assertEquals(5, t.a().offsetY());
    assertEquals(0, t.b().offsetY());
    // The moon is not left-right symmetric, so drawing it unflipped would not match the mirror.
    boolean[] moon = LIB.get("moon").mask(10);
    boolean symmetric = true;
    for (int y = 0; y < 10; y++) {
      for (int x = 0; x < 10; x++) {
        symmetric &= moon[y * 10 + x] == moon[y * 10 + 9 - x];
      }
    }
    assertFalse(symmetric);
  }

  @Test
  void paperScaleUsesTheSameShapesScaled() {
    GridSpec g = GridSpec.paper();
    assertEquals(224, g.cellPx());
    Placement p =
        Placement.of(g, LIB.get("ring"), GridCell.of(0, 0), LIB.get("cross"), GridCell.of(3, 3), 2);
    assertEquals(196, p.sizePx());
    assertEquals(14, p.a().offsetX()); // (224 - 196) / 2
    RgbImage im = p.render();
    // The ring's centre is empty, its rim is painted; the cross covers its own centre.
    int c = 14 + 98;
    assertEquals(0, im.rgb(c, c));
    assertEquals(PaletteColor.CYAN.rgb(), im.rgb(14 + 2, c));
    int cc = 3 * 224 + 14 + 98;
    assertEquals(PaletteColor.GREEN.rgb(), im.rgb(cc, cc));
  }
}
