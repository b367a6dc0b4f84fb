package io.github.vlmlens.hooks.internal.gemma3;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.vlmlens.core.HookPoint;
import io.github.vlmlens.core.HookedVlm;
import io.github.vlmlens.core.Positions;
import io.github.vlmlens.core.RunResult;
import io.github.vlmlens.core.RunSpec;
import io.github.vlmlens.core.Tokenization;
import io.github.vlmlens.core.VlmInput;
import io.github.vlmlens.hooks.CheckpointException;
import io.github.vlmlens.hooks.FamilyParity;
import io.github.vlmlens.hooks.HfFixture;
import io.github.vlmlens.hooks.HookedVlms;
import io.github.vlmlens.hooks.internal.model.HookedModel;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Gemma 3 against Hugging Face's own outputs on the tiny random fixture (SigLIP, pooling projector,
 * sliding-window and global layers with linear rotary scaling on the global ones, q/k norms,
 * {@code query_pre_attn_scalar}, final logit soft-capping, an image whose tokens attend both ways):
 * token ids, pixel values, every vision layer, the projector, every decoder block, the logits at
 * all positions, the eager attention patterns, greedy generation through the KV cache, the
 * text-only run; the transformers-4 config; a bfloat16 copy.
 */
class Gemma3ParityTest {
  static final double TOL = 1e-4;
  static final String BOI = "<start_of_image>";
  private static HfFixture fx;
  private static HookedVlm vlm;
  private static Gemma3Architecture arch;
  private static FamilyParity check;

  @BeforeAll
  static void load() {
    fx = HfFixture.open("gemma3");
    vlm = HookedVlms.load(fx.checkpoint());
    arch = (Gemma3Architecture) ((HookedModel) vlm).architecture();
    check = new FamilyParity(fx, TOL);
  }

  @AfterAll
  static void close() {
    vlm.close();
    fx.close();
  }

  @Test
  void tokensAndPixelsMatchTheProcessor() {
    Tokenization t = vlm.tokenize(fx.input(BOI));
    assertArrayEquals(fx.ints("input_ids"), t.ids());
    int[] img = t.imagePositions().resolve(t.length());
    assertEquals(fx.info.get("num_image_tokens").asInt(), img.length);
    assertEquals(fx.info.get("image_token_positions").get(0).asInt(), img[0]);
    assertArrayEquals(fx.ints("text_input_ids"), vlm.tokenize(fx.textInput()).ids());
    double d = check.report("pixel_values", HfFixture.maxAbsDiff(fx.floats("pixel_values"), arch.pixelValues(fx.image())));
    assertTrue(d <= 1e-6, "pixel values " + d);
    // the default prompt format is what the chat template renders (less the <bos> the tokenizer adds)
    String rendered = fx.info.get("chat_template_rendering").asText();
    assertEquals(rendered.substring("<bos>".length()).replace(BOI, VlmInput.IMAGE_PLACEHOLDER),
        vlm.promptFormat().imagePrompt("Is the dog to the left or right of the cat?"));
  }

  @Test
  void everyHiddenStateAllLogitsAndAttentionPatternsMatch() {
    RunSpec.Builder b = RunSpec.builder().logits(RunSpec.LogitsMode.ALL);
    for (HookPoint p : vlm.hookPoints()) {
      b.capture(p, Positions.all());
    }
    RunResult r = vlm.run(fx.input(BOI), b.build());
    check.assertClose("vision_block_input", r.cache().get(HookPoint.visionResid(0)).flat());
    int depth = arch.config().vision().numHiddenLayers();
    for (int l = 1; l <= depth; l++) {
      check.assertClose("vision_block_" + (l - 1), r.cache().get(HookPoint.visionResid(l)).flat());
    }
    check.assertClose("projector_out", r.cache().get(HookPoint.projectorOut()).flat());
    for (int l = 0; l <= vlm.numLayers(); l++) {
      check.assertClose("lm_hidden_" + l, r.cache().get(HookPoint.lmResid(l)).flat());
    }
    check.assertLogits("logits", FamilyParity.flat(r.allLogits()), arch.vocabSize());
    check.assertAttentionPatterns(r, vlm.numLayers());
    RunResult text = vlm.run(fx.textInput(), RunSpec.builder().logits(RunSpec.LogitsMode.ALL).build());
    check.assertLogits("text_logits", FamilyParity.flat(text.allLogits()), arch.vocabSize());
  }

