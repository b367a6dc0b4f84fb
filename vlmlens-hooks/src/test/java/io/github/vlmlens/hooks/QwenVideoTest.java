package io.github.vlmlens.hooks;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.github.vlmlens.core.HookPoint;
import io.github.vlmlens.core.HookedVlm;
import io.github.vlmlens.core.RgbImage;
import io.github.vlmlens.core.RunResult;
import io.github.vlmlens.core.RunSpec;
import io.github.vlmlens.core.Tokenization;
import io.github.vlmlens.core.VlmInput;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Qwen2-VL and Qwen2.5-VL video input through the same tower: frames go in temporal patches of
 * two, so a single image is exactly a video of that image twice (Hugging Face repeats an image
 * over the temporal patch), and four frames make two temporal patches.
 */
class QwenVideoTest {
  @ParameterizedTest
  @ValueSource(strings = {"qwen2_vl", "qwen2_5_vl"})
  void anImageEqualsAVideoOfItTwiceAndFourFramesMakeTwoTemporalPatches(String family) {
    try (HfFixture fx = HfFixture.open(family); HookedVlm vlm = HookedVlms.load(fx.checkpoint())) {
      RgbImage image = fx.image();
      String q = "Is the dog to the left or right of the cat?";
      VlmInput still = vlm.promptFormat().input(image, q);
      VlmInput video = VlmInput.ofVideo(List.of(image, image), vlm.promptFormat().videoPrompt(q));
      RunSpec spec =
          RunSpec.builder().logits(RunSpec.LogitsMode.ALL).capture(HookPoint.projectorOut()).build();
      RunResult a = vlm.run(still, spec);
      RunResult b = vlm.run(video, spec);
      Tokenization tv = b.tokenization();
      assertEquals(2, tv.imageCount(), "one range per frame");
      assertEquals(a.tokenization().imagePositions().size(), tv.imagePositions(0).size());
      assertEquals(0, tv.imagePositions(1).size(), "the second frame of a temporal patch carries no token");
      assertArrayEquals(
          a.cache().get(HookPoint.projectorOut()).flat(), b.cache().get(HookPoint.projectorOut()).flat(), 1e-5f);
      float[][] la = a.allLogits();
      float[][] lb = b.allLogits();
      for (int t = 0; t < la.length; t++) {
        assertArrayEquals(la[t], lb[t], 1e-4f, family + " position " + t);
      }
      RgbImage other = ConformanceSuite.mirrored(image);
      VlmInput four = VlmInput.ofVideo(List.of(image, image, other, other), vlm.promptFormat().videoPrompt(q));
      RunResult c = vlm.run(four, spec);
      int perPatch = tv.imagePositions(0).size();
      assertEquals(2 * perPatch, c.tokenization().imagePositions().size());
      float[] cf = c.cache().get(HookPoint.projectorOut()).flat();
      float[] first = Arrays.copyOf(cf, cf.length / 2);
      assertArrayEquals(b.cache().get(HookPoint.projectorOut()).flat(), first, 1e-5f, "the first patch is the image's");
      assertFalse(Arrays.equals(first, Arrays.copyOfRange(cf, cf.length / 2, cf.length)), "the second is the mirror's");
    }
  }
}
