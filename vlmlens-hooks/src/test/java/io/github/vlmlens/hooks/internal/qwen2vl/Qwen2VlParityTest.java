package io.github.vlmlens.hooks.internal.qwen2vl;

import io.github.vlmlens.hooks.HfFixture;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

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
import io.github.vlmlens.hooks.ForwardTap;
import io.github.vlmlens.hooks.LoadOptions;
import io.github.vlmlens.hooks.internal.model.Architecture;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Parity with Hugging Face transformers on the tiny random Qwen2-VL and Qwen2.5-VL fixtures: token
 * ids, pixel rows, grid, M-RoPE positions, every vision block, the merger, every decoder block
 * and the logits at all positions.
 */
class Qwen2VlParityTest {
  private static final double TOL = 1e-4;

  /** Records every visited activation as float32 host values. */
  static final class Recorder implements ForwardTap {
    final Map<HookPoint, float[]> seen = new LinkedHashMap<>();

    @Override
    public NDArray visit(HookPoint point, NDArray activation) {
      seen.put(point, activation.toType(DataType.FLOAT32, false).toFloatArray());
      return activation;
    }
  }

  /** One forward of a single input through the architecture: every point recorded, logits. */
  static float[] forward(Qwen2VlArchitecture arch, VlmInput input, Recorder rec) {
    Tokenization tok = arch.tokenize(input);
    Architecture.Encoded enc = arch.encode(input, tok);
    try (NDManager run = arch.manager().newSubManager()) {
      Architecture.Batch b = arch.batch(List.of(enc), tok.length(), enc.images() > 0, run);
      NDArray h = arch.embed(b, rec);
      h = arch.decode(h, 0, arch.numLayers(), b, null, rec);
      return arch.logits(h).toType(DataType.FLOAT32, false).toFloatArray();
    }
  }

  private static void report(String family, String what, double diff) {
    System.out.printf("[%s] %-28s max|diff| = %.3g%n", family, what, diff);
  }

  private static void close(String family, String what, float[] expected, float[] actual) {
    double d = HfFixture.maxAbsDiff(expected, actual);
    report(family, what, d);
    assertTrue(d <= TOL, family + " " + what + ": max abs diff " + d);
  }

