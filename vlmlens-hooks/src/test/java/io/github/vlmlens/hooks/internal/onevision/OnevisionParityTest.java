package io.github.vlmlens.hooks.internal.onevision;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.vlmlens.core.HookPoint;
import io.github.vlmlens.core.HookedVlm;
import io.github.vlmlens.core.Positions;
import io.github.vlmlens.core.RgbImage;
import io.github.vlmlens.core.RunResult;
import io.github.vlmlens.core.RunSpec;
import io.github.vlmlens.core.Tokenization;
import io.github.vlmlens.core.VlmInput;
import io.github.vlmlens.hooks.CheckpointException;
import io.github.vlmlens.hooks.FamilyParity;
import io.github.vlmlens.hooks.HfFixture;
import io.github.vlmlens.hooks.HookedVlms;
import io.github.vlmlens.hooks.internal.model.HookedModel;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * LLaVA-OneVision against Hugging Face's own outputs on the tiny random fixture (SigLIP, anyres
 * with 2x3 tiles, unpadding and the anyres_max shrink, image_newline, Qwen2 decoder; a 4-frame
 * video through the video path): token ids, pixel values, every vision layer, the packed
 * projector output, every decoder block, the logits, the eager attention patterns, greedy
 * generation, the text-only run, the video run; the transformers-4 config; a bfloat16 copy.
 */
class OnevisionParityTest {
  static final double TOL = 1e-4;
  private static HfFixture fx;
  private static HookedVlm vlm;
  private static OnevisionArchitecture arch;
  private static FamilyParity check;

  @BeforeAll
  static void load() {
    fx = HfFixture.open("llava_onevision");
    vlm = HookedVlms.load(fx.checkpoint());
    arch = (OnevisionArchitecture) ((HookedModel) vlm).architecture();
    check = new FamilyParity(fx, TOL);
  }

  @AfterAll
  static void close() {
    vlm.close();
    fx.close();
  }

