package io.github.vlmlens.spatial.real;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.vlmlens.core.RgbImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The readers on the self-made COCO-format data set, and their errors. */
class RealDatasetsTest {
  @TempDir static Path dir;
  static SyntheticCoco.Written data;

  @BeforeAll
  static void write() {
    data = SyntheticCoco.write(dir.resolve("coco"), 12, 7);
  }

  @Test
  void cocoSpatialRowsGetTheirBoxesAndKnownAnswers() throws IOException {
    RealDataset d = RealDatasets.cocoSpatial(data.rows(), data.instances(), data.images(), false);
    assertEquals(12, d.samples().size());
    assertTrue(d.skipped().isEmpty());
    for (RealSample s : d.samples()) {
      assertTrue(s.hasBoxes());
      RgbImage img = RgbImage.read(s.image());
      assertEquals(128, img.width());
      // The known answer agrees with the box centres.
      switch (s.relation()) {
        case LEFT -> assertTrue(s.subjectBox().centerX() < s.objectBox().centerX());
        case RIGHT -> assertTrue(s.subjectBox().centerX() > s.objectBox().centerX());
        case ABOVE -> assertTrue(s.subjectBox().centerY() < s.objectBox().centerY());
        case BELOW -> assertTrue(s.subjectBox().centerY() > s.objectBox().centerY());
        default -> throw new AssertionError(s);
      }
      // The box is tight: the pixel at the box centre's row and column range holds the object's colour somewhere.
      assertTrue(s.question().startsWith("Is the " + s.subject()));
    }
    // The manifest holds the same samples.
    RealDataset m = RealDatasets.manifest(data.manifest(), false);
    assertEquals(12, m.samples().size());
    for (int i = 0; i < 12; i++) {
      assertEquals(d.samples().get(i).relation(), m.samples().get(i).relation());
      assertEquals(d.samples().get(i).subjectBox(), m.samples().get(i).subjectBox());
      assertEquals(d.samples().get(i).subject(), m.samples().get(i).subject());
    }
    RealDataset depth = RealDatasets.manifest(data.depth(), false);
    assertEquals(12, depth.samples().size());
    for (RealSample s : depth.samples()) {
      assertEquals(Relation.Axis.DEPTH, s.relation().axis());
      ObjectBox front = s.relation() == Relation.FRONT ? s.subjectBox() : s.objectBox();
      ObjectBox back = s.relation() == Relation.FRONT ? s.objectBox() : s.subjectBox();
      assertTrue(front.centerY() > back.centerY(), "the front object is drawn lower");
    }
  }

  @Test
  void seededSamplingIsReproducible() {
    RealDataset d = RealDatasets.cocoSpatial(data.rows(), data.instances(), data.images(), false);
    List<RealSample> a = d.sample(3, 5).samples();
    assertEquals(a, d.sample(3, 5).samples());
    assertEquals(5, a.size());
    assertEquals(12, d.sample(3, 100).samples().size());
    assertThrows(IllegalArgumentException.class, () -> d.sample(3, 0));
  }

  @Test
  void clearErrors() throws IOException {
    Path bad = dir.resolve("bad.json");
    Files.writeString(bad, "[[1, \"A ball to the left of a tree\", ");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> RealDatasets.cocoSpatial(bad, data.instances(), data.images(), false));
    assertTrue(e.getMessage().contains("not valid JSON") && e.getMessage().contains("line"), e.getMessage());

    Path unknown = dir.resolve("unknown.json");
    Files.writeString(unknown, "[[999, \"A ball to the left of a tree\", \"A ball to the right of a tree\"]]");
    e = assertThrows(IllegalArgumentException.class,
        () -> RealDatasets.cocoSpatial(unknown, data.instances(), data.images(), false));
    assertTrue(e.getMessage().contains("row 0") && e.getMessage().contains("999"), e.getMessage());

    Path phrase = dir.resolve("phrase.json");
    Files.writeString(phrase, "[[1, \"A ball on a tree\", \"A ball under a tree\"]]");
    e = assertThrows(IllegalArgumentException.class,
        () -> RealDatasets.cocoSpatial(phrase, data.instances(), data.images(), false));
    assertTrue(e.getMessage().contains("cannot phrase"), e.getMessage());

    // Image 1 shows two objects; ask about an object that has no box there.
    RealSample first = RealDatasets.cocoSpatial(data.rows(), data.instances(), data.images(), false).samples().stream()
        .filter(s -> s.id().startsWith("coco-1-")).findFirst().orElseThrow();
    String missing = List.of("ball", "box", "star").stream()
        .filter(n -> !n.equals(first.subject()) && !n.equals(first.object())).findFirst().orElseThrow();
    Path nobox = dir.resolve("nobox.json");
    Files.writeString(nobox, "[[1, \"A " + missing + " to the left of a " + first.object() + "\", \"A " + missing
        + " to the right of a " + first.object() + "\"]]");
    e = assertThrows(IllegalArgumentException.class,
        () -> RealDatasets.cocoSpatial(nobox, data.instances(), data.images(), false));
    assertTrue(e.getMessage().contains("no '" + missing + "' box in image 1"), e.getMessage());
    RealDataset skipped = RealDatasets.cocoSpatial(nobox, data.instances(), data.images(), true);
    assertEquals(0, skipped.samples().size());
    assertEquals(1, skipped.skipped().size());

    Path manifest = dir.resolve("m.json");
    Files.writeString(manifest, "[{\"image\": \"coco/images/000000000001.png\", \"question\": \"Where is it?\", \"answer\": \"left\"}]");
    e = assertThrows(IllegalArgumentException.class, () -> RealDatasets.manifest(manifest, false));
    assertTrue(e.getMessage().contains("cannot read the subject and object"), e.getMessage());
    Files.writeString(manifest, "[{\"image\": \"coco/images/000000000001.png\", \"subject\": \"ball\", \"object\": \"tree\", \"answer\": \"beside\"}]");
    e = assertThrows(IllegalArgumentException.class, () -> RealDatasets.manifest(manifest, false));
    assertTrue(e.getMessage().contains("'beside' is not one of"), e.getMessage());
    Files.writeString(manifest, "[{\"image\": \"coco/images/000000000001.png\", \"question\": \"Is the ball to the left or right of the tree?\", \"answer\": \"right\", \"subject_box\": [1, 2, 3, 4]}]");
    RealSample s = RealDatasets.manifest(manifest, false).samples().get(0);
    assertEquals("ball", s.subject());
    assertEquals(Relation.RIGHT, s.relation());
    assertNotNull(s.subjectBox());
    assertEquals(null, s.objectBox());
  }
}