  @ParameterizedTest
  @ValueSource(strings = {"qwen2_vl", "qwen2_5_vl"})
  void matchesHuggingFace(String family) {
    assumeTrue(HfFixture.find(family) != null, "fixture " + family + " not generated yet");
    try (HfFixture fx = HfFixture.open(family);
        Qwen2VlArchitecture arch = Qwen2VlArchitecture.load(fx.checkpoint(), fx.config(), LoadOptions.defaults())) {
      VlmInput input = fx.input("<|image_pad|>");
      Tokenization tok = arch.tokenize(input);
      assertArrayEquals(fx.ints("input_ids"), tok.ids(), "input ids");
      Qwen2VlImageProcessor.Patches px = arch.processor().process(input.images().get(0));
      int[] grid = fx.ints("image_grid_thw");
      assertArrayEquals(grid, new int[] {px.t(), px.h(), px.w()}, "image_grid_thw");
      close(family, "pixel_values", fx.floats("pixel_values"), px.rows());
      Qwen2VlArchitecture.QwenEncoded enc = (Qwen2VlArchitecture.QwenEncoded) arch.encode(input, tok);
      int[] pos = fx.ints("position_ids");
      int[] mine = new int[pos.length];
      for (int a = 0; a < 3; a++) {
        System.arraycopy(enc.positions()[a], 0, mine, a * tok.length(), tok.length());
      }
      assertArrayEquals(pos, mine, "M-RoPE position ids");
      assertEquals(px.count(), enc.rows(HookPoint.Component.VISION));
      assertEquals(px.count() / 4, enc.rows(HookPoint.Component.PROJECTOR));

      Recorder rec = new Recorder();
      float[] logits = forward(arch, input, rec);
      close(family, "vision.0 (patch embed)", fx.floats("vision_patch_embed"), rec.seen.get(HookPoint.visionResid(0)));
      int depth = arch.config().vision().depth();
      double worstVision = 0;
      for (int l = 1; l <= depth; l++) {
        float[] e = fx.floats("vision_block_" + (l - 1));
        double d = HfFixture.maxAbsDiff(e, rec.seen.get(HookPoint.visionResid(l)));
        worstVision = Math.max(worstVision, d);
        assertTrue(d <= TOL, family + " vision block " + l + ": " + d);
      }
      report(family, "vision.1.." + depth + ".resid_post", worstVision);
      close(family, "projector.out", fx.floats("projector_out"), rec.seen.get(HookPoint.projectorOut()));
      double worstLm = 0;
      for (int l = 0; l <= arch.numLayers(); l++) {
        float[] e = fx.floats("lm_hidden_" + l);
        double d = HfFixture.maxAbsDiff(e, rec.seen.get(HookPoint.lmResid(l)));
        worstLm = Math.max(worstLm, d);
        assertTrue(d <= TOL, family + " lm.resid_post " + l + ": " + d);
      }
      report(family, "lm.0.." + arch.numLayers() + ".resid_post", worstLm);
      float[] ref = fx.floats("logits");
      close(family, "logits (all positions)", ref, logits);
      assertArrayEquals(
          HfFixture.argmaxRows(ref, arch.vocabSize()), HfFixture.argmaxRows(logits, arch.vocabSize()), "argmax");

      // Text only.
      VlmInput text = fx.textInput();
      assertArrayEquals(fx.ints("text_input_ids"), arch.tokenize(text).ids(), "text input ids");
      close(family, "text-only logits", fx.floats("text_logits"), forward(arch, text, new Recorder()));
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"qwen2_vl", "qwen2_5_vl"})
  void paddedBatchAndResumeLeaveLogitsUnchanged(String family) {
    assumeTrue(HfFixture.find(family) != null, "fixture " + family + " not generated yet");
    try (HfFixture fx = HfFixture.open(family);
        Qwen2VlArchitecture arch = Qwen2VlArchitecture.load(fx.checkpoint(), fx.config(), LoadOptions.defaults())) {
      VlmInput image = fx.input("<|image_pad|>");
      VlmInput text = fx.textInput();
      Tokenization ti = arch.tokenize(image);
      Tokenization tt = arch.tokenize(text);
      List<Architecture.Encoded> enc = List.of(arch.encode(text, tt), arch.encode(image, ti));
      int length = Math.max(ti.length(), tt.length());
      int v = arch.vocabSize();
      float[] ref = fx.floats("logits");
      float[] refText = fx.floats("text_logits");
      try (NDManager run = arch.manager().newSubManager()) {
        Architecture.Batch b = arch.batch(enc, length, true, run);
        NDArray h1 = arch.embed(b, ForwardTap.NONE);
        NDArray mid = arch.decode(h1, 0, 1, b, null, ForwardTap.NONE);
        NDArray h = arch.decode(mid, 1, arch.numLayers(), b, null, ForwardTap.NONE);
        float[] all = arch.logits(h).toType(DataType.FLOAT32, false).toFloatArray();
        float[] textPart = Arrays.copyOfRange(all, 0, tt.length() * v);
        float[] imagePart = Arrays.copyOfRange(all, length * v, (length + ti.length()) * v);
        close(family, "batched text logits", refText, textPart);
        close(family, "batched image logits", ref, imagePart);
        // Resume from lm.1 with a batch built without pixels.
        Architecture.Batch noPixels = arch.batch(enc, length, false, run);
        NDArray resumed = arch.decode(mid, 1, arch.numLayers(), noPixels, null, ForwardTap.NONE);
        float[] again = arch.logits(resumed).toType(DataType.FLOAT32, false).toFloatArray();
        close(family, "resumed batch logits", all, again);
      }
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"qwen2_vl", "qwen2_5_vl"})
  void transformers4ConfigLoadsTheSame(String family) {
    assumeTrue(HfFixture.find(family) != null, "fixture " + family + " not generated yet");
    try (HfFixture fx = HfFixture.open(family)) {
      JsonNode v4 =
          java.nio.file.Files.isRegularFile(fx.checkpoint().resolve("config.v4.json"))
              ? HfFixture.json(fx.checkpoint().resolve("config.v4.json"))
              : toTransformers4(fx.config());
      assertTrue(v4.has("rope_theta") || v4.path("text_config").has("rope_theta"), "a v4-form config: " + v4);
      try (Qwen2VlArchitecture arch = Qwen2VlArchitecture.load(fx.checkpoint(), v4, LoadOptions.defaults())) {
        close(family, "logits, transformers-4 config", fx.floats("logits"), forward(arch, fx.input("<|image_pad|>"), new Recorder()));
      }
    }
  }

