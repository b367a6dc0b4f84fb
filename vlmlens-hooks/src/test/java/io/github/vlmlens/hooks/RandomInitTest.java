package io.github.vlmlens.hooks;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import io.github.vlmlens.core.HookedVlm;
import io.github.vlmlens.hooks.internal.model.ArchitectureAccess;
import io.github.vlmlens.hooks.internal.model.RandomInit;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

/** {@link LoadOptions.Builder#optRandomInit}: the untrained baseline. */
class RandomInitTest {
  @TempDir Path dir;

  private static Map<String, float[]> weights(HookedVlm vlm) {
    Map<String, float[]> out = new LinkedHashMap<>();
    for (Map.Entry<String, NDArray> e : ArchitectureAccess.of(vlm).weights().entrySet()) {
      out.put(e.getKey(), e.getValue().toFloatArray());
    }
    return out;
  }

  private static double[] meanStd(float[] v) {
    double m = 0;
    for (float x : v) {
      m += x / (double) v.length;
    }
    double s = 0;
    for (float x : v) {
      s += (x - m) * (x - m) / v.length;
    }
    return new double[] {m, Math.sqrt(s)};
  }

  /** Norms kept, everything else redrawn with its own mean and std, a new fingerprint and name. */
  private static void checkRedrawn(HookedVlm trained, HookedVlm random) {
    assertNotEquals(trained.info().fingerprint(), random.info().fingerprint());
    assertTrue(random.info().hasFingerprint());
    assertTrue(random.name().endsWith("(random-init, seed 7)"), random.name());
    Map<String, float[]> a = weights(trained);
    Map<String, float[]> b = weights(random);
    assertEquals(a.keySet(), b.keySet());
    int redrawn = 0;
    for (String name : a.keySet()) {
      if (RandomInit.isNorm(name)) {
        assertArrayEquals(a.get(name), b.get(name), 0, name + " is a norm: kept");
      } else if (a.get(name).length >= 64) {
        redrawn++;
        assertFalse(java.util.Arrays.equals(a.get(name), b.get(name)), name + " redrawn");
        double[] ma = meanStd(a.get(name));
        double[] mb = meanStd(b.get(name));
        double tol = 5 * ma[1] / Math.sqrt(a.get(name).length) + 1e-6;
        assertEquals(ma[0], mb[0], tol, name + " mean");
        assertEquals(ma[1], mb[1], 0.25 * ma[1] + 1e-6, name + " std");
      }
    }
    assertTrue(redrawn > 5, "redrawn tensors: " + redrawn);
  }

  @Test
  void normParametersAreRecognised() {
    assertTrue(RandomInit.isNorm("language_model.model.layers.0.input_layernorm.weight"));
    assertTrue(RandomInit.isNorm("vision_tower.vision_model.pre_layrnorm.bias"));
    assertTrue(RandomInit.isNorm("visual.merger.ln_q.weight"));
    assertTrue(RandomInit.isNorm("model.norm.weight"));
    assertFalse(RandomInit.isNorm("language_model.model.layers.0.self_attn.q_proj.weight"));
    assertFalse(RandomInit.isNorm("language_model.model.embed_tokens.weight"));
  }

  @Test
  void llavaWeightsAreRedrawnSeededAndFingerprintedAnew() throws IOException {
    Path ckpt = dir.resolve("tiny");
    TinyLlava.writeCheckpoint(ckpt, TinyLlava.config(2), 3);
    LoadOptions random = LoadOptions.builder().optRandomInit(7).build();
    try (HookedVlm trained = HookedLlava.load(ckpt);
        HookedVlm r1 = HookedLlava.load(ckpt, random);
        HookedVlm r2 = HookedVlms.load(ckpt, random);
        HookedVlm other = HookedLlava.load(ckpt, LoadOptions.builder().optRandomInit(8).build())) {
      checkRedrawn(trained, r1);
      assertEquals(r1.info().fingerprint(), r2.info().fingerprint(), "same seed, same weights");
      assertNotEquals(r1.info().fingerprint(), other.info().fingerprint());
    }
  }

  /**
   * Every family redraws its tensors at load, before deriving anything from them: the weights
   * change as {@link #checkRedrawn} demands, the same seed gives the same logits bit for bit, and
   * the redraw reaches the forward pass (the logits differ from the trained model's).
   */
  @ParameterizedTest
  @ValueSource(strings = {"qwen2_vl", "qwen2_5_vl", "gemma3", "internvl", "llava_onevision", "mllama"})
  void everyHookedModelFamilyIsRedrawnAtLoad(String family) {
    Path fixture = HfFixture.find(family);
    assertNotNull(fixture, "the " + family + " fixture is committed");
    Path ckpt = fixture.resolve("checkpoint");
    LoadOptions seven = LoadOptions.builder().optRandomInit(7).build();
    try (HookedVlm trained = HookedVlms.load(ckpt);
        HookedVlm random = HookedVlms.load(ckpt, seven);
        HookedVlm again = HookedVlms.load(ckpt, seven)) {
      checkRedrawn(trained, random);
      assertEquals(random.info().fingerprint(), again.info().fingerprint());
      io.github.vlmlens.core.VlmInput in =
          trained.promptFormat().input(HfFixture.open(family).image(), "Is the dog left?");
      io.github.vlmlens.core.RunSpec spec = io.github.vlmlens.core.RunSpec.builder().build();
      float[] t = trained.run(in, spec).lastLogits();
      float[] r = random.run(in, spec).lastLogits();
      assertArrayEquals(r, again.run(in, spec).lastLogits(), 0f, "same seed, same logits");
      assertTrue(HfFixture.maxAbsDiff(t, r) > 1e-3, "the redrawn weights reach the forward pass");
    }
  }
}
