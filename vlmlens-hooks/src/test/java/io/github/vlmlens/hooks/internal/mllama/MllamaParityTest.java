package io.github.vlmlens.hooks.internal.mllama;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.github.vlmlens.core.HookPoint;
import io.github.vlmlens.core.HookedVlm;
import io.github.vlmlens.core.Positions;
import io.github.vlmlens.core.RgbImage;
import io.github.vlmlens.core.RunResult;
import io.github.vlmlens.core.RunSpec;
import io.github.vlmlens.core.Tokenization;
import io.github.vlmlens.core.VlmInput;
import io.github.vlmlens.hooks.FamilyParity;
import io.github.vlmlens.hooks.HfFixture;
import io.github.vlmlens.hooks.HookedVlms;
import io.github.vlmlens.hooks.internal.model.HookedModel;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Llama-3.2-Vision against Hugging Face's own outputs on the tiny random fixture (2 tiles, 4 local
 * + 2 global vision layers, intermediate layers [1, 3], a cross-attention decoder layer, llama3
 * rotary scaling): token ids, pixel values, aspect-ratio ids and masks, the cross-attention mask,
 * every vision layer, the projector, every decoder block, the logits at all positions, the eager
 * self-attention patterns, greedy generation through the KV cache, the text-only run.
 */
class MllamaParityTest {
  static final double TOL = 1e-4;
  static final String IMAGE = "<|image|>";
  private static HfFixture fx;
  private static HookedVlm vlm;
  private static MllamaArchitecture arch;
  private static FamilyParity parity;

  @BeforeAll
  static void load() {
    fx = HfFixture.open("mllama");
    vlm = HookedVlms.load(fx.checkpoint());
    arch = (MllamaArchitecture) ((HookedModel) vlm).architecture();
    parity = new FamilyParity(fx, TOL);
  }

  @AfterAll
  static void close() {
    vlm.close();
    fx.close();
  }

  @Test
  void tokensPixelsAndMasksMatchTheProcessor() {
    VlmInput in = fx.input(IMAGE);
    Tokenization t = vlm.tokenize(in);
    assertArrayEquals(fx.ints("input_ids"), t.ids());
    int image = Arrays.asList(fx.info.get("tokens").toString().split(",")).indexOf("\"<|image|>\"");
    assertEquals(List.of(image), Arrays.stream(t.imagePositions().resolve(t.length())).boxed().toList());
    assertArrayEquals(fx.ints("text_input_ids"), vlm.tokenize(fx.textInput()).ids());
    // without <|begin_of_text|> in the prompt the processor puts it after the leading images
    VlmInput bare = VlmInput.of(fx.image(), VlmInput.IMAGE_PLACEHOLDER + "Hi");
    int[] ids = vlm.tokenize(bare).ids();
    assertEquals(arch.config().imageTokenId(), ids[0]);
    assertEquals(fx.info.get("special_token_ids").get("<|begin_of_text|>").asInt(), ids[1]);

    MllamaImageProcessor.Processed p = arch.process(fx.image());
    double d = parity.report("pixel_values", HfFixture.maxAbsDiff(fx.floats("pixel_values"), p.pixels()));
    assertTrue(d <= 1e-6, "pixel values " + d);
    assertEquals(fx.longs("aspect_ratio_ids")[0], p.aspectRatioId());
    long[] arMask = fx.longs("aspect_ratio_mask");
    for (int j = 0; j < arMask.length; j++) {
      assertEquals(arMask[j], j < p.tiles() || j == 0 ? 1 : 0, "aspect ratio mask " + j);
    }
    // the processor's cross-attention mask: [1, T, 1, tiles]
    MllamaArchitecture.MllamaEncoded e = (MllamaArchitecture.MllamaEncoded) arch.encode(in, t);
    boolean[][] sees = e.sees(arch.config().imageTokenId());
    long[] cam = fx.longs("cross_attention_mask");
    int tiles = arch.config().vision().maxNumTiles();
    for (int q = 0; q < t.length(); q++) {
      for (int j = 0; j < tiles; j++) {
        assertEquals(cam[q * tiles + j], sees[q][0] && j < p.tiles() ? 1 : 0, "cross mask @ " + q + ", tile " + j);
      }
    }
  }

