package io.github.vlmlens.examples.tiny;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.vlmlens.temporal.video.Appearance;
import io.github.vlmlens.temporal.video.ObjectVideo;
import io.github.vlmlens.temporal.video.SceneStyle;
import io.github.vlmlens.temporal.video.SceneVideo;
import io.github.vlmlens.temporal.video.VideoObject;
import io.github.vlmlens.temporal.video.VideoSpec;
import org.junit.jupiter.api.Test;

/** The labels the tiny video model's auxiliary heads are trained on. */
class TrainTinyVideoVlmTest {
  private static final VideoSpec SPEC = TinyVideoVlmRecipe.video();

  @Test
  void contentLabelsNameTheObjectCoveringEachPatch() {
    assertEquals(16, TinyVideoVlmRecipe.PATCH_SIZE);
    // 14 px objects in 32 px frames cut into 16 px patches: the square at (0, 0) lies in the
    // top-left patch only, the disk at (0, 18) in the bottom-left one, the plus at (10, 0) straddles
    // both top patches.
    ObjectVideo v =
        ObjectVideo.of(
            SPEC, new Appearance(VideoObject.SQUARE, 2, 0, 0), new Appearance(VideoObject.DISK, 5, 0, 18));
    int[] labels = TrainTinyVideoVlm.contentLabels(v);
    assertEquals(SPEC.frames() * 4, labels.length);
    int square = 1 + VideoObject.SQUARE.ordinal();
    int disk = 1 + VideoObject.DISK.ordinal();
    for (int f = 0; f < SPEC.frames(); f++) {
      int[] expected = f == 2 ? new int[] {square, 0, 0, 0} : f == 5 ? new int[] {0, 0, disk, 0} : new int[4];
      for (int p = 0; p < 4; p++) {
        assertEquals(expected[p], labels[f * 4 + p], "frame " + f + " patch " + p);
      }
    }
    ObjectVideo sharing =
        ObjectVideo.of(
            SPEC, new Appearance(VideoObject.PLUS, 0, 10, 0), new Appearance(VideoObject.BAR, 0, 0, 18));
    int plus = 1 + VideoObject.PLUS.ordinal();
    int[] first = java.util.Arrays.copyOf(TrainTinyVideoVlm.contentLabels(sharing), 4);
    assertEquals(plus, first[0]);
    assertEquals(plus, first[1]);
    assertEquals(1 + VideoObject.BAR.ordinal(), first[2]);
  }

  @Test
  void wordClassesMatchTheContentLabelsOfTheirObjectsAndScenes() {
    assertEquals(1 + VideoObject.KITE.ordinal(), TrainTinyVideoVlm.wordClass("kite"));
    assertEquals(
        1 + VideoObject.values().length + SceneStyle.WAVES.ordinal(),
        TrainTinyVideoVlm.wordClass(SceneStyle.WAVES.word()));
    assertThrows(IllegalArgumentException.class, () -> TrainTinyVideoVlm.wordClass("dog"));
  }

  @Test
  void contentLabelsOfASceneVideoNameTheSceneOfEachFrame() {
    SceneVideo v = SceneVideo.of(SPEC, SceneStyle.DOTS, SceneStyle.WAVES, false, 3);
    int[] labels = TrainTinyVideoVlm.contentLabels(v);
    int objects = VideoObject.values().length;
    for (int f = 0; f < SPEC.frames(); f++) {
      SceneStyle shown = f < 3 ? SceneStyle.WAVES : SceneStyle.DOTS;
      for (int p = 0; p < 4; p++) {
        assertEquals(1 + objects + shown.ordinal(), labels[f * 4 + p], "frame " + f);
      }
    }
  }

  @Test
  void recoloringRepaintsOnlyTheObjectsPixels() {
    ObjectVideo v =
        ObjectVideo.of(
            SPEC, new Appearance(VideoObject.SQUARE, 2, 0, 0), new Appearance(VideoObject.DISK, 5, 10, 18));
    java.util.List<io.github.vlmlens.core.RgbImage> original = v.frames();
    java.util.List<io.github.vlmlens.core.RgbImage> recolored = TrainTinyVideoVlm.recolored(v, original, new java.util.Random(3));
    java.util.Set<Integer> palette = new java.util.HashSet<>();
    for (VideoObject o : VideoObject.values()) {
      palette.add(o.rgb());
    }
    for (int f = 0; f < SPEC.frames(); f++) {
      int[] a = original.get(f).pixels();
      int[] b = recolored.get(f).pixels();
      java.util.Set<Integer> colours = new java.util.HashSet<>();
      for (int i = 0; i < a.length; i++) {
        assertEquals(a[i] == 0, b[i] == 0, "frame " + f + " pixel " + i + ": the shape is kept");
        if (b[i] != 0) {
          colours.add(b[i]);
        }
      }
      assertTrue(colours.size() <= 1 && palette.containsAll(colours), "frame " + f + ": " + colours);
    }
  }

  @Test
  void columnsAreThoseOfTheSpatiotemporalGrid() {
    io.github.vlmlens.temporal.grid.GridConfig grid =
        io.github.vlmlens.temporal.grid.GridConfig.builder().video(SPEC).columns(TrainTinyVideoVlm.COLUMNS).build();
    for (int c = 0; c < TrainTinyVideoVlm.COLUMNS; c++) {
      ObjectVideo v =
          ObjectVideo.of(
              SPEC, new Appearance(VideoObject.KITE, 6, grid.columnX(c), 3), new Appearance(VideoObject.BAR, 1, 0, 0));
      assertEquals(c, TrainTinyVideoVlm.column(v, "kite"), "column " + c);
      assertEquals(0, TrainTinyVideoVlm.column(v, "bar"));
    }
  }

  @Test
  void firstFrameIsWhereTheWordsObjectOrSceneFirstShows() {
    ObjectVideo v =
        ObjectVideo.of(
            SPEC, new Appearance(VideoObject.KITE, 6, 0, 0), new Appearance(VideoObject.BAR, 1, 0, 0));
    assertEquals(6, TrainTinyVideoVlm.firstFrame(v, "kite"));
    assertEquals(1, TrainTinyVideoVlm.firstFrame(v, "bar"));
    SceneVideo s = SceneVideo.of(SPEC, SceneStyle.DOTS, SceneStyle.WAVES, true, 5);
    assertEquals(0, TrainTinyVideoVlm.firstFrame(s, SceneStyle.DOTS.word()));
    assertEquals(5, TrainTinyVideoVlm.firstFrame(s, SceneStyle.WAVES.word()));
  }
}
