package io.github.vlmlens.hooks;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.vlmlens.core.GenerateSpec;
import io.github.vlmlens.core.Generation;
import io.github.vlmlens.core.HookPoint;
import io.github.vlmlens.core.HookedVlm;
import io.github.vlmlens.core.Intervention;
import io.github.vlmlens.core.Positions;
import io.github.vlmlens.core.RunResult;
import io.github.vlmlens.core.RunSpec;
import io.github.vlmlens.core.Tokenization;
import io.github.vlmlens.core.VlmInput;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Attention patterns, knockout, head ablation, the logit lens and generation on every HF-made
 * fixture, against Hugging Face's own eager attentions and {@code generate}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PrimitivesTest {
  private final List<Fam> fams = new ArrayList<>();

  record Fam(String name, String placeholder, HfFixture fx, HookedVlm vlm) {
    VlmInput input() {
      return fx.input(placeholder);
    }

    @Override
    public String toString() {
      return name;
    }
  }

  @BeforeAll
  void load() {
    for (String[] f :
        new String[][] {
          {"llava", "<image>"},
          {"qwen2_vl", "<|image_pad|>"},
          {"qwen2_5_vl", "<|image_pad|>"},
          {"gemma3", "<start_of_image>"},
          {"internvl", "<IMG_CONTEXT>"},
          {"llava_onevision", "<image>"}
        }) {
      HfFixture fx = HfFixture.open(f[0]);
      fams.add(new Fam(f[0], f[1], fx, HookedVlms.load(fx.checkpoint())));
    }
  }

  @AfterAll
  void close() {
    for (Fam f : fams) {
      f.vlm().close();
      f.fx().close();
    }
  }

  Stream<Fam> families() {
    return fams.stream();
  }

  @ParameterizedTest
  @MethodSource("families")
  void attentionPatternsEqualHfEagerAttentionsAndRowsSumToOne(Fam f) {
    RunSpec.Builder b = RunSpec.builder();
    for (int l = 1; l <= f.vlm().numLayers(); l++) {
      b.capture(HookPoint.of(HookPoint.Component.LM, l, HookPoint.Site.ATTN_PATTERN), Positions.all());
    }
    RunResult r = f.vlm().run(f.input(), b.build());
    int t = r.tokenization().length();
    for (int l = 1; l <= f.vlm().numLayers(); l++) {
      float[] ref = f.fx().floats("lm_attn_" + (l - 1)); // [1, H, T, T]
      int heads = ref.length / (t * t);
      float[] got = r.cache().get(HookPoint.of(HookPoint.Component.LM, l, HookPoint.Site.ATTN_PATTERN)).flat();
      // ours: [query][head][key]
      double max = 0;
      for (int q = 0; q < t; q++) {
        for (int h = 0; h < heads; h++) {
          double sum = 0;
          for (int k = 0; k < t; k++) {
            float g = got[(q * heads + h) * t + k];
            max = Math.max(max, Math.abs(g - ref[(h * t + q) * t + k]));
            sum += g;
          }
          assertEquals(1.0, sum, 1e-5, f + " lm." + l + " head " + h + " query " + q + " sums to 1");
        }
      }
      assertTrue(max <= 1e-4, f + " lm." + l + " pattern max abs difference " + max);
    }
  }

  @ParameterizedTest
  @MethodSource("families")
  void knockingOutOnlyMaskedKeysChangesNothingAndTextCanBeCutFromTheImage(Fam f) {
    Tokenization tok = f.vlm().tokenize(f.input());
    int t = tok.length();
    int n = f.vlm().numLayers();
    float[] plain = f.vlm().run(f.input(), RunSpec.empty()).lastLogits();
    // Keys after every query are masked already: knocking them out is the identity.
    RunSpec.Builder none = RunSpec.builder();
    for (int l = 1; l <= n; l++) {
      none.intervene(Intervention.knockout(l, Positions.of(0, 1), Positions.range(2, t)));
    }
    assertArrayEquals(plain, f.vlm().run(f.input(), none.build()).lastLogits(), f.toString());
    // Every text query blocked from every image key at every layer: text after the image no
    // longer depends on the image.
    Positions text = tok.textPositions();
    Positions image = tok.imagePositions();
    RunSpec.Builder cut = RunSpec.builder();
    for (int l = 1; l <= n; l++) {
      cut.intervene(Intervention.knockout(l, text, image));
      cut.capture(HookPoint.lmResid(l), text);
    }
    VlmInput other = f.input().withImages(List.of(ConformanceSuite.mirrored(f.fx().image())));
    RunResult a = f.vlm().run(f.input(), cut.build());
    RunResult b = f.vlm().run(other, cut.build());
    for (int l = 1; l <= n; l++) {
      assertArrayEquals(
          a.cache().get(HookPoint.lmResid(l)).flat(), b.cache().get(HookPoint.lmResid(l)).flat(), 1e-5f,
          f + " lm." + l + " text positions");
    }
    assertArrayEquals(a.lastLogits(), b.lastLogits(), 1e-5f);
    float[] la = f.vlm().run(f.input(), RunSpec.empty()).lastLogits();
    float[] lb = f.vlm().run(other, RunSpec.empty()).lastLogits();
    assertFalse(Arrays.equals(la, lb), "without the knockout the image matters");
    // A knockout that leaves a query with no key is refused.
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> f.vlm().run(f.input(), RunSpec.builder().intervene(Intervention.knockout(1, Positions.of(3), Positions.range(0, 4))).build()));
    assertTrue(e.getMessage().contains("no key left"), e.getMessage());
  }

  @ParameterizedTest
  @MethodSource("families")
  void headAblationZeroesOrAveragesOnlyThatHeadsColumns(Fam f) {
    HookPoint z = HookPoint.of(HookPoint.Component.LM, 1, HookPoint.Site.ATTN_Z);
    RunResult base = f.vlm().run(f.input(), RunSpec.builder().capture(z).build());
    RunResult zero =
        f.vlm().run(f.input(), RunSpec.builder().intervene(Intervention.zeroAblateHeads(z, Positions.all(), 1)).capture(z).build());
    RunResult mean =
        f.vlm().run(f.input(), RunSpec.builder().intervene(Intervention.meanAblateHeads(z, Positions.all(), 1)).capture(z).build());
    int width = base.cache().get(z).width();
    int t = base.tokenization().length();
    int headDim = width / (f.fx().floats("lm_attn_0").length / (t * t));
    float[] b = base.cache().get(z).flat();
    float[] zr = zero.cache().get(z).flat();
    float[] mr = mean.cache().get(z).flat();
    for (int c = 0; c < width; c++) {
      boolean ablated = c >= headDim && c < 2 * headDim;
      double m = 0;
      for (int q = 0; q < t; q++) {
        m += b[q * width + c];
      }
      m /= t;
      for (int q = 0; q < t; q++) {
        assertEquals(ablated ? 0f : b[q * width + c], zr[q * width + c], 0f, f + " zero col " + c);
        assertEquals(ablated ? m : b[q * width + c], mr[q * width + c], 1e-5, f + " mean col " + c);
      }
    }
    assertFalse(Arrays.equals(base.lastLogits(), zero.lastLogits()));
  }

  @ParameterizedTest
  @MethodSource("families")
  void theLogitLensOfTheLastResidualIsTheLogits(Fam f) {
    int n = f.vlm().numLayers();
    RunResult r =
        f.vlm().run(f.input(), RunSpec.builder().capture(HookPoint.lmResid(n)).logits(RunSpec.LogitsMode.ALL).build());
    float[][] lens = f.vlm().unembed(r.cache().get(HookPoint.lmResid(n)).matrix());
    float[][] all = r.allLogits();
    for (int q = 0; q < all.length; q++) {
      assertArrayEquals(all[q], lens[q], 1e-5f, f + " position " + q);
    }
    assertThrows(IllegalArgumentException.class, () -> f.vlm().unembed(new float[][] {new float[3]}));
  }

  @ParameterizedTest
  @MethodSource("families")
  void greedyGenerationEqualsHfGenerateWithAndWithoutTheCache(Fam f) {
    for (boolean image : new boolean[] {true, false}) {
      if (!f.fx().has(image ? "generated_ids" : "text_generated_ids")) {
        continue;
      }
      VlmInput in = image ? f.input() : f.fx().textInput();
      long[] ref = f.fx().longs(image ? "generated_ids" : "text_generated_ids");
      int promptLen = f.vlm().tokenize(in).length();
      int[] expected = new int[ref.length - promptLen];
      for (int i = 0; i < expected.length; i++) {
        expected[i] = (int) ref[promptLen + i];
      }
      GenerateSpec spec = GenerateSpec.builder().maxNewTokens(expected.length).keepLogits(true).build();
      Generation g = f.vlm().generate(in, spec);
      assertArrayEquals(expected, g.ids(), f + (image ? " image" : " text") + " prompt");
      // Recomputing the whole sequence re-reads a generated image-placeholder token as an image
      // slot (HF's forward would refuse it too): compare only continuations without one.
      Tokenization withImage = f.vlm().tokenize(f.input());
      int imageToken = withImage.id(withImage.imagePositions().resolve(withImage.length())[0]);
      if (Arrays.stream(g.ids()).noneMatch(id -> id == imageToken)) {
        Generation noCache =
            f.vlm().generate(in, GenerateSpec.builder().maxNewTokens(expected.length).keepLogits(true).useCache(false).build());
        assertArrayEquals(g.ids(), noCache.ids());
        for (int s = 0; s < expected.length; s++) {
          assertArrayEquals(noCache.stepLogits(s), g.stepLogits(s), 1e-4f, f + " step " + s + ": cache vs recompute");
        }
      }
      if (image && f.fx().has("generated_step_logits")) {
        float[] steps = f.fx().floats("generated_step_logits");
        int v = steps.length / expected.length;
        for (int s = 0; s < expected.length; s++) {
          float[] hf = Arrays.copyOfRange(steps, s * v, (s + 1) * v);
          double d = HfFixture.maxAbsDiff(hf, g.stepLogits(s));
          assertTrue(d <= 1e-4, f + " step " + s + " logits differ from HF's by " + d);
        }
      }
    }
  }

  @ParameterizedTest
  @MethodSource("families")
  void steeringChangesGenerationExactlyFromTheSteeredStepOn(Fam f) {
    VlmInput in = f.input();
    int promptLen = f.vlm().tokenize(in).length();
    Generation plain = f.vlm().generate(in, GenerateSpec.builder().maxNewTokens(6).useDefaultStops(false).keepLogits(true).build());
    int k = 2; // steer the position where generated token k is fed back in
    float[] v = new float[f.vlm().hiddenSize()];
    Arrays.fill(v, 50f);
    for (int i = 0; i < v.length; i += 2) {
      v[i] = -50f;
    }
    Generation steered =
        f.vlm().generate(
            in,
            GenerateSpec.builder()
                .maxNewTokens(6)
                .useDefaultStops(false)
                .keepLogits(true)
                .intervene(Intervention.add(HookPoint.lmResid(1), Positions.of(promptLen + k), v))
                .build());
    for (int s = 0; s <= k; s++) {
      assertArrayEquals(plain.stepLogits(s), steered.stepLogits(s), 0f, f + " step " + s + " before the steered position");
    }
    assertFalse(Arrays.equals(plain.stepLogits(k + 1), steered.stepLogits(k + 1)), f + " the steered step changes");
    // Sampling is reproducible from its seed.
    GenerateSpec sampled = GenerateSpec.builder().maxNewTokens(5).useDefaultStops(false).sample(1.0, 0, 1.0, 7).build();
    assertArrayEquals(f.vlm().generate(in, sampled).ids(), f.vlm().generate(in, sampled).ids());
  }
}
