package io.github.vlmlens.hooks.internal.internvl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.vlmlens.core.HookPoint;
import io.github.vlmlens.core.HookedVlm;
import io.github.vlmlens.core.Positions;
import io.github.vlmlens.core.RunResult;
import io.github.vlmlens.core.RunSpec;
import io.github.vlmlens.core.Tokenization;
import io.github.vlmlens.core.VlmInput;
import io.github.vlmlens.hooks.CheckpointException;
import io.github.vlmlens.hooks.ForwardTap;
import io.github.vlmlens.hooks.HfFixture;
import io.github.vlmlens.hooks.HookedVlms;
import io.github.vlmlens.hooks.LoadOptions;
import io.github.vlmlens.hooks.internal.model.Architecture;
import io.github.vlmlens.hooks.internal.model.HookedModel;
import io.github.vlmlens.hooks.internal.model.KvCache;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * InternVL against Hugging Face's own outputs on the tiny random fixture (InternViT with q/k norm
 * and layer scale, 2 tiles + thumbnail, Qwen2 decoder): token ids, pixel values, every vision
 * layer, the projector, every decoder block, the logits at all positions, the eager attention
 * patterns, greedy generation through the KV cache, the text-only run; the transformers-4 config.
 */
class InternVlParityTest {
  static final double TOL = 1e-4;
  static final String CONTEXT = "<IMG_CONTEXT>";
  private static HfFixture fx;
  private static HookedVlm vlm;
  private static InternVlArchitecture arch;

  @BeforeAll
  static void load() {
    fx = HfFixture.open("internvl");
    vlm = HookedVlms.load(fx.checkpoint());
    arch = (InternVlArchitecture) ((HookedModel) vlm).architecture();
  }

  @AfterAll
  static void close() {
    vlm.close();
    fx.close();
  }

  static void report(String what, double d) {
    System.out.printf("[internvl] %-34s max|diff| = %.3g%n", what, d);
  }

  static void assertClose(String name, float[] got) {
    double d = HfFixture.maxAbsDiff(fx.floats(name), got);
    report(name, d);
    assertTrue(d <= TOL, name + ": max abs difference " + d);
  }

  static float[] flat(float[][] rows) {
    int v = rows[0].length;
    float[] out = new float[rows.length * v];
    for (int t = 0; t < rows.length; t++) {
      System.arraycopy(rows[t], 0, out, t * v, v);
    }
    return out;
  }

  static void assertLogits(String name, float[] got) {
    assertClose(name, got);
    int v = arch.vocabSize();
    assertArrayEquals(HfFixture.argmaxRows(fx.floats(name), v), HfFixture.argmaxRows(got, v), name + " argmax");
  }

  @Test
  void tokensAndPixelsMatchTheProcessor() {
    Tokenization t = vlm.tokenize(fx.input(CONTEXT));
    assertArrayEquals(fx.ints("input_ids"), t.ids());
    assertEquals(fx.info.get("num_image_tokens").asInt(), t.imagePositions().resolve(t.length()).length);
    assertEquals(fx.info.get("image_token_positions").get(0).asInt(), t.imagePositions().resolve(t.length())[0]);
    assertArrayEquals(fx.ints("text_input_ids"), vlm.tokenize(fx.textInput()).ids());
    assertEquals(3, arch.processor().tiles(fx.image()));
    float[] px = arch.pixelValues(fx.image());
    double d = HfFixture.maxAbsDiff(fx.floats("pixel_values"), px);
    report("pixel_values", d);
    assertTrue(d <= 1e-6, "pixel values " + d);
    // The default prompt format renders what the chat template renders.
    assertEquals(
        fx.info.get("prompt").asText().replace(CONTEXT, VlmInput.IMAGE_PLACEHOLDER),
        vlm.promptFormat().imagePrompt(fx.info.get("prompt").asText().split("\n")[2].replace("<|im_end|>", "")));
  }

  @Test
  void everyHiddenStateAllLogitsAndAttentionPatternsMatch() {
    RunSpec.Builder b = RunSpec.builder().logits(RunSpec.LogitsMode.ALL);
    for (HookPoint p : vlm.hookPoints()) {
      b.capture(p, Positions.all());
    }
    RunResult r = vlm.run(fx.input(CONTEXT), b.build());
    assertClose("vision_block_input", r.cache().get(HookPoint.visionResid(0)).flat());
    int depth = arch.config().vision().numHiddenLayers();
    for (int l = 1; l <= depth; l++) {
      assertClose("vision_block_" + (l - 1), r.cache().get(HookPoint.visionResid(l)).flat());
    }
    assertClose("projector_out", r.cache().get(HookPoint.projectorOut()).flat());
    for (int l = 0; l <= vlm.numLayers(); l++) {
      assertClose("lm_hidden_" + l, r.cache().get(HookPoint.lmResid(l)).flat());
    }
    assertLogits("logits", flat(r.allLogits()));
    int t = r.tokenization().length();
    for (int l = 1; l <= vlm.numLayers(); l++) {
      float[] ref = fx.floats("lm_attn_" + (l - 1)); // [1, H, T, T]
      int heads = ref.length / (t * t);
      float[] got = r.cache().get(HookPoint.of(HookPoint.Component.LM, l, HookPoint.Site.ATTN_PATTERN)).flat();
      double max = 0;
      for (int q = 0; q < t; q++) {
        for (int h = 0; h < heads; h++) {
          for (int k = 0; k < t; k++) {
            max = Math.max(max, Math.abs(got[(q * heads + h) * t + k] - ref[(h * t + q) * t + k]));
          }
        }
      }
      report("lm_attn_" + (l - 1), max);
      assertTrue(max <= TOL, "lm." + l + " attention pattern: " + max);
    }
    RunResult text = vlm.run(fx.textInput(), RunSpec.builder().logits(RunSpec.LogitsMode.ALL).build());
    assertLogits("text_logits", flat(text.allLogits()));
  }

