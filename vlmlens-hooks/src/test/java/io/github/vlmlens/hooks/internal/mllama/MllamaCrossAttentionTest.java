package io.github.vlmlens.hooks.internal.mllama;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.vlmlens.core.Activations;
import io.github.vlmlens.core.GenerateSpec;
import io.github.vlmlens.core.HookPoint;
import io.github.vlmlens.core.HookedVlm;
import io.github.vlmlens.core.Intervention;
import io.github.vlmlens.core.Positions;
import io.github.vlmlens.core.RgbImage;
import io.github.vlmlens.core.RunResult;
import io.github.vlmlens.core.RunSpec;
import io.github.vlmlens.core.VlmInput;
import io.github.vlmlens.hooks.HfFixture;
import io.github.vlmlens.hooks.HookedVlms;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The cross-attention blocks of Llama-3.2-Vision as hook points on the tiny fixture (decoder
 * block 3 of 4 is the cross-attention block): {@code lm.3.cross_states} holds the states it reads
 * (the rows of {@code projector.out}), is patched, steered and captured like any point, and
 * patching {@code projector.out} equals patching every block's states; its attention maps have the
 * image states as keys, knockouts and head ablation act on them, checked against hand-computed
 * invariants.
 */
class MllamaCrossAttentionTest {
  private static final String QUESTION = "Is the dog to the left or right of the cat?";
  private static HfFixture fx;
  private static HookedVlm vlm;
  private static List<Integer> crossLayers;
  private static VlmInput x;
  private static VlmInput y;

  @BeforeAll
  static void load() {
    fx = HfFixture.open("mllama");
    vlm = HookedVlms.load(fx.checkpoint());
    crossLayers = new ArrayList<>();
    for (HookPoint p : vlm.hookPoints()) {
      if (p.site() == HookPoint.Site.CROSS_STATES) {
        crossLayers.add(p.layer());
      }
    }
    x = vlm.promptFormat().input(fx.image(), QUESTION);
    y = vlm.promptFormat().input(HfFixture.mirrored(fx.image()), QUESTION);
  }

  @AfterAll
  static void close() {
    vlm.close();
    fx.close();
  }

  private static HookPoint states(int layer) {
    return HookPoint.lmCrossStates(layer);
  }

  private static HookPoint map(int layer, HookPoint.Site site) {
    return HookPoint.of(HookPoint.Component.LM, layer, site);
  }

  private static RunSpec.Builder captureAll(RunSpec.Builder b) {
    b.capture(HookPoint.projectorOut());
    for (int c : crossLayers) {
      b.capture(states(c));
    }
    for (int l = 0; l <= vlm.numLayers(); l++) {
      b.capture(HookPoint.lmResid(l));
    }
    return b;
  }