  /** The transformers-5 config rewritten as the published hub configs have it. */
  static JsonNode toTransformers4(JsonNode v5) {
    ObjectNode out = v5.deepCopy();
    ObjectNode text = (ObjectNode) out.remove("text_config");
    ObjectNode rope = (ObjectNode) text.remove("rope_parameters");
    text.remove("model_type");
    text.remove("layer_types");
    out.setAll(text);
    out.put("rope_theta", rope.get("rope_theta").doubleValue());
    ObjectNode scaling = out.putObject("rope_scaling");
    scaling.put("type", "mrope");
    scaling.set("mrope_section", rope.get("mrope_section"));
    ObjectNode vision = (ObjectNode) out.get("vision_config");
    vision.remove("rope_parameters");
    if (vision.has("in_channels")) {
      vision.set("in_chans", vision.remove("in_channels"));
    }
    return out;
  }

  @ParameterizedTest
  @ValueSource(strings = {"qwen2_vl", "qwen2_5_vl"})
  void providerRunsThroughTheRunner(String family) {
    assumeTrue(HfFixture.find(family) != null, "fixture " + family + " not generated yet");
    try (HfFixture fx = HfFixture.open(family);
        HookedVlm vlm = new Qwen2VlProvider().load(fx.checkpoint(), fx.config(), LoadOptions.defaults())) {
      int depth = ((io.github.vlmlens.hooks.internal.model.HookedModel) vlm).architecture() instanceof Qwen2VlArchitecture a
          ? a.config().vision().depth()
          : -1;
      RunSpec spec =
          RunSpec.builder()
              .capture(HookPoint.projectorOut(), Positions.all())
              .capture(HookPoint.visionResid(depth), Positions.all())
              .capture(HookPoint.lmResid(1), Positions.all())
              .logits(RunSpec.LogitsMode.ALL)
              .build();
      List<RunResult> rs = vlm.runBatch(List.of(fx.textInput(), fx.input("<|image_pad|>")), spec);
      RunResult r = rs.get(1);
      float[][] all = r.allLogits();
      List<float[]> rows = new ArrayList<>(Arrays.asList(all));
      float[] flat = new float[rows.size() * rows.get(0).length];
      for (int i = 0; i < rows.size(); i++) {
        System.arraycopy(rows.get(i), 0, flat, i * rows.get(0).length, rows.get(0).length);
      }
      close(family, "runner logits", fx.floats("logits"), flat);
      close(family, "runner projector.out", fx.floats("projector_out"), r.cache().get(HookPoint.projectorOut()).flat());
      close(
          family, "runner vision." + depth, fx.floats("vision_block_" + (depth - 1)),
          r.cache().get(HookPoint.visionResid(depth)).flat());
      close(family, "runner lm.1", fx.floats("lm_hidden_1"), r.cache().get(HookPoint.lmResid(1)).flat());
      float[][] text = rs.get(0).allLogits();
      float[] textFlat = new float[text.length * text[0].length];
      for (int i = 0; i < text.length; i++) {
        System.arraycopy(text[i], 0, textFlat, i * text[0].length, text[0].length);
      }
      close(family, "runner text logits", fx.floats("text_logits"), textFlat);
      assertEquals(0, rs.get(0).cache().get(HookPoint.projectorOut()).positions().length);
    }
  }
}
