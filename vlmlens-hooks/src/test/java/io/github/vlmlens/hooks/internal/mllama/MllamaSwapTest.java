package io.github.vlmlens.hooks.internal.mllama;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.vlmlens.core.HookPoint;
import io.github.vlmlens.core.HookedVlm;
import io.github.vlmlens.core.Intervention;
import io.github.vlmlens.core.Positions;
import io.github.vlmlens.core.RunResult;
import io.github.vlmlens.core.RunSpec;
import io.github.vlmlens.core.VlmInput;
import io.github.vlmlens.core.analysis.ImageTokenDefinition;
import io.github.vlmlens.core.analysis.ShiftFormula;
import io.github.vlmlens.core.analysis.SwapConfig;
import io.github.vlmlens.core.analysis.SwapExperiment;
import io.github.vlmlens.core.analysis.SwapResult;
import io.github.vlmlens.core.analysis.SwapSample;
import io.github.vlmlens.core.analysis.SwapSet;
import io.github.vlmlens.hooks.HfFixture;
import io.github.vlmlens.hooks.HookedVlms;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.vlmlens.hooks.FamilyParity;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The mirror-swap engine on Llama-3.2-Vision's fixture (block 3 of 4 is the cross-attention
 * block): "all image tokens" is y's cross-attention states in the blocks after the swap layer, the
 * result says so, and the shifts obey what that definition implies.
 */
class MllamaSwapTest {
  private static final String Q = "Is the dog to the left or right of the cat?";
  private static HfFixture fx;
  private static HookedVlm vlm;

  @BeforeAll
  static void load(@TempDir Path tmp) throws IOException {
    fx = HfFixture.open("mllama");
    // the tiny BPE has "left" but no single-token "right": add both answer words as tokens whose
    // ids (338, 339) lie inside the model's vocabulary, as a real tokenizer has them
    Path dir = new FamilyParity(fx, 0).copyCheckpoint(tmp.resolve("ckpt"), false, null);
    ObjectNode tok = (ObjectNode) HfFixture.MAPPER.readTree(dir.resolve("tokenizer.json").toFile());
    int id = 338;
    for (String w : new String[] {"Left", "Right"}) {
      tok.withArray("added_tokens").addObject().put("id", id++).put("content", w).put("single_word", false)
          .put("lstrip", false).put("rstrip", false).put("normalized", false).put("special", false);
    }
    HfFixture.MAPPER.writeValue(dir.resolve("tokenizer.json").toFile(), tok);
    vlm = HookedVlms.load(dir);
  }

  @AfterAll
  static void close() {
    vlm.close();
    fx.close();
  }

  @Test
  void allImageTokensAreTheCrossAttentionStatesFromTheSwapLayerOn() {
    VlmInput x = vlm.promptFormat().input(fx.image(), Q);
    VlmInput y = vlm.promptFormat().input(HfFixture.mirrored(fx.image()), Q);
    // same image, the objects named the other way round: the image sets change nothing
    VlmInput same = vlm.promptFormat().input(fx.image(), "Is the cat to the left or right of the dog?");
    SwapConfig config = SwapConfig.builder().name("mirror").allLayers().threshold(0)
        .formula(ShiftFormula.LOG_PROBABILITY)
        .swapSets(SwapSet.OBJECT_WORDS, SwapSet.ALL_TEXT, SwapSet.ALL_IMAGE, SwapSet.CONTROL_TEXT).build();
    List<String> objects = List.of("dog", "cat");
    SwapResult r = SwapExperiment.of(vlm, config).withProgressBar(false).run(List.of(
        SwapSample.of("mirror", x, y, "Left", "Right", objects),
        SwapSample.of("same-image", x, same, "Left", "Right", objects)));
    assertEquals(ImageTokenDefinition.CROSS_ATTENTION_STATES, r.imageTokenDefinition());

    SwapResult.Sample mirror = r.samples().get(0);
    List<SwapResult.Readout> image = mirror.readouts().get(SwapSet.ALL_IMAGE);
    List<SwapResult.Readout> text = mirror.readouts().get(SwapSet.ALL_TEXT);
    for (int l = 0; l <= 4; l++) {
      assertTrue(Double.isFinite(image.get(l).shift()) && Double.isFinite(text.get(l).shift()), "layer " + l);
      // same prompt: y's text stream at lm.0 is x's, so only the states can move the belief
      if (l == 0) {
        assertEquals(0.0, text.get(l).shift(), 0.0, "lm.0 text is the same in x and y");
      }
    }
    // from lm.0 on, y's states everywhere: x~ is y's run, a shift of 1
    assertEquals(1.0, image.get(0).shift(), 1e-4);
    assertEquals(mirror.logProbYGt(), image.get(0).logProbGt(), 1e-5);
    // up to lm.2 the cross-attention block 3 is still ahead: the same patch, the same readout
    assertEquals(image.get(0).logProbGt(), image.get(2).logProbGt(), 1e-5);
    // from lm.3 on no cross-attention block is left: nothing to patch, x's own readout
    for (int l = 3; l <= 4; l++) {
      assertEquals(0.0, image.get(l).shift(), 0.0, "layer " + l);
      assertEquals(mirror.logProbXGt(), image.get(l).logProbGt());
    }
    // x's text up to lm.L with y's states after it: what a hand-made resumed run gives
    RunSpec.Builder cap = RunSpec.builder().capture(HookPoint.projectorOut());
    for (int l = 0; l <= 4; l++) {
      cap.capture(HookPoint.lmResid(l));
    }
    RunResult rx = vlm.run(x, cap.build());
    RunResult ry = vlm.run(y, RunSpec.builder().capture(HookPoint.lmCrossStates(3)).build());
    RunResult byHand = vlm.run(x, RunSpec.builder().resumeFrom(rx.cache(), 1).readWords("Left", "Right")
        .intervene(Intervention.patch(HookPoint.lmCrossStates(3), Positions.all(), ry.cache())).build());
    assertEquals(byHand.logProb("Left"), image.get(1).logProbGt(), 1e-5);

    SwapResult.Sample sameImage = r.samples().get(1);
    for (SwapResult.Readout ro : sameImage.readouts().get(SwapSet.ALL_IMAGE)) {
      assertEquals(0.0, ro.shift(), 0.0, "the same image's states change nothing, layer " + ro.layer());
    }
  }
}
