package io.github.vlmlens.temporal.real;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.vlmlens.core.RgbImage;
import io.github.vlmlens.temporal.video.Mp4Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The manifest and folder readers without a model. */
class VideoDataTest {
  @Test
  void objectWordsOfOrderQuestions() {
    assertEquals(Optional.of(List.of("ball", "cat")),
        VideoData.objectWords("Does the red ball appear before or after the cat?"));
    assertEquals(Optional.of(List.of("indoors", "outdoors")),
        VideoData.objectWords("Does the scene 'indoors' occur before or after the scene 'outdoors'?"));
    assertEquals(Optional.of(List.of("door", "light")),
        VideoData.objectWords("Did the door happen earlier or later than the light?"));
    assertTrue(VideoData.objectWords("What happened after the man sat down?").isEmpty());
    assertEquals(Optional.of("after"), VideoData.orderPartner("Before"));
    assertTrue(VideoData.orderPartner("yes").isEmpty());
  }

  @Test
  void manifestKeysReversalAndVideoRoot(@TempDir Path dir) throws Exception {
    Path clips = Files.createDirectories(dir.resolve("videos/task"));
    Mp4Writer.write(List.of(RgbImage.black(16, 16), RgbImage.black(16, 16)), clips.resolve("a.mp4"));
    Path m = dir.resolve("task.json");
    Files.writeString(m, "[{\"video\": \"a.mp4\", \"question\": \"Does the dog appear before or after the cat?\","
        + " \"options\": [\"After\", \"Before\"], \"answer\": \"Before\"},"
        + " {\"video\": \"a.mp4\", \"question\": \"Is the dog visible when the cat leaves?\", \"objects\": [\"dog\", \"cat\"],"
        + " \"candidates\": [\"yes\", \"no\"], \"answer\": \"yes\", \"reversed_answer\": \"no\", \"id\": \"q2\"}]");
    List<VideoEntry> e = VideoData.manifest(m, dir.resolve("videos/task"));
    assertEquals(List.of("Before", "After"), e.get(0).answerPair());
    assertEquals("After", e.get(0).reversed("Before"));
    assertEquals(List.of("dog", "cat"), e.get(0).objectWords());
    assertEquals("video-0000", e.get(0).id());
    assertEquals(List.of("yes", "no"), e.get(1).answerPair());
    assertEquals("q2", e.get(1).id());
    // without the video root the paths are relative to the manifest's folder
    IllegalArgumentException missing = assertThrows(IllegalArgumentException.class, () -> VideoData.manifest(m, null));
    assertTrue(missing.getMessage().contains("task.json entry 0 (video 'a.mp4'): video file"), missing.getMessage());
    // a default question belongs to a folder
    assertThrows(IllegalArgumentException.class, () -> VideoData.read(m, null, "Does the x appear before or after the y?",
        List.of("before", "after")));
  }

  @Test
  void folderNeedsAnOrderPairWithTheDefaultQuestion(@TempDir Path dir) {
    Mp4Writer.write(List.of(RgbImage.black(16, 16)), dir.resolve("z.mp4"));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> VideoData.folder(dir, "Does the x appear before or after the y?", List.of("yes", "no")));
    assertTrue(e.getMessage().contains("hold no order pair"), e.getMessage());
    List<VideoEntry> ok = VideoData.folder(dir, "Does the x appear before or after the y?", List.of("after", "before"));
    assertFalse(ok.get(0).labelled());
    assertEquals(List.of("after", "before"), ok.get(0).answerPair());
  }
}
