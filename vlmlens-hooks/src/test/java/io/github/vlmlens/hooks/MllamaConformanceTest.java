package io.github.vlmlens.hooks;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.vlmlens.core.ActivationCache;
import io.github.vlmlens.core.HookPoint;
import io.github.vlmlens.core.Intervention;
import io.github.vlmlens.core.Positions;
import io.github.vlmlens.core.RgbImage;
import io.github.vlmlens.core.RunResult;
import io.github.vlmlens.core.RunSpec;
import io.github.vlmlens.core.Tokenization;
import io.github.vlmlens.core.VlmInput;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The conformance suite on the Hugging Face-made Llama-3.2-Vision fixture. Images never enter the
 * text stream here: {@code lm.0} is text only and the image reaches the decoder through the
 * cross-attention states ({@code projector.out}, tiles x (patches + 1) rows per image), so the two
 * invariants that assume image rows in the text stream take their mllama form: patching another
 * run's residual stream also patches its cross-attention states, and {@code projector.out} is
 * checked by what patching it does (the whole run becomes the other run) instead of by equality
 * with {@code lm.0}'s image rows.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MllamaConformanceTest extends FamiliesIIConformanceTest.OnFixture {
  @Override
  String family() {
    return "mllama";
  }

  @Override
  String[] answerWords() {
    return new String[] {"left", "No"};
  }

  /** The image enters through the cross-attention states: patch those too. */
  @Override
  RunSpec.Builder withImageOf(RunSpec.Builder b, ActivationCache other) {
    return b.intervene(Intervention.patch(HookPoint.projectorOut(), Positions.all(), other));
  }

  /** lm.0 is text only: two images first differ at their cross-attention states. */
  @Override
  HookPoint imageCarrier() {
    return HookPoint.projectorOut();
  }

  /** One state row per vision token of every tile (empty tiles included); none of them is in lm.0. */
  @Override
  void assertProjectorRowsAreTheImageRows(RunResult r, Tokenization t) {
    JsonNode v = HfFixture.json(HfFixture.find(family()).resolve("checkpoint/config.json")).get("vision_config");
    int tiles = v.get("max_num_tiles").asInt();
    int patch = v.get("patch_size").asInt();
    int size = v.get("image_size").asInt();
    int perTile = (size / patch) * (size / patch) + 1;
    assertEquals(1, t.imagePositions().size(), "the <|image|> token is the image's one position");
    assertEquals(tiles * perTile, r.cache().get(HookPoint.projectorOut()).positions().length);
  }

  @Test
  void patchingTheCrossAttentionStatesFromAnotherImageGivesThatRun() {
    VlmInput x = vlm().promptFormat().input(image(), QUESTION);
    VlmInput y = vlm().promptFormat().input(mirrored(image()), QUESTION);
    RunSpec.Builder cap = RunSpec.builder().capture(HookPoint.projectorOut());
    for (int l = 0; l <= vlm().numLayers(); l++) {
      cap.capture(HookPoint.lmResid(l));
    }
    RunResult rx = vlm().run(x, cap.build());
    RunResult ry = vlm().run(y, cap.build());
    // the image is not in the text stream: lm.0 is the same for both images
    assertArrayEquals(rx.cache().get(HookPoint.lmResid(0)).flat(), ry.cache().get(HookPoint.lmResid(0)).flat());
    assertFalse(Arrays.equals(rx.lastLogits(), ry.lastLogits()), "the two images give different outputs");
    RunResult patched = vlm().run(
        x, cap.intervene(Intervention.patch(HookPoint.projectorOut(), Positions.all(), ry.cache())).build());
    // every position (text before the image attends to all states too) becomes y's run
    for (int l = 0; l <= vlm().numLayers(); l++) {
      assertArrayEquals(ry.cache().get(HookPoint.lmResid(l)).flat(), patched.cache().get(HookPoint.lmResid(l)).flat(),
          "lm." + l);
    }
    assertArrayEquals(ry.lastLogits(), patched.lastLogits());
  }
}
