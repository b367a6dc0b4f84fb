package io.github.vlmlens.hooks;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.vlmlens.core.ActivationCache;
import io.github.vlmlens.core.HookPoint;
import io.github.vlmlens.core.HookedVlm;
import io.github.vlmlens.core.Intervention;
import io.github.vlmlens.core.Positions;
import io.github.vlmlens.core.RgbImage;
import io.github.vlmlens.core.RunRequest;
import io.github.vlmlens.core.RunResult;
import io.github.vlmlens.core.RunSpec;
import io.github.vlmlens.core.Tokenization;
import io.github.vlmlens.core.VlmInput;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The family-neutral conformance suite: the {@link RunSpec} contract's invariants, run against
 * each family's fixture by a subclass that supplies the model and its inputs.
 */
abstract class ConformanceSuite {
  /** The model under test (loaded once by the subclass). */
  abstract HookedVlm vlm();

  /** The test image. */
  abstract RgbImage image();

  /** Two answer words that are single tokens of the model. */
  abstract String[] answerWords();

  static final String QUESTION = "Is the dog to the left or right of the cat?";

  /** The image mirrored left-right: same size, different content. */
  static RgbImage mirrored(RgbImage img) {
    return HfFixture.mirrored(img);
  }

  /** A random image of another size. */
  static RgbImage noise(int w, int h, long seed) {
    Random r = new Random(seed);
    int[] px = new int[w * h];
    for (int i = 0; i < px.length; i++) {
      px[i] = r.nextInt(1 << 24);
    }
    return RgbImage.of(w, h, px);
  }

  private VlmInput x() {
    return vlm().promptFormat().input(image(), QUESTION);
  }

  private VlmInput y() {
    return vlm().promptFormat().input(mirrored(image()), QUESTION);
  }

  private RunSpec.Builder captureAllResid(RunSpec.Builder b) {
    for (int l = 0; l <= vlm().numLayers(); l++) {
      b.capture(HookPoint.lmResid(l));
    }
    return b;
  }

  @Test
  void emptySpecAndNoOpHookAreBitIdentical() {
    float[] plain = vlm().run(x(), RunSpec.empty()).lastLogits();
    AtomicInteger calls = new AtomicInteger();
    RunSpec.Builder b = RunSpec.builder();
    int hooked = 0;
    for (HookPoint p : vlm().hookPoints()) {
      if (p.isAttentionMap()) {
        b.capture(p, Positions.of(0));
      } else {
        b.intervene(Intervention.custom(p, v -> calls.incrementAndGet()));
        hooked++;
      }
    }
    assertArrayEquals(plain, vlm().run(x(), b.build()).lastLogits());
    assertEquals(hooked, calls.get(), "every hook point is visited once");
  }

  @Test
  void selfPatchIsTheIdentity() {
    RunSpec.Builder cap = captureAllResid(RunSpec.builder()).capture(HookPoint.projectorOut());
    RunResult base = vlm().run(x(), cap.build());
    ActivationCache c = base.cache();
    for (int l = 0; l <= vlm().numLayers(); l++) {
      RunSpec s = RunSpec.builder().intervene(Intervention.patch(HookPoint.lmResid(l), Positions.all(), c)).build();
      assertArrayEquals(base.lastLogits(), vlm().run(x(), s).lastLogits(), "patch at lm." + l);
    }
    RunSpec p = RunSpec.builder().intervene(Intervention.patch(HookPoint.projectorOut(), Positions.all(), c)).build();
    assertArrayEquals(base.lastLogits(), vlm().run(x(), p).lastLogits(), "patch at projector.out");
  }

  /**
   * The interventions that carry another run's image into this one besides the patched residual
   * stream: none where images live in the text stream (their rows are part of {@code lm.L});
   * families whose images enter elsewhere (Llama-3.2-Vision's cross-attention states) patch that.
   *
   * @param other the other run's cache, which holds {@code projector.out}
   */
  RunSpec.Builder withImageOf(RunSpec.Builder b, ActivationCache other) {
    return b;
  }

  /** The first point where two images' runs differ: {@code lm.0}, unless images bypass the text stream. */
  HookPoint imageCarrier() {
    return HookPoint.lmResid(0);
  }

