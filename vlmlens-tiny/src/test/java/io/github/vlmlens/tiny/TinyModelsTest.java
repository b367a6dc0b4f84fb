package io.github.vlmlens.tiny;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.vlmlens.core.HookPoint;
import io.github.vlmlens.core.HookedVlm;
import io.github.vlmlens.core.RgbImage;
import io.github.vlmlens.core.RunResult;
import io.github.vlmlens.core.RunSpec;
import io.github.vlmlens.core.Tokenization;
import io.github.vlmlens.core.VlmInput;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The bundled checkpoints load from this module alone (no recipe, no command line): the
 * architectures the model cards state, their prompt, their lowercase answer words, and one
 * unpacked copy per checkpoint.
 */
class TinyModelsTest {
  private static RgbImage grey(int side) {
    int[] px = new int[side * side];
    Arrays.fill(px, 0x808080);
    return RgbImage.of(side, side, px);
  }

  @Test
  void theImageModelReadsA64PxImageAsSixteenTokensAndAnswersInLowercaseWords() {
    try (HookedVlm vlm = TinyVlm.load()) {
      assertEquals(6, vlm.numLayers());
      assertEquals(128, vlm.hiddenSize());
      assertTrue(vlm.hookPoints().contains(HookPoint.projectorOut()));
      assertEquals("<image>\n{question}", vlm.promptFormat().template());
      VlmInput x = vlm.promptFormat().input(grey(64), "Is the ball to the left or right of the star?");
      Tokenization t = vlm.tokenize(x);
      assertEquals(1, t.imageCount());
      assertEquals(16, t.imagePositions(0).resolve(t.length()).length, "a 4 x 4 grid of 16 px patches");
      RunResult r = vlm.run(x, RunSpec.builder().readWords("left", "right").build());
      double left = r.prob("left");
      double right = r.prob("right");
      assertTrue(left > 0 && right > 0 && left + right <= 1 + 1e-6, left + " " + right);
      // The vocabulary is lowercase: LLaVA's spelling is not a word of this model.
      assertThrows(IllegalArgumentException.class, () -> vlm.run(x, RunSpec.builder().readWords("Left").build()));
    }
  }

  @Test
  void theVideoModelReadsEightFramesOfFourTokens() {
    try (HookedVlm vlm = TinyVideoVlm.load()) {
      assertEquals(6, vlm.numLayers());
      List<RgbImage> frames = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        frames.add(grey(32));
      }
      String q = "Does the kite appear before or after the bar?";
      VlmInput x = VlmInput.ofVideo(frames, vlm.promptFormat().videoPrompt(q));
      Tokenization t = vlm.tokenize(x);
      assertEquals(8, t.imageCount());
      for (int f = 0; f < 8; f++) {
        assertEquals(4, t.imagePositions(f).resolve(t.length()).length, "frame " + f);
      }
      RunResult r = vlm.run(x, RunSpec.builder().readWords("before", "after").build());
      assertTrue(r.prob("before") + r.prob("after") <= 1 + 1e-6);
    }
  }

  @Test
  void eachCheckpointIsUnpackedOnceIntoItsOwnFolder() throws Exception {
    Path image = TinyVlm.checkpointDir();
    Path video = TinyVideoVlm.checkpointDir();
    assertEquals(image, TinyVlm.checkpointDir(), "a second call reuses the unpacked copy");
    assertNotEquals(image, video);
    for (String f : TinyVlm.FILES) {
      assertTrue(Files.isRegularFile(image.resolve(f)), image + " lacks " + f);
      assertTrue(Files.isRegularFile(video.resolve(f)), video + " lacks " + f);
    }
    assertNotEquals(Files.size(image.resolve("tokenizer.json")), Files.size(video.resolve("tokenizer.json")),
        "the two models have their own vocabularies");
  }

  @Test
  void aMissingResourceIsNamed() {
    IllegalStateException e =
        assertThrows(IllegalStateException.class, () -> TinyVlm.unpack("/no/such/folder/", "vlmlens-test-", "train-tiny"));
    assertTrue(e.getMessage().contains("/no/such/folder/config.json"), e.getMessage());
  }
}