  static VlmInput video() {
    List<RgbImage> frames = new ArrayList<>();
    for (var f : fx.info.get("video_frames")) {
      try {
        frames.add(RgbImage.read(fx.dir.resolve(f.asText())));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return VlmInput.ofVideo(frames, fx.info.get("video_prompt").asText());
  }

  @Test
  void tokensAndPixelsMatchTheProcessor() {
    Tokenization t = vlm.tokenize(fx.input("<image>"));
    assertArrayEquals(fx.ints("input_ids"), t.ids());
    assertEquals(fx.info.get("num_image_tokens").asInt(), t.imagePositions().resolve(t.length()).length);
    assertArrayEquals(fx.ints("text_input_ids"), vlm.tokenize(fx.textInput()).ids());
    Tokenization v = vlm.tokenize(video());
    assertArrayEquals(fx.ints("video_input_ids"), v.ids());
    assertEquals(fx.info.get("num_video_tokens").asInt(), v.imagePositions().resolve(v.length()).length);
    AnyresImages.Tiles tiles = arch.images().tiles(fx.image(), true);
    assertEquals(7, tiles.pixels().size());
    float[] px = new float[7 * 3 * 16 * 16];
    for (int i = 0; i < 7; i++) {
      System.arraycopy(tiles.pixels().get(i), 0, px, i * 768, 768);
    }
    double d = check.report("pixel_values", HfFixture.maxAbsDiff(fx.floats("pixel_values"), px));
    assertTrue(d <= 1e-6, "pixel values " + d);
    assertEquals(fx.info.get("prompt").asText(),
        vlm.promptFormat().imagePrompt("Is the dog to the left or right of the cat?"));
  }

  @Test
  void everyHiddenStateAllLogitsAndAttentionPatternsMatch() {
    RunSpec.Builder b = RunSpec.builder().logits(RunSpec.LogitsMode.ALL);
    for (HookPoint p : vlm.hookPoints()) {
      b.capture(p, Positions.all());
    }
    RunResult r = vlm.run(fx.input("<image>"), b.build());
    check.assertClose("vision_block_input", r.cache().get(HookPoint.visionResid(0)).flat());
    for (int l = 1; l <= arch.config().visionLayersRun(); l++) {
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
  void theVideoPathMatches() {
    RunSpec.Builder b = RunSpec.builder().logits(RunSpec.LogitsMode.ALL).capture(HookPoint.projectorOut());
    for (int l = 0; l <= arch.config().visionLayersRun(); l++) {
      b.capture(HookPoint.visionResid(l));
    }
    for (int l = 0; l <= vlm.numLayers(); l++) {
      b.capture(HookPoint.lmResid(l));
    }
    RunResult r = vlm.run(video(), b.build());
    check.assertClose("video_vision_block_input", r.cache().get(HookPoint.visionResid(0)).flat());
    for (int l = 1; l <= arch.config().visionLayersRun(); l++) {
      check.assertClose("video_vision_block_" + (l - 1), r.cache().get(HookPoint.visionResid(l)).flat());
    }
    check.assertClose("video_projector_out", r.cache().get(HookPoint.projectorOut()).flat());
    for (int l = 0; l <= vlm.numLayers(); l++) {
      check.assertClose("video_lm_hidden_" + l, r.cache().get(HookPoint.lmResid(l)).flat());
    }
    check.assertLogits("video_logits", FamilyParity.flat(r.allLogits()), arch.vocabSize());
  }

  @Test
  void greedyGenerationThroughTheKvCacheMatches() {
    check.assertGreedyGeneration(arch, fx.input("<image>"));
  }

  @Test
  void transformers4ConfigLoads(@TempDir Path tmp) throws Exception {
    // the published llava-hf configs: rope_theta in text_config, Qwen2 defaults for the rest
    ObjectNode v4 = fx.config().deepCopy();
    ObjectNode tc = (ObjectNode) v4.get("text_config");
    double theta = tc.get("rope_parameters").get("rope_theta").asDouble();
    tc.remove("rope_parameters");
    tc.remove("rms_norm_eps");
    tc.remove("hidden_act");
    tc.put("rope_theta", theta);
    OnevisionConfig a = OnevisionConfig.parse(v4, "config.json");
    OnevisionConfig b = OnevisionConfig.parse(fx.config(), "config.json");
    assertEquals(b.text(), a.text());
    assertEquals(b.vision(), a.vision());
  }

  @Test
  void bfloat16WeightsLoadAndAgree(@TempDir Path tmp) throws Exception {
    try (HookedVlm m = HookedVlms.load(check.copyCheckpoint(tmp.resolve("bf16"), true, null))) {
      RunResult r = m.run(fx.input("<image>"), RunSpec.builder().logits(RunSpec.LogitsMode.ALL).build());
      double d = check.report("logits (bf16 weights)",
          HfFixture.maxAbsDiff(fx.floats("logits"), FamilyParity.flat(r.allLogits())));
      assertTrue(d > 0 && d < 0.25, "bf16 logits differ by " + d);
    }
  }

  @Test
  void unsupportedSettingsAreErrorsNamingTheKey() throws Exception {
    Map<String, String> cases = new LinkedHashMap<>();
    cases.put("vision_feature_layer", "{\"vision_feature_layer\": [-2, -1]}");
    cases.put("vision_feature_select_strategy", "{\"vision_feature_select_strategy\": \"default\"}");
    cases.put("vision_aspect_ratio", "{\"vision_aspect_ratio\": \"anyres\"}");
    cases.put("text_config.use_sliding_window", "{\"text_config\": {\"use_sliding_window\": true}}");
    cases.put("text_config.model_type", "{\"text_config\": {\"model_type\": \"llama\"}}");
    cases.put("text_config.hidden_size", "{\"text_config\": {\"hidden_size\": null}}");
    ObjectMapper mapper = new ObjectMapper();
    for (Map.Entry<String, String> c : cases.entrySet()) {
      ObjectNode cfg = fx.config().deepCopy();
      mapper.readerForUpdating(cfg).readValue(c.getValue());
      CheckpointException e =
          assertThrows(CheckpointException.class, () -> OnevisionConfig.parse(cfg, "config.json"), c.getKey());
      assertTrue(e.getMessage().contains("'" + c.getKey() + "'"), e.getMessage());
    }
  }
}