  @Test
  void canvasesFollowHuggingFace() {
    // get_optimal_tiled_canvas / get_image_size_fit_to_canvas with tile 14, 2 tiles (fixture) and 4
    MllamaImageProcessor p = arch.processor();
    assertArrayEquals(new int[] {1, 2}, p.canvas(61, 97));
    assertArrayEquals(new int[] {2, 1}, p.canvas(97, 61));
    assertArrayEquals(new int[] {1, 1}, p.canvas(10, 10));
    assertArrayEquals(new int[] {14, 22}, MllamaImageProcessor.fitToCanvas(61, 97, 14, 28, 14));
    assertArrayEquals(new int[] {14, 14}, MllamaImageProcessor.fitToCanvas(10, 10, 14, 14, 14));
    assertEquals(List.of("[1, 1]", "[1, 2]", "[1, 3]", "[1, 4]", "[2, 1]", "[2, 2]", "[3, 1]", "[4, 1]"),
        MllamaImageProcessor.supportedAspectRatios(4).stream().map(Arrays::toString).toList());
  }

  @Test
  void everyHiddenStateAllLogitsAndAttentionPatternsMatch() {
    RunSpec.Builder b = RunSpec.builder().logits(RunSpec.LogitsMode.ALL);
    for (HookPoint p : vlm.hookPoints()) {
      b.capture(p, Positions.all());
    }
    RunResult r = vlm.run(fx.input(IMAGE), b.build());
    MllamaConfig.Vision v = arch.config().vision();
    for (int l = 1; l <= v.numHiddenLayers(); l++) {
      parity.assertClose("vision_local_" + (l - 1), r.cache().get(HookPoint.visionResid(l)).flat());
    }
    for (int l = 1; l <= v.numGlobalLayers(); l++) {
      parity.assertClose(
          "vision_global_" + (l - 1), r.cache().get(HookPoint.visionResid(v.numHiddenLayers() + l)).flat());
    }
    parity.assertClose("projector_out", r.cache().get(HookPoint.projectorOut()).flat());
    for (int l = 0; l <= vlm.numLayers(); l++) {
      parity.assertClose("lm_hidden_" + l, r.cache().get(HookPoint.lmResid(l)).flat());
    }
    parity.assertLogits("logits", FamilyParity.flat(r.allLogits()), arch.vocabSize());
    // self-attention layers: 1, 2, 4 (HF's attentions leave the cross-attention layer out; its
    // maps, over the image states, are checked by invariants in MllamaCrossAttentionTest)
    int t = r.tokenization().length();
    for (int l = 1; l <= vlm.numLayers(); l++) {
      if (arch.config().text().isCrossAttention(l - 1)) {
        assertEquals(4 * 10, r.cache().get(HookPoint.of(HookPoint.Component.LM, l, HookPoint.Site.ATTN_PATTERN)).width());
        continue;
      }
      float[] ref = fx.floats("lm_attn_" + (l - 1));
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
      parity.report("lm_attn_" + (l - 1), max);
      assertTrue(max <= TOL, "lm." + l + " attention pattern: " + max);
    }
    RunResult text = vlm.run(fx.textInput(), RunSpec.builder().logits(RunSpec.LogitsMode.ALL).build());
    parity.assertLogits("text_logits", FamilyParity.flat(text.allLogits()), arch.vocabSize());
  }