  @Test
  void greedyGenerationThroughTheKvCacheMatches() {
    check.assertGreedyGeneration(arch, fx.input(BOI));
  }

  @Test
  void transformers4ConfigLoadsTheSameModel(@TempDir Path tmp) throws Exception {
    JsonNode v4 = HfFixture.json(fx.checkpoint().resolve("config.v4.json"));
    assertTrue(v4.get("text_config").has("rope_local_base_freq"));
    Gemma3Config a = Gemma3Config.parse(v4, "config.v4.json");
    Gemma3Config b = Gemma3Config.parse(fx.config(), "config.json");
    assertEquals(b.vision(), a.vision());
    assertEquals(b.text().global(), a.text().global());
    assertEquals(b.text().local(), a.text().local());
    assertArrayEquals(b.text().sliding(), a.text().sliding());
    try (HookedVlm m = HookedVlms.load(check.copyCheckpoint(tmp.resolve("v4"), false, "config.v4.json"))) {
      RunResult r = m.run(fx.input(BOI), RunSpec.builder().logits(RunSpec.LogitsMode.ALL).build());
      check.assertLogits("logits", FamilyParity.flat(r.allLogits()), arch.vocabSize());
    }
    // the published configs leave sizes at Gemma3TextConfig's defaults
    ObjectNode bare = new ObjectMapper().createObjectNode().put("model_type", "gemma3");
    bare.putObject("text_config");
    bare.putObject("vision_config").put("image_size", 896).put("patch_size", 14).put("vision_use_head", false);
    Gemma3Config d = Gemma3Config.parse(bare, "config.json");
    assertEquals(2304, d.text().hiddenSize());
    assertEquals(256, d.text().headDim());
    assertTrue(d.text().sliding()[0] && !d.text().sliding()[5]);
  }

  @Test
  void bfloat16WeightsLoadAndAgree(@TempDir Path tmp) throws Exception {
    try (HookedVlm m = HookedVlms.load(check.copyCheckpoint(tmp.resolve("bf16"), true, null))) {
      RunResult r = m.run(fx.input(BOI), RunSpec.builder().logits(RunSpec.LogitsMode.ALL).build());
      double d = check.report("logits (bf16 weights)", HfFixture.maxAbsDiff(fx.floats("logits"), FamilyParity.flat(r.allLogits())));
      assertTrue(d > 0 && d < 0.25, "bf16 logits differ by " + d);
    }
  }

  @Test
  void unsupportedSettingsAreErrorsNamingTheKey() {
    Map<String, String> cases = new LinkedHashMap<>();
    cases.put("text_config.attn_logit_softcapping", "{\"text_config\": {\"attn_logit_softcapping\": 50.0}}");
    cases.put("text_config.rope_parameters.full_attention.rope_type",
        "{\"text_config\": {\"rope_parameters\": {\"full_attention\": {\"rope_type\": \"yarn\"}}}}");
    cases.put("text_config.use_bidirectional_attention", "{\"text_config\": {\"use_bidirectional_attention\": true}}");
    cases.put("text_config.layer_types", "{\"text_config\": {\"layer_types\": [\"full_attention\"]}}");
    cases.put("mm_tokens_per_image", "{\"mm_tokens_per_image\": 5}");
    cases.put("vision_config.hidden_act", "{\"vision_config\": {\"hidden_act\": \"mish\"}}");
    for (Map.Entry<String, String> c : cases.entrySet()) {
      ObjectNode cfg = fx.config().deepCopy();
      merge(cfg, (ObjectNode) json(c.getValue()));
      CheckpointException e =
          assertThrows(CheckpointException.class, () -> Gemma3Config.parse(cfg, "config.json"), c.getKey());
      assertTrue(e.getMessage().contains("'" + c.getKey() + "'"), e.getMessage());
    }
  }

  static JsonNode json(String s) {
    try {
      return new ObjectMapper().readTree(s);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  static void merge(ObjectNode into, ObjectNode from) {
    from.fields().forEachRemaining(e -> {
      if (e.getValue().isObject() && into.get(e.getKey()) instanceof ObjectNode o) {
        merge(o, (ObjectNode) e.getValue());
      } else {
        into.set(e.getKey(), e.getValue());
      }
    });
  }
}
