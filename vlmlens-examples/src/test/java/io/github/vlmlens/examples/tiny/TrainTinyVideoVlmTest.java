package io.github.vlmlens.examples.tiny;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

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
  void contentLabelsNameTheObjectOfEachFrame() {
    // One 32 px patch per frame: its label is the object shown in it, or 0.
    assertEquals(32, TinyVideoVlmRecipe.PATCH_SIZE);
    ObjectVideo v =
        ObjectVideo.of(
            SPEC, new Appearance(VideoObject.SQUARE, 2, 0, 0), new Appearance(VideoObject.DISK, 5, 10, 18));
    int[] labels = TrainTinyVideoVlm.contentLabels(v);
    int[] expected = new int[SPEC.frames()];
    expected[2] = 1 + VideoObject.SQUARE.ordinal();
    expected[5] = 1 + VideoObject.DISK.ordinal();
    assertArrayEquals(expected, labels);
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
      assertEquals(1 + objects + shown.ordinal(), labels[f], "frame " + f);
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
