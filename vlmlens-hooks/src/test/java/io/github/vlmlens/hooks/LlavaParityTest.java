package io.github.vlmlens.hooks;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.vlmlens.core.HookPoint;
import io.github.vlmlens.core.HookedVlm;
import io.github.vlmlens.core.RunResult;
import io.github.vlmlens.core.RunSpec;
import io.github.vlmlens.core.VlmInput;
import java.nio.file.Files;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * LLaVA against Hugging Face's own outputs on a tiny random checkpoint that transformers 5 saved
 * (CLIP weights as {@code vision_tower.*}, image settings only in {@code processor_config.json}):
 * token ids, pixel values, every vision layer the pass runs, the projector, every decoder block's
 * raw output and the logits at all positions, within 1e-4, argmax equal.
 */
class LlavaParityTest {
  static final double TOL = 1e-4;
  private static HfFixture fx;
  private static HookedVlm vlm;

  @BeforeAll
  static void load() {
    fx = HfFixture.open("llava");
    vlm = HookedVlms.load(fx.checkpoint());
  }

  @AfterAll
  static void close() {
    vlm.close();
    fx.close();
  }

  @Test
  void theFixtureIsInTheTransformers5Layout() {
    assertTrue(Files.isRegularFile(fx.checkpoint().resolve("processor_config.json")));
    assertTrue(!Files.exists(fx.checkpoint().resolve("preprocessor_config.json")));
    assertInstanceOf(HookedLlava.class, vlm);
  }

  @Test
  void tokensAndPixelsMatchTheProcessor() {
    VlmInput in = fx.input("<image>");
    assertArrayEquals(fx.ints("input_ids"), vlm.tokenize(in).ids());
    assertArrayEquals(fx.ints("text_input_ids"), vlm.tokenize(fx.textInput()).ids());
    float[] px = ((HookedLlava) vlm).pixelValues(fx.image());
    assertTrue(HfFixture.maxAbsDiff(fx.floats("pixel_values"), px) <= 1e-6, "pixel values");
  }

  @Test
  void everyHiddenStateAndAllLogitsMatch() {
    RunSpec.Builder b = RunSpec.builder().logits(RunSpec.LogitsMode.ALL);
    for (HookPoint p : vlm.hookPoints()) {
      b.capture(p);
    }
    RunResult r = vlm.run(fx.input("<image>"), b.build());
    assertClose("vision_block_input", r.cache().get(HookPoint.visionResid(0)).flat());
    int visionRun = 0;
    for (int l = 1; fx.has("vision_block_" + (l - 1)); l++) {
      if (vlm.hookPoints().contains(HookPoint.visionResid(l))) {
        assertClose("vision_block_" + (l - 1), r.cache().get(HookPoint.visionResid(l)).flat());
        visionRun++;
      }
    }
    assertEquals(2, visionRun, "vision_feature_layer -2 of a 3-layer tower runs 2 layers");
    assertClose("projector_out", r.cache().get(HookPoint.projectorOut()).flat());
    for (int l = 0; l <= vlm.numLayers(); l++) {
      assertClose("lm_hidden_" + l, r.cache().get(HookPoint.lmResid(l)).flat());
    }
    assertLogits("logits", r.allLogits());
    RunResult text = vlm.run(fx.textInput(), RunSpec.builder().logits(RunSpec.LogitsMode.ALL).build());
    assertLogits("text_logits", text.allLogits());
  }

  private static void assertClose(String name, float[] got) {
    double d = HfFixture.maxAbsDiff(fx.floats(name), got);
    assertTrue(d <= TOL, name + ": max abs difference " + d);
  }

  private static void assertLogits(String name, float[][] got) {
    int v = got[0].length;
    float[] flat = new float[got.length * v];
    for (int t = 0; t < got.length; t++) {
      System.arraycopy(got[t], 0, flat, t * v, v);
    }
    assertClose(name, flat);
    assertArrayEquals(HfFixture.argmaxRows(fx.floats(name), v), HfFixture.argmaxRows(flat, v), name + " argmax");
  }
}