  @Test
  void greedyGenerationThroughTheKvCacheMatches() {
    VlmInput in = fx.input(CONTEXT);
    Tokenization tok = arch.tokenize(in);
    Architecture.Encoded enc = arch.encode(in, tok);
    long[] expected = fx.longs("generated_ids");
    float[] stepRef = fx.floats("generated_step_logits");
    int v = arch.vocabSize();
    int n = tok.length();
    int steps = expected.length - n;
    float[] steps32 = new float[steps * v];
    try (NDManager run = arch.manager().newSubManager()) {
      KvCache cache = new KvCache(run, arch.numLayers());
      Architecture.Batch b = arch.batch(List.of(enc), n, true, run);
      NDArray h = arch.decode(arch.embed(b, ForwardTap.NONE), 0, arch.numLayers(), b, cache, ForwardTap.NONE);
      cache.advance(n);
      float[] last = arch.logits(h.get(":, -1:, :")).toType(DataType.FLOAT32, false).toFloatArray();
      for (int s = 0; s < steps; s++) {
        System.arraycopy(last, 0, steps32, s * v, v);
        int next = HfFixture.argmaxRows(last, v)[0];
        assertEquals(expected[n + s], next, "generated token " + s);
        Architecture.Batch step = arch.extend(b, next, n + s, run);
        NDArray e = arch.embed(step, ForwardTap.NONE);
        h = arch.decode(e, 0, arch.numLayers(), step, cache, ForwardTap.NONE);
        cache.advance(1);
        last = arch.logits(h).toType(DataType.FLOAT32, false).toFloatArray();
      }
    }
    double d = HfFixture.maxAbsDiff(stepRef, steps32);
    report("generated_step_logits", d);
    assertTrue(d <= TOL, "step logits " + d);
  }

  @Test
  void transformers4ConfigAndPreprocessorConfigLoadTheSame() throws Exception {
    JsonNode v4 = HfFixture.json(fx.checkpoint().resolve("config.v4.json"));
    assertTrue(v4.get("text_config").has("rope_theta"));
    InternVlConfig a = InternVlConfig.parse(v4, "config.v4.json");
    InternVlConfig b = InternVlConfig.parse(fx.config(), "config.json");
    assertEquals(b.text(), a.text());
    assertEquals(b.vision(), a.vision());
    JsonNode pre = HfFixture.json(fx.checkpoint().resolve("preprocessor_config.v4.json"));
    InternVlImageProcessor p = InternVlImageProcessor.parse(pre, "preprocessor_config.v4.json");
    assertArrayEquals(arch.pixelValues(fx.image()), p.process(fx.image()));
  }

  @Test
  void unsupportedSettingsAreErrorsNamingTheKey() {
    Map<String, String> cases = new LinkedHashMap<>();
    cases.put("vision_feature_layer", "{\"vision_feature_layer\": -2}");
    cases.put("text_config.rope_scaling.type", "{\"text_config\": {\"rope_scaling\": {\"type\": \"yarn\"}}}");
    cases.put("text_config.use_sliding_window", "{\"text_config\": {\"use_sliding_window\": true}}");
    cases.put("vision_config.norm_type", "{\"vision_config\": {\"norm_type\": \"batch_norm\"}}");
    cases.put("downsample_ratio", "{\"downsample_ratio\": 0.3}");
    cases.put("text_config.model_type", "{\"text_config\": {\"model_type\": \"internlm2\"}}");
    cases.put("text_config.hidden_size", "{\"text_config\": {\"hidden_size\": null}}");
    for (Map.Entry<String, String> c : cases.entrySet()) {
      ObjectNode cfg = fx.config().deepCopy();
      merge(cfg, (ObjectNode) json(c.getValue()));
      CheckpointException e =
          assertThrows(CheckpointException.class, () -> InternVlConfig.parse(cfg, "config.json"), c.getKey());
      assertTrue(e.getMessage().contains("'" + c.getKey() + "'"), e.getMessage());
    }
  }

  private static JsonNode json(String s) {
    try {
      return new com.fasterxml.jackson.databind.ObjectMapper().readTree(s);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static void merge(ObjectNode into, ObjectNode from) {
    from.fields().forEachRemaining(e -> {
      if (e.getValue().isObject() && into.get(e.getKey()) instanceof ObjectNode o) {
        merge(o, (ObjectNode) e.getValue());
      } else {
        into.set(e.getKey(), e.getValue());
      }
    });
  }

  @Test
  void tilesFollowTheOptimalCanvas() {
    // Expected grids from transformers' get_optimal_tiled_canvas((h, w), (28, 28), 1, 4).
    InternVlImageProcessor p = arch.processor();
    assertArrayEquals(new int[] {2, 1}, p.grid(61, 97));
    assertArrayEquals(new int[] {2, 2}, p.grid(50, 50)); // tie with 1x1 goes to more tiles: area > half of 2x2
    assertArrayEquals(new int[] {1, 3}, p.grid(100, 40));
    assertArrayEquals(new int[] {1, 1}, p.grid(20, 20));
    assertEquals(5, p.tiles(io.github.vlmlens.core.RgbImage.of(100, 100, new int[100 * 100])));
    assertEquals(1, p.tiles(io.github.vlmlens.core.RgbImage.of(20, 20, new int[400])));
  }
}