  @Test
  void visionEmbeddingsAndVisionOutputMatch() {
    MllamaNetwork net = networkOf();
    MllamaImageProcessor.Processed p = arch.process(fx.image());
    MllamaArchitecture.MllamaEncoded e =
        (MllamaArchitecture.MllamaEncoded) arch.encode(fx.input(IMAGE), vlm.tokenize(fx.input(IMAGE)));
    try (NDManager run = arch.manager().newSubManager()) {
      MllamaArchitecture.MllamaBatch b =
          (MllamaArchitecture.MllamaBatch) arch.batch(List.of(e), e.ids.length, true, run);
      NDArray emb = net.embeddings(b.patches, b.aspectRatioIds);
      parity.assertClose("vision_embeddings", emb.toFloatArray());
      assertEquals(new Shape(1, 2, 5, 16), emb.getShape());
      assertEquals(2, p.tiles());
    }
  }

  private static MllamaNetwork networkOf() {
    try {
      java.lang.reflect.Field f = MllamaArchitecture.class.getDeclaredField("network");
      f.setAccessible(true);
      return (MllamaNetwork) f.get(arch);
    } catch (ReflectiveOperationException ex) {
      throw new IllegalStateException(ex);
    }
  }

  @Test
  void greedyGenerationThroughTheKvCacheMatches() {
    parity.assertGreedyGeneration(arch, fx.input(IMAGE));
    // and through the runner (cache on and off)
    long[] expected = fx.longs("generated_ids");
    int n = fx.ints("input_ids").length;
    int[] want = new int[expected.length - n];
    for (int i = 0; i < want.length; i++) {
      want[i] = (int) expected[n + i];
    }
    for (boolean cache : new boolean[] {true, false}) {
      io.github.vlmlens.core.Generation g = vlm.generate(fx.input(IMAGE),
          io.github.vlmlens.core.GenerateSpec.builder().maxNewTokens(want.length).useCache(cache)
              .useDefaultStops(false).build());
      assertArrayEquals(want, g.ids(), "generation with cache " + cache);
    }
    long[] textExpected = fx.longs("text_generated_ids");
    int tn = fx.ints("text_input_ids").length;
    io.github.vlmlens.core.Generation g = vlm.generate(fx.textInput(),
        io.github.vlmlens.core.GenerateSpec.builder().maxNewTokens(textExpected.length - tn).useDefaultStops(false)
            .build());
    for (int i = 0; i < textExpected.length - tn; i++) {
      assertEquals(textExpected[tn + i], g.ids()[i], "text-only generated token " + i);
    }
  }

  @Test
  void bfloat16WeightsLoadAndAgree(@org.junit.jupiter.api.io.TempDir java.nio.file.Path tmp) throws Exception {
    try (HookedVlm m = HookedVlms.load(parity.copyCheckpoint(tmp.resolve("bf16"), true, null))) {
      RunResult r = m.run(fx.input(IMAGE), RunSpec.builder().logits(RunSpec.LogitsMode.ALL).build());
      double d = parity.report("logits (bf16 weights)",
          HfFixture.maxAbsDiff(fx.floats("logits"), FamilyParity.flat(r.allLogits())));
      assertTrue(d > 0 && d < 0.25, "bf16 logits differ by " + d);
    }
  }

  @Test
  void aSecondImageOfAnotherSizeRunsAndTextBeforeItSeesOnlyTheFirst() {
    RgbImage small = RgbImage.of(10, 30, new int[300]);
    VlmInput two = VlmInput.ofImages(List.of(fx.image(), small),
        VlmInput.IMAGE_PLACEHOLDER + "left " + VlmInput.IMAGE_PLACEHOLDER + "right");
    RunResult r = vlm.run(two, RunSpec.builder().capture(HookPoint.projectorOut()).build());
    int rows = 2 * arch.config().vision().maxNumTiles() * arch.config().vision().patchesPerTile();
    assertEquals(rows, r.cache().get(HookPoint.projectorOut()).positions().length);
    MllamaArchitecture.MllamaEncoded e = (MllamaArchitecture.MllamaEncoded) arch.encode(two, vlm.tokenize(two));
    boolean[][] sees = e.sees(arch.config().imageTokenId());
    assertTrue(sees[0][0] && !sees[0][1], "the first image's token sees it");
    assertTrue(!sees[sees.length - 1][0] && sees[sees.length - 1][1], "text after the second image sees only it");
  }
}
