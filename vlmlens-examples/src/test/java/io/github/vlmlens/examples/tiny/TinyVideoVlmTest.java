package io.github.vlmlens.examples.tiny;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.vlmlens.core.HookPoint;
import io.github.vlmlens.core.HookedVlm;
import io.github.vlmlens.core.Tokenization;
import io.github.vlmlens.core.VlmInput;
import io.github.vlmlens.temporal.video.ObjectVideo;
import io.github.vlmlens.temporal.video.VideoSampler;
import io.github.vlmlens.tiny.TinyVideoVlm;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The bundled tiny video VLM loads through the Hugging Face path and answers held-out questions. */
class TinyVideoVlmTest {
  private static HookedVlm vlm;

  @BeforeAll
  static void load() {
    vlm = TinyVideoVlm.load();
  }

  @AfterAll
  static void close() {
    vlm.close();
  }

  @Test
  void hasTheRecipesArchitecture() {
    assertEquals(6, vlm.numLayers());
    assertEquals(128, vlm.hiddenSize());
    assertTrue(vlm.hookPoints().contains(HookPoint.lmResid(6)));
    assertEquals(TinyVideoVlmRecipe.PROMPT, vlm.promptFormat());
  }

  @Test
  void framesBecomeImageTokensInTimeOrder() {
    ObjectVideo v = VideoSampler.of(TinyVideoVlmRecipe.video()).objectVideos(1, 1).get(0);
    Tokenization t =
        vlm.tokenize(VlmInput.ofVideo(v.frames(), vlm.promptFormat().videoPrompt(v.question().text())));
    assertEquals(8, t.imageCount());
    int perFrame = (TinyVideoVlmRecipe.video().frameSize() / TinyVideoVlmRecipe.PATCH_SIZE)
        * (TinyVideoVlmRecipe.video().frameSize() / TinyVideoVlmRecipe.PATCH_SIZE);
    int first = t.imagePositions(0).resolve(t.length())[0];
    for (int f = 0; f < 8; f++) {
      int start = first + perFrame * f;
      assertArrayEquals(
          IntStream.range(start, start + perFrame).toArray(), t.imagePositions(f).resolve(t.length()), "frame " + f);
    }
    assertTrue(t.lastSubToken(v.first().object().word()) > first + 8 * perFrame - 1, "object words follow the frames");
  }

  @Test
  void answersFreshHeldOutVideosOfBothKinds() {
    // Fresh seeds: these videos were not the ones evaluated during training.
    Map<String, Map<String, Double>> acc = TrainTinyVideoVlm.evaluate(vlm, 120, 424242);
    for (var part : acc.entrySet()) {
      for (var kind : part.getValue().entrySet()) {
        assertTrue(
            kind.getValue() >= 0.95,
            part.getKey() + " " + kind.getKey() + " accuracy " + kind.getValue() + " in " + acc);
      }
    }
  }
}