  @Test
  void everyCrossAttentionBlockHasItsStatesPointAndTheyAreTheProjectorRows() {
    assertEquals(List.of(3), crossLayers, "the fixture's cross_attention_layers [2] is block 3");
    assertEquals(states(3), HookPoint.parse("lm.3.cross_states"));
    assertFalse(vlm.hookPoints().contains(states(2)), "a self-attention block has no cross_states");
    assertTrue(vlm.hookPoints().contains(map(3, HookPoint.Site.ATTN_PATTERN)));
    RunResult r = vlm.run(x, captureAll(RunSpec.builder()).build());
    Activations proj = r.cache().get(HookPoint.projectorOut());
    Activations st = r.cache().get(states(3));
    assertEquals(2 * 5, st.positions().length, "2 tiles x (4 patches + class token)");
    assertArrayEquals(proj.flat(), st.flat());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> vlm.run(x, RunSpec.builder().capture(states(2)).build()));
    assertTrue(e.getMessage().contains("lm.3.cross_states"), e.getMessage());
  }

  @Test
  void patchingProjectorOutEqualsPatchingEveryBlocksStates() {
    RunResult rx = vlm.run(x, captureAll(RunSpec.builder()).build());
    RunResult ry = vlm.run(y, captureAll(RunSpec.builder()).build());
    assertFalse(java.util.Arrays.equals(rx.lastLogits(), ry.lastLogits()));
    RunResult viaProjector = vlm.run(x,
        RunSpec.builder().intervene(Intervention.patch(HookPoint.projectorOut(), Positions.all(), ry.cache())).build());
    RunSpec.Builder b = RunSpec.builder();
    for (int c : crossLayers) {
      b.intervene(Intervention.patch(states(c), Positions.all(), ry.cache()));
    }
    RunResult viaStates = vlm.run(x, b.build());
    assertArrayEquals(viaProjector.lastLogits(), viaStates.lastLogits());
    assertArrayEquals(ry.lastLogits(), viaStates.lastLogits());
    // the block reads what was patched in: lm.3's captured states are y's, projector.out stays x's
    RunResult seen = vlm.run(x, captureAll(b).build());
    assertArrayEquals(ry.cache().get(states(3)).flat(), seen.cache().get(states(3)).flat());
    assertArrayEquals(rx.cache().get(HookPoint.projectorOut()).flat(), seen.cache().get(HookPoint.projectorOut()).flat());
    // a self-patch is the identity, bit for bit
    RunSpec self = RunSpec.builder().intervene(Intervention.patch(states(3), Positions.all(), rx.cache())).build();
    assertArrayEquals(rx.lastLogits(), vlm.run(x, self).lastLogits());
  }

  @Test
  void steeringTheStatesIsReplacingThemByStatesPlusTheVector() {
    RunResult rx = vlm.run(x, captureAll(RunSpec.builder()).build());
    float[] v = new float[vlm.hiddenSize()];
    Random rnd = new Random(5);
    for (int i = 0; i < v.length; i++) {
      v[i] = (float) rnd.nextGaussian();
    }
    Positions rows = Positions.of(0, 6);
    RunResult added = vlm.run(x, RunSpec.builder().intervene(Intervention.add(states(3), rows, v)).build());
    float[][] byHand = new float[2][];
    int k = 0;
    for (int row : new int[] {0, 6}) {
      float[] s = rx.cache().vector(states(3), row);
      for (int i = 0; i < s.length; i++) {
        s[i] += v[i];
      }
      byHand[k++] = s;
    }
    RunResult replaced = vlm.run(x, RunSpec.builder().intervene(Intervention.replace(states(3), rows, byHand)).build());
    assertArrayEquals(replaced.lastLogits(), added.lastLogits(), 1e-5f);
    assertFalse(java.util.Arrays.equals(rx.lastLogits(), added.lastLogits()), "steering the states changes the output");
  }

  @Test
  void resumingBeforeTheCrossBlockWithYsTextAndStatesIsYsRun() {
    RunResult rx = vlm.run(x, captureAll(RunSpec.builder()).build());
    RunResult ry = vlm.run(y, captureAll(RunSpec.builder()).build());
    for (int l = 0; l <= vlm.numLayers(); l++) {
      RunSpec.Builder b = RunSpec.builder().resumeFrom(rx.cache(), l)
          .intervene(Intervention.patch(HookPoint.lmResid(l), Positions.all(), ry.cache()));
      for (int c : crossLayers) {
        if (c > l) {
          b.intervene(Intervention.patch(states(c), Positions.all(), ry.cache()));
        }
      }
      assertArrayEquals(ry.lastLogits(), vlm.run(x, b.build()).lastLogits(), 1e-5f, "from lm." + l);
    }
    // the states patch alone, resumed from lm.2, is the full run with that patch
    RunSpec resumed = RunSpec.builder().resumeFrom(rx.cache(), 2)
        .intervene(Intervention.patch(states(3), Positions.all(), ry.cache())).build();
    RunSpec full = RunSpec.builder().intervene(Intervention.patch(states(3), Positions.all(), ry.cache())).build();
    assertArrayEquals(vlm.run(x, full).lastLogits(), vlm.run(x, resumed).lastLogits(), 1e-5f);
  }

  @Test
  void generationReadsPatchedStatesWithAndWithoutTheKvCache() {
    RunResult ry = vlm.run(y, captureAll(RunSpec.builder()).build());
    GenerateSpec.Builder plain = GenerateSpec.builder().maxNewTokens(6).useDefaultStops(false);
    int[] want = vlm.generate(y, plain.build()).ids();
    for (boolean cache : new boolean[] {true, false}) {
      GenerateSpec gs = GenerateSpec.builder().maxNewTokens(6).useDefaultStops(false).useCache(cache)
          .intervene(Intervention.patch(states(3), Positions.all(), ry.cache())).build();
      assertArrayEquals(want, vlm.generate(x, gs).ids(), "cache " + cache);
    }
  }

  /** {@code [T][heads][keys]} of a captured pattern or score map. */
  private static float[][][] maps(RunResult r, HookPoint p, int heads) {
    Activations a = r.cache().get(p);
    int keys = a.width() / heads;
    int[] q = a.positions();
    float[][][] out = new float[q.length][heads][keys];
    for (int i = 0; i < q.length; i++) {
      float[] row = a.vector(q[i]);
      for (int h = 0; h < heads; h++) {
        System.arraycopy(row, h * keys, out[i][h], 0, keys);
      }
    }
    return out;
  }

  @Test
  void crossAttentionMapsHaveTheImageStatesAsKeys() {
    HookPoint pattern = map(3, HookPoint.Site.ATTN_PATTERN);
    RunResult r = vlm.run(x, RunSpec.builder().capture(pattern).capture(map(3, HookPoint.Site.ATTN_SCORES)).build());
    int t = r.tokenization().length();
    int heads = 4;
    float[][][] p = maps(r, pattern, heads);
    assertEquals(t, p.length);
    assertEquals(10, p[0][0].length, "keys: the image's 10 state rows");
    for (float[][] q : p) {
      for (float[] h : q) {
        double sum = 0;
        for (float f : h) {
          sum += f;
        }
        assertEquals(1.0, sum, 1e-5);
      }
    }
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> vlm.run(fx.textInput(), RunSpec.builder().capture(pattern).build()));
    assertTrue(e.getMessage().contains("lm.3 is a cross-attention block"), e.getMessage());
    // without an image the block is skipped and its states are empty
    RunResult text = vlm.run(fx.textInput(), RunSpec.builder().capture(states(3)).build());
    assertEquals(0, text.cache().get(states(3)).positions().length);
  }

  @Test
  void knockingOutSomeKeysRenormalisesTheRestInThoseHeadsOnly() {
    HookPoint pattern = map(3, HookPoint.Site.ATTN_PATTERN);
    int heads = 4;
    RunResult base = vlm.run(x, RunSpec.builder().capture(pattern).build());
    int q = base.tokenization().length() - 1;
    Positions tile2 = Positions.range(5, 10);
    RunResult ko = vlm.run(x, RunSpec.builder().capture(pattern)
        .intervene(Intervention.knockout(3, Positions.of(q), tile2, 1)).build());
    float[][][] before = maps(base, pattern, heads);
    float[][][] after = maps(ko, pattern, heads);
    double kept = 0;
    for (int k = 0; k < 5; k++) {
      kept += before[q][1][k];
    }
    double max = 0;
    for (int k = 0; k < 10; k++) {
      double want = k < 5 ? before[q][1][k] / kept : 0;
      max = Math.max(max, Math.abs(after[q][1][k] - want));
    }
    assertTrue(max < 1e-6, "head 1 renormalised over tile 1: " + max);
    for (int h : new int[] {0, 2, 3}) {
      assertArrayEquals(before[q][h], after[q][h], "head " + h + " untouched");
    }
    for (int other = 0; other < q; other++) {
      assertArrayEquals(before[other][1], after[other][1], "query " + other + " untouched");
    }
  }

  @Test
  void knockingOutEveryStateLeavesAQueryNothingToAttendTo() {
    HookPoint pattern = map(3, HookPoint.Site.ATTN_PATTERN);
    HookPoint z = map(3, HookPoint.Site.ATTN_Z);
    RunSpec.Builder cap = RunSpec.builder().capture(pattern).capture(z).capture(HookPoint.lmAttnOut(3));
    RunResult ko = vlm.run(x, cap.intervene(Intervention.knockout(3, Positions.all(), Positions.all())).build());
    for (float f : ko.cache().get(pattern).flat()) {
      assertEquals(0f, f);
    }
    for (float f : ko.cache().get(HookPoint.lmAttnOut(3)).flat()) {
      assertEquals(0f, f);
    }
    // = every head's output zero-ablated
    RunResult ablated = vlm.run(x, RunSpec.builder()
        .intervene(Intervention.zeroAblateHeads(z, Positions.all(), 0, 1, 2, 3)).build());
    assertArrayEquals(ablated.lastLogits(), ko.lastLogits());
    // with no path from text to the image, the output no longer depends on the image
    RunSpec blind = RunSpec.builder().intervene(Intervention.knockout(3, Positions.all(), Positions.all())).build();
    assertArrayEquals(vlm.run(x, blind).lastLogits(), vlm.run(y, blind).lastLogits());
    // yet it is not the text-only run: the gated MLP still runs at the rows that see an image
    RunSpec.Builder mlp = RunSpec.builder().capture(HookPoint.lmMlpOut(3));
    float[] m = vlm.run(x, mlp.intervene(Intervention.knockout(3, Positions.all(), Positions.all())).build())
        .cache().get(HookPoint.lmMlpOut(3)).flat();
    double norm = 0;
    for (float f : m) {
      norm += f * f;
    }
    assertTrue(norm > 0, "the cross block's MLP branch still adds to rows that see the image");
  }

  @Test
  void knockingOutTheEmptyTilesStatesChangesNothing() {
    // a 10x10 image fills one of the two tiles: for the text that sees the image (from its
    // <|image|> token on) rows 5..9 are masked already; the text before it sees every state
    VlmInput small = vlm.promptFormat().input(RgbImage.of(10, 10, new Random(3).ints(100, 0, 1 << 24).toArray()), QUESTION);
    int t = vlm.tokenize(small).length();
    int image = vlm.tokenize(small).imagePositions().resolve(t)[0];
    float[] plain = vlm.run(small, RunSpec.empty()).lastLogits();
    float[] ko = vlm.run(small, RunSpec.builder()
        .intervene(Intervention.knockout(3, Positions.range(image, t), Positions.range(5, 10))).build()).lastLogits();
    assertArrayEquals(plain, ko);
    float[] before = vlm.run(small, RunSpec.builder()
        .intervene(Intervention.knockout(3, Positions.range(0, image), Positions.range(5, 10))).build()).lastLogits();
    assertFalse(java.util.Arrays.equals(plain, before), "text before the image attends to the empty tile too");
  }

  @Test
  void headAblationsAddUpToTheCrossAttentionOutput() {
    HookPoint z = map(3, HookPoint.Site.ATTN_Z);
    HookPoint out = HookPoint.lmAttnOut(3);
    float[] full = vlm.run(x, RunSpec.builder().capture(out).build()).cache().get(out).flat();
    double[] sum = new double[full.length];
    for (int h = 0; h < 4; h++) {
      float[] without = vlm.run(x, RunSpec.builder().capture(out)
          .intervene(Intervention.zeroAblateHeads(z, Positions.all(), h)).build()).cache().get(out).flat();
      for (int i = 0; i < full.length; i++) {
        sum[i] += full[i] - without[i];
      }
    }
    double max = 0;
    double scale = 0;
    for (int i = 0; i < full.length; i++) {
      max = Math.max(max, Math.abs(sum[i] - full[i]));
      scale = Math.max(scale, Math.abs(full[i]));
    }
    assertTrue(scale > 0 && max < 1e-5, "per-head contributions sum to attn_out: " + max + " of " + scale);
    // mean ablation over the positions: head 2's z columns become their mean over the sequence
    RunResult mean = vlm.run(x, RunSpec.builder().capture(z)
        .intervene(Intervention.meanAblateHeads(z, Positions.all(), 2)).build());
    Activations zs = mean.cache().get(z);
    int d = zs.width() / 4;
    float[] first = zs.vector(0);
    for (int p : zs.positions()) {
      float[] row = zs.vector(p);
      for (int i = 2 * d; i < 3 * d; i++) {
        assertEquals(first[i], row[i], 1e-6f);
      }
    }
  }
}