  /**
   * Checks a run's {@code projector.out} rows against the text stream: by default they are what
   * {@code lm.0} holds at the image positions, one row per image token.
   */
  void assertProjectorRowsAreTheImageRows(RunResult r, Tokenization t) {
    assertEquals(t.imagePositions().size(), r.cache().get(HookPoint.projectorOut()).positions().length);
    int[] img = t.imagePositions().resolve(t.length());
    for (int i = 0; i < img.length; i++) {
      assertArrayEquals(
          r.cache().vector(HookPoint.projectorOut(), i), r.cache().vector(HookPoint.lmResid(0), img[i]), 1e-6f);
    }
  }

  @Test
  void patchingEveryPositionFromAnotherRunMakesLaterLayersEqualIt() {
    String[] w = answerWords();
    RunResult ry =
        vlm().run(y(), captureAllResid(RunSpec.builder()).capture(HookPoint.projectorOut()).readWords(w).build());
    RunResult rx0 =
        vlm().run(x(), captureAllResid(RunSpec.builder()).capture(HookPoint.projectorOut()).readWords(w).build());
    assertEquals(ry.tokenization().length(), rx0.tokenization().length());
    int n = vlm().numLayers();
    for (int layer = 0; layer <= n; layer++) {
      RunResult rx =
          vlm().run(
              x(),
              withImageOf(captureAllResid(RunSpec.builder()), ry.cache())
                  .intervene(Intervention.patch(HookPoint.lmResid(layer), Positions.all(), ry.cache()))
                  .readWords(w)
                  .build());
      for (int l = layer; l <= n; l++) {
        HookPoint p = HookPoint.lmResid(l);
        assertArrayEquals(ry.cache().get(p).flat(), rx.cache().get(p).flat(), "patched at " + layer + ", layer " + l);
      }
      assertEquals(ry.logProb(w[0]), rx.logProb(w[0]), 0.0);
    }
    HookPoint carrier = imageCarrier();
    assertFalse(
        Arrays.equals(rx0.cache().get(carrier).flat(), ry.cache().get(carrier).flat()),
        "the two images give different " + carrier);
  }

  @Test
  void laterTokensDoNotChangeEarlierPositions() {
    VlmInput a = x();
    VlmInput b = a.withPrompt(a.prompt() + " Answer in one word please.");
    int[] ia = vlm().tokenize(a).ids();
    int[] ib = vlm().tokenize(b).ids();
    int common = 0;
    while (common < ia.length && common < ib.length && ia[common] == ib[common]) {
      common++;
    }
    assertTrue(common >= ia.length - 1, "the longer prompt extends the shorter one's tokens");
    RunSpec.Builder sb = captureAllResid(RunSpec.builder());
    for (int l = 1; l <= vlm().numLayers(); l++) {
      sb.capture(HookPoint.lmAttnOut(l)).capture(HookPoint.lmMlpOut(l));
    }
    RunSpec spec = sb.build();
    RunResult ra = vlm().run(a, spec);
    RunResult rb = vlm().run(b, spec);
    for (HookPoint p : spec.captures().keySet()) {
      for (int t = 0; t < common; t++) {
        assertArrayEquals(ra.cache().vector(p, t), rb.cache().vector(p, t), 1e-5f, p + " @ " + t);
      }
    }
  }

  @Test
  void batchedRunsEqualSingleRuns() {
    String[] w = answerWords();
    List<RunRequest> reqs = new ArrayList<>();
    reqs.add(RunRequest.of(x(), RunSpec.builder().readWords(w).capture(HookPoint.lmResid(1)).capture(HookPoint.visionResid(1)).build()));
    reqs.add(
        RunRequest.of(
            vlm().promptFormat().input(noise(45, 70, 3), "Is the red car above the tree?"),
            RunSpec.builder().readWords(w).capture(HookPoint.projectorOut()).capture(HookPoint.visionResid(0)).build()));
    reqs.add(
        RunRequest.of(
            VlmInput.text("Is the dog to the left of the cat?"),
            RunSpec.builder().logits(RunSpec.LogitsMode.ALL).capture(HookPoint.lmResid(vlm().numLayers())).build()));
    reqs.add(
        RunRequest.of(
            y(),
            RunSpec.builder()
                .readWords(w)
                .intervene(Intervention.zeroAblate(HookPoint.lmMlpOut(1), Positions.of(2)))
                .capture(HookPoint.projectorOut())
                .build()));
    List<RunResult> batched = vlm().runAll(reqs);
    for (int i = 0; i < reqs.size(); i++) {
      RunResult single = vlm().run(reqs.get(i).input(), reqs.get(i).spec());
      RunResult got = batched.get(i);
      for (String word : single.logProbs().keySet()) {
        assertEquals(single.logProb(word), got.logProb(word), 1e-5, "request " + i + " word " + word);
      }
      for (HookPoint p : single.cache().points()) {
        assertArrayEquals(single.cache().get(p).flat(), got.cache().get(p).flat(), 1e-5f, "request " + i + " " + p);
      }
      if (reqs.get(i).spec().logits() == RunSpec.LogitsMode.ALL) {
        float[][] s = single.allLogits();
        float[][] g = got.allLogits();
        for (int t = 0; t < s.length; t++) {
          assertArrayEquals(s[t], g[t], 1e-5f, "request " + i + " logits @ " + t);
        }
      }
    }
  }

  @Test
  void resumingFromALayerEqualsTheFullRun() {
    String[] w = answerWords();
    int n = vlm().numLayers();
    RunSpec full = RunSpec.builder().readWords(w).capture(HookPoint.lmResid(n)).build();
    RunResult whole = vlm().run(x(), full);
    for (int layer = 0; layer <= n; layer++) {
      RunResult f = vlm().run(x(), RunSpec.builder().capture(HookPoint.lmResid(layer)).build());
      RunResult resumed = vlm().run(x(), full.toBuilder().resumeFrom(f.cache(), layer).build());
      assertArrayEquals(whole.lastLogits(), resumed.lastLogits(), 1e-5f, "resumed from lm." + layer);
    }
  }

  @Test
  void readoutsAreTheLogSoftmaxOfTheLastLogits() {
    String[] w = answerWords();
    RunResult r = vlm().run(x(), RunSpec.builder().readWords(w).logits(RunSpec.LogitsMode.ALL).build());
    float[][] all = r.allLogits();
    float[] last = all[all.length - 1];
    assertArrayEquals(r.lastLogits(), last);
    double max = Double.NEGATIVE_INFINITY;
    int top = -1;
    for (int v = 0; v < last.length; v++) {
      if (last[v] > max) {
        max = last[v];
        top = v;
      }
    }
    double z = 0;
    for (float v : last) {
      z += Math.exp(v - max);
    }
    for (String word : w) {
      double expected = last[vlm().answerTokenId(word)] - max - Math.log(z);
      assertEquals(expected, r.logProb(word), 1e-4, word);
    }
    assertEquals(top, r.topTokenId());
  }

  @Test
  void hookPointsRoundTripAndEachCanBeCaptured() {
    Tokenization t = vlm().tokenize(x());
    RunSpec.Builder b = RunSpec.builder();
    for (HookPoint p : vlm().hookPoints()) {
      assertEquals(p, HookPoint.parse(p.toString()));
      b.capture(p);
    }
    RunResult r = vlm().run(x(), b.build());
    int stateRows = r.cache().get(HookPoint.projectorOut()).positions().length;
    for (HookPoint p : vlm().hookPoints()) {
      int rows = r.cache().get(p).positions().length;
      boolean cross = vlm().hookPoints().contains(HookPoint.lmCrossStates(Math.max(1, p.layer())));
      if (p.isAttentionMap() && p.component() == HookPoint.Component.LM) {
        // keys: the sequence, or in a cross-attention block the image states
        assertEquals(t.length(), rows, p.toString());
        assertEquals(0, r.cache().get(p).width() % (cross ? stateRows : t.length()), p + ": heads x keys");
      } else if (p.hasStateRows()) {
        assertEquals(stateRows, rows, p + ": one row per image state");
      } else if (p.isAttentionMap()) {
        assertTrue(rows > 0, p.toString());
        float[] pattern = r.cache().get(p).flat();
        int width = r.cache().get(p).width();
        if (p.site() == HookPoint.Site.ATTN_PATTERN) {
          // Each head's row over one image's keys sums to 1: the whole row sums to the heads.
          double sum = 0;
          for (int i = 0; i < width; i++) {
            sum += pattern[i];
          }
          assertEquals(Math.round(sum), sum, 1e-4, p + ": each head's probabilities sum to 1");
        }
      } else if (p.component() == HookPoint.Component.LM) {
        assertEquals(t.length(), rows, p.toString());
      } else {
        assertTrue(rows > 0, p.toString());
      }
    }
    assertProjectorRowsAreTheImageRows(r, t);
  }
}
