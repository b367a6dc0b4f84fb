package io.github.vlmlens.hooks;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.types.DataType;
import io.github.vlmlens.core.ActivationCache;
import io.github.vlmlens.core.HookPoint;
import io.github.vlmlens.core.Intervention;
import io.github.vlmlens.core.Positions;
import io.github.vlmlens.core.RunRequest;
import io.github.vlmlens.core.RunResult;
import io.github.vlmlens.core.RunSpec;
import io.github.vlmlens.core.Tokenization;
import io.github.vlmlens.core.VlmInput;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The RunSpec contract on a tiny random LLaVA checkpoint written in the Hugging Face layout. */
class HookedLlavaTest {
  private static final int N = 3;
  private static final int H = 64;

  @TempDir static Path dir;
  private static HookedLlava vlm;

  @BeforeAll
  static void load() throws IOException {
    TinyLlava.writeCheckpoint(dir.resolve("tiny"), TinyLlava.config(N), 11);
    vlm = HookedLlava.load(dir.resolve("tiny"));
  }

  @AfterAll
  static void close() {
    vlm.close();
  }

  private static VlmInput input(long imageSeed, String question) {
    return vlm.promptFormat().input(TinyLlava.image(imageSeed), question);
  }

  private static VlmInput x() {
    return input(1, "Is the dog to the left or right of the cat?");
  }

  private static VlmInput y() {
    return input(2, "Is the dog to the left or right of the cat?");
  }

  private static RunSpec.Builder captureAllResid(RunSpec.Builder b) {
    for (int l = 0; l <= N; l++) {
      b.capture(HookPoint.lmResid(l));
    }
    return b;
  }

  @Test
  void describesItself() {
    assertEquals(N, vlm.numLayers());
    assertEquals(H, vlm.hiddenSize());
    assertEquals("tiny", vlm.name());
    assertEquals(HookedLlava.DEFAULT_TEMPLATE_TEXT, vlm.promptFormat().template());
    List<HookPoint> points = vlm.hookPoints();
    // vision.0, vision.1 x 8 (hidden state -2 of a 2-layer tower needs only layer 1: resid_pre,
    // attn_scores, attn_pattern, attn_z, attn_out, resid_mid, mlp_out, resid_post),
    // projector.out, lm.0, lm.1..3 x 8.
    assertEquals(1 + 8 + 1 + 1 + 8 * N, points.size());
    assertEquals(HookPoint.visionResid(0), points.get(0));
    assertTrue(points.contains(HookPoint.projectorOut()));
    assertFalse(points.contains(HookPoint.visionResid(2)));
    Tokenization t = vlm.tokenize(x());
    assertEquals(1, t.imageCount());
    assertEquals(16, t.imagePositions(0).size());
    assertEquals(1 + 2 + 16 + 12 + 2, t.length());
  }

  @Test
  void emptySpecAndNoOpCustomHookGiveBitIdenticalLogits() {
    float[] plain = vlm.run(x(), RunSpec.empty()).lastLogits();
    AtomicInteger calls = new AtomicInteger();
    RunSpec reading =
        RunSpec.builder()
            .intervene(
                Intervention.custom(
                    HookPoint.lmResid(2),
                    v -> {
                      calls.incrementAndGet();
                      assertEquals(H, v.get(v.length() - 1).length);
                    }))
            .intervene(Intervention.custom(HookPoint.lmAttnOut(1), v -> calls.incrementAndGet()))
            .build();
    float[] hooked = vlm.run(x(), reading).lastLogits();
    assertEquals(2, calls.get());
    assertArrayEquals(plain, hooked);
  }

  @Test
  void patchingARunWithItsOwnCacheIsTheIdentity() {
    RunResult base = vlm.run(x(), captureAllResid(RunSpec.builder()).capture(HookPoint.projectorOut()).build());
    ActivationCache c = base.cache();
    for (int l = 0; l <= N; l++) {
      RunSpec s =
          RunSpec.builder().intervene(Intervention.patch(HookPoint.lmResid(l), Positions.all(), c)).build();
      assertArrayEquals(base.lastLogits(), vlm.run(x(), s).lastLogits(), "patch at lm." + l);
    }
    RunSpec p =
        RunSpec.builder()
            .intervene(Intervention.patch(HookPoint.projectorOut(), Positions.all(), c))
            .build();
    assertArrayEquals(base.lastLogits(), vlm.run(x(), p).lastLogits());
  }

  @Test
  void patchingEveryPositionFromAnotherRunMakesEveryLaterLayerEqualIt() {
    RunResult ry = vlm.run(y(), captureAllResid(RunSpec.builder()).readWords("left", "right").build());
    RunResult rx0 = vlm.run(x(), captureAllResid(RunSpec.builder()).readWords("left", "right").build());
    int layer = 1;
    RunResult rx =
        vlm.run(
            x(),
            captureAllResid(RunSpec.builder())
                .intervene(Intervention.patch(HookPoint.lmResid(layer), Positions.all(), ry.cache()))
                .readWords("left", "right")
                .build());
    for (int l = layer; l <= N; l++) {
      HookPoint p = HookPoint.lmResid(l);
      assertArrayEquals(ry.cache().get(p).flat(), rx.cache().get(p).flat(), "layer " + l);
    }
    assertEquals(ry.logProb("left"), rx.logProb("left"), 0.0);
    // The images differ, so the unpatched runs differ: the patch did something.
    assertNotEquals(rx0.logProb("left"), ry.logProb("left"));
    assertFalse(java.util.Arrays.equals(
        rx0.cache().get(HookPoint.lmResid(0)).flat(), ry.cache().get(HookPoint.lmResid(0)).flat()));
  }

  @Test
  void addingAZeroVectorIsTheIdentityAndAddingAVectorAddsIt() {
    int pos = vlm.tokenize(x()).lastSubToken("dog");
    RunResult base = vlm.run(x(), RunSpec.builder().capture(HookPoint.lmResid(2), Positions.of(pos)).build());
    RunResult zero =
        vlm.run(
            x(),
            RunSpec.builder()
                .intervene(Intervention.add(HookPoint.lmResid(2), Positions.of(pos), new float[H]))
                .capture(HookPoint.lmResid(2), Positions.of(pos))
                .build());
    assertArrayEquals(base.lastLogits(), zero.lastLogits());
    float[] v = new float[H];
    for (int i = 0; i < H; i++) {
      v[i] = 0.25f * (i % 5) - 0.5f;
    }
    RunResult added =
        vlm.run(
            x(),
            RunSpec.builder()
                .intervene(Intervention.add(HookPoint.lmResid(2), Positions.of(pos), v))
                .capture(HookPoint.lmResid(2), Positions.of(pos))
                .build());
    float[] b = base.cache().vector(HookPoint.lmResid(2), pos);
    float[] a = added.cache().vector(HookPoint.lmResid(2), pos);
    for (int i = 0; i < H; i++) {
      assertEquals(b[i] + v[i], a[i], 1e-6);
    }
    assertFalse(java.util.Arrays.equals(base.lastLogits(), added.lastLogits()));
  }

  @Test
  void replaceZeroMeanAndCustomSetChangeTheRightRowsInOrder() {
    HookPoint p = HookPoint.lmResid(1);
    Tokenization t = vlm.tokenize(x());
    int dog = t.lastSubToken("dog");
    int cat = t.lastSubToken("cat");
    int left = t.lastSubToken("left");
    RunResult base = vlm.run(x(), RunSpec.builder().capture(p).build());
    float[] r = new float[H];
    float[] s = new float[H];
    for (int i = 0; i < H; i++) {
      r[i] = i;
      s[i] = -i;
    }
    RunResult out =
        vlm.run(
            x(),
            RunSpec.builder()
                .intervene(Intervention.replace(p, Positions.of(dog), r))
                .intervene(Intervention.add(p, Positions.of(dog), r)) // applies after the replace
                .intervene(Intervention.zeroAblate(p, Positions.of(cat)))
                .intervene(Intervention.meanAblate(p, Positions.of(0, 1, 2)))
                .intervene(Intervention.custom(p, view -> view.set(left, s)))
                .capture(p)
                .build());
    float[] twice = new float[H];
    for (int i = 0; i < H; i++) {
      twice[i] = 2 * i;
    }
    assertArrayEquals(twice, out.cache().vector(p, dog), 1e-6f);
    assertArrayEquals(new float[H], out.cache().vector(p, cat));
    assertArrayEquals(s, out.cache().vector(p, left));
    for (int i = 0; i < H; i++) {
      double mean =
          (base.cache().vector(p, 0)[i] + base.cache().vector(p, 1)[i] + base.cache().vector(p, 2)[i]) / 3.0;
      for (int q = 0; q < 3; q++) {
        assertEquals(mean, out.cache().vector(p, q)[i], 1e-5);
      }
    }
    // Untouched rows are unchanged.
    int other = t.lastSubToken("or");
    assertArrayEquals(base.cache().vector(p, other), out.cache().vector(p, other));
  }

  @Test
  void causalMaskingKeepsEarlierPositionsUnchangedAtEveryLayer() {
    VlmInput a = input(1, "Is the dog to the left or right of the cat?");
    VlmInput b = input(1, "Is the dog to the left or right of the bus?");
    int changed = vlm.tokenize(a).lastSubToken("cat");
    assertEquals(changed, vlm.tokenize(b).lastSubToken("bus"));
    RunSpec.Builder sb = captureAllResid(RunSpec.builder());
    for (int l = 1; l <= N; l++) {
      sb.capture(HookPoint.lmAttnOut(l)).capture(HookPoint.lmMlpOut(l));
    }
    RunSpec spec = sb.build();
    RunResult ra = vlm.run(a, spec);
    RunResult rb = vlm.run(b, spec);
    for (HookPoint p : spec.captures().keySet()) {
      for (int t = 0; t < changed; t++) {
        assertArrayEquals(ra.cache().vector(p, t), rb.cache().vector(p, t), 1e-6f, p + " @ " + t);
      }
      assertFalse(
          java.util.Arrays.equals(ra.cache().vector(p, changed), rb.cache().vector(p, changed)),
          p + " differs at the changed token");
    }
  }

  @Test
  void batchedRunsEqualSingleRunsWithDifferentLengths() {
    VlmInput a = x();
    VlmInput b = input(3, "Is the red car above or below the tree?");
    VlmInput c = input(4, "What color is the backpack, red or blue?");
    VlmInput d = VlmInput.text("Is the dog to the left of the cat?");
    List<RunRequest> reqs = new ArrayList<>();
    RunSpec.Builder common = RunSpec.builder().readWords("left", "right", "red");
    reqs.add(RunRequest.of(a, common.capture(HookPoint.lmResid(2), Positions.of(20, 25)).build()));
    reqs.add(RunRequest.of(b, RunSpec.builder().readWords("above").capture(HookPoint.lmResid(3)).build()));
    reqs.add(
        RunRequest.of(
            c,
            RunSpec.builder()
                .logits(RunSpec.LogitsMode.ALL)
                .capture(HookPoint.projectorOut())
                .intervene(Intervention.zeroAblate(HookPoint.lmMlpOut(1), Positions.of(3)))
                .build()));
    reqs.add(RunRequest.of(d, RunSpec.builder().readWords("No").capture(HookPoint.lmResid(1)).build()));
    List<RunResult> batched = vlm.runAll(reqs);
    assertEquals(4, batched.size());
    for (int i = 0; i < reqs.size(); i++) {
      RunResult single = vlm.run(reqs.get(i).input(), reqs.get(i).spec());
      RunResult got = batched.get(i);
      assertEquals(single.tokenization().length(), got.tokenization().length());
      for (String w : single.logProbs().keySet()) {
        assertEquals(single.logProb(w), got.logProb(w), 1e-5, "request " + i + " word " + w);
      }
      assertEquals(single.topTokenId(), got.topTokenId());
      for (HookPoint p : single.cache().points()) {
        assertArrayEquals(single.cache().get(p).flat(), got.cache().get(p).flat(), 1e-5f, "request " + i + " " + p);
        assertArrayEquals(single.cache().get(p).positions(), got.cache().get(p).positions());
      }
      if (i == 2) {
        float[][] sl = single.allLogits();
        float[][] bl = got.allLogits();
        assertEquals(got.tokenization().length(), bl.length);
        for (int t = 0; t < sl.length; t++) {
          assertArrayEquals(sl[t], bl[t], 1e-5f);
        }
      }
    }
    // Text-only input: no image tokens, the projector capture of a text-only sample is empty.
    assertEquals(0, vlm.tokenize(d).imageCount());
  }

  @Test
  void resumingFromACachedResidualStreamEqualsTheFullRun() {
    RunSpec full = RunSpec.builder().readWords("left", "right").capture(HookPoint.lmResid(N)).build();
    RunResult f = vlm.run(x(), RunSpec.builder().capture(HookPoint.lmResid(1)).build());
    RunResult whole = vlm.run(x(), full);
    RunResult resumed = vlm.run(x(), full.toBuilder().resumeFrom(f.cache(), 1).build());
    assertEquals(whole.logProb("left"), resumed.logProb("left"), 1e-6);
    assertEquals(whole.logProb("right"), resumed.logProb("right"), 1e-6);
    assertArrayEquals(
        whole.cache().get(HookPoint.lmResid(N)).flat(), resumed.cache().get(HookPoint.lmResid(N)).flat(), 1e-6f);
    assertArrayEquals(whole.lastLogits(), resumed.lastLogits(), 1e-5f);
    // An intervention at the resume point applies to the resumed state.
    int pos = vlm.tokenize(x()).lastSubToken("dog");
    RunSpec zeroed =
        RunSpec.builder()
            .readWords("left")
            .intervene(Intervention.zeroAblate(HookPoint.lmResid(1), Positions.of(pos)))
            .build();
    assertEquals(
        vlm.run(x(), zeroed).logProb("left"),
        vlm.run(x(), zeroed.toBuilder().resumeFrom(f.cache(), 1).build()).logProb("left"),
        1e-6);
  }

  @Test
  void earlyStopGivesTheSameCapturesAsAFullRun() {
    RunSpec stop =
        RunSpec.builder()
            .logits(RunSpec.LogitsMode.NONE)
            .capture(HookPoint.lmResid(1))
            .capture(HookPoint.visionResid(1))
            .build();
    RunResult early = vlm.run(x(), stop);
    RunResult full = vlm.run(x(), stop.toBuilder().logits(RunSpec.LogitsMode.LAST).build());
    assertEquals(-1, early.topTokenId());
    assertTrue(early.logProbs().isEmpty());
    assertThrows(IllegalStateException.class, early::lastLogits);
    for (HookPoint p : stop.captures().keySet()) {
      assertArrayEquals(full.cache().get(p).flat(), early.cache().get(p).flat(), p.toString());
    }
    // Only vision points: the decoder is skipped entirely.
    RunResult vis =
        vlm.run(x(), RunSpec.builder().logits(RunSpec.LogitsMode.NONE).capture(HookPoint.projectorOut()).build());
    assertEquals(16, vis.cache().get(HookPoint.projectorOut()).positions().length);
  }

  @Test
  void projectorRowsAreTheImageTokensEmbeddingsAndVideoFramesKeepTheirOrder() {
    RunResult r =
        vlm.run(
            x(),
            RunSpec.builder()
                .capture(HookPoint.projectorOut())
                .capture(HookPoint.lmEmbed())
                .capture(HookPoint.visionResid(0))
                .build());
    Tokenization t = r.tokenization();
    int[] img = t.imagePositions(0).resolve(t.length());
    assertEquals(17, r.cache().get(HookPoint.visionResid(0)).positions().length);
    for (int k = 0; k < img.length; k++) {
      assertArrayEquals(r.cache().vector(HookPoint.projectorOut(), k), r.cache().vector(HookPoint.lmEmbed(), img[k]));
    }
    VlmInput video =
        VlmInput.ofVideo(
            List.of(TinyLlava.image(7), TinyLlava.image(8)),
            vlm.promptFormat().videoPrompt("Does the dog appear before or after the cat?"));
    RunResult v =
        vlm.run(video, RunSpec.builder().logits(RunSpec.LogitsMode.NONE).capture(HookPoint.projectorOut()).build());
    assertEquals(2, v.tokenization().imageCount());
    for (int f = 0; f < 2; f++) {
      RunResult single =
          vlm.run(
              input(7 + f, "Is the dog to the left or right of the cat?"),
              RunSpec.builder().logits(RunSpec.LogitsMode.NONE).capture(HookPoint.projectorOut()).build());
      for (int k = 0; k < 16; k++) {
        assertArrayEquals(
            single.cache().vector(HookPoint.projectorOut(), k),
            v.cache().vector(HookPoint.projectorOut(), f * 16 + k),
            1e-6f,
            "frame " + f + " token " + k);
      }
    }
  }

  @Test
  void badRequestsFailWithSpecificMessagesBeforeRunning() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> vlm.run(x(), RunSpec.builder().capture(HookPoint.lmResid(7)).build()));
    assertTrue(e.getMessage().contains("lm.7.resid_post"), e.getMessage());
    assertTrue(e.getMessage().contains("lm.0..3.resid_post"), e.getMessage());
    assertTrue(e.getMessage().contains("projector.out"), e.getMessage());

    e = assertThrows(
        IllegalArgumentException.class,
        () -> vlm.run(x(), RunSpec.builder().capture(HookPoint.visionResid(2)).build()));
    assertTrue(e.getMessage().contains("not run"), e.getMessage());

    int len = vlm.tokenize(x()).length();
    e = assertThrows(
        IllegalArgumentException.class,
        () -> vlm.run(
            x(),
            RunSpec.builder()
                .intervene(Intervention.zeroAblate(HookPoint.lmResid(1), Positions.of(len)))
                .build()));
    assertTrue(e.getMessage().contains("position " + len), e.getMessage());
    assertTrue(e.getMessage().contains(len + " positions"), e.getMessage());

    e = assertThrows(
        IllegalArgumentException.class,
        () -> vlm.run(
            x(),
            RunSpec.builder()
                .intervene(Intervention.add(HookPoint.lmResid(1), Positions.of(3), new float[10]))
                .build()));
    assertTrue(e.getMessage().contains("lm.1.resid_post"), e.getMessage());
    assertTrue(e.getMessage().contains("width 10") && e.getMessage().contains("expected 64"), e.getMessage());

    RunResult partial = vlm.run(x(), RunSpec.builder().capture(HookPoint.lmResid(2), Positions.of(1, 2)).build());
    e = assertThrows(
        IllegalArgumentException.class,
        () -> vlm.run(
            x(),
            RunSpec.builder()
                .intervene(Intervention.patch(HookPoint.lmResid(2), Positions.of(1, 5), partial.cache()))
                .build()));
    assertTrue(e.getMessage().contains("lacks position 5"), e.getMessage());

    e = assertThrows(
        IllegalArgumentException.class,
        () -> vlm.run(x(), RunSpec.builder().readWords("left right").build()));
    assertTrue(e.getMessage().contains("left right"), e.getMessage());

    // A bad request in a batch fails the whole call before anything runs.
    AtomicInteger calls = new AtomicInteger();
    RunSpec counting =
        RunSpec.builder().intervene(Intervention.custom(HookPoint.lmResid(1), v -> calls.incrementAndGet())).build();
    assertThrows(
        IllegalArgumentException.class,
        () -> vlm.runAll(
            List.of(
                RunRequest.of(x(), counting),
                RunRequest.of(x(), RunSpec.builder().capture(HookPoint.lmResid(9)).build()))));
    assertEquals(0, calls.get());

    // A custom hook writing the wrong width.
    e = assertThrows(
        IllegalArgumentException.class,
        () -> vlm.run(
            x(),
            RunSpec.builder()
                .intervene(Intervention.custom(HookPoint.lmResid(1), v -> v.set(0, new float[3])))
                .build()));
    assertTrue(e.getMessage().contains("width 3"), e.getMessage());
  }

  @Test
  void promptTemplateComesFromOptionsThenVlmlensJson() throws IOException {
    Path d = dir.resolve("templated");
    TinyLlava.writeCheckpoint(d, TinyLlava.config(1), 3);
    Files.writeString(d.resolve(HookedLlava.VLMLENS_JSON), "{\"prompt_template\": \"<image> Q: {question} A:\"}");
    try (HookedLlava m = HookedLlava.load(d)) {
      assertEquals("<image> Q: {question} A:", m.promptFormat().template());
    }
    try (HookedLlava m =
        HookedLlava.load(d, LoadOptions.builder().optPromptTemplate("USER: <image> {question}").build())) {
      assertEquals("USER: <image> {question}", m.promptFormat().template());
    }
  }

  @Test
  void float16RunsAndAgreesWithFloat32AndBfloat16IsRefusedUpFront() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> LoadOptions.builder().optDataType(DataType.BFLOAT16));
    assertTrue(e.getMessage().contains("bfloat16"), e.getMessage());
    try (HookedLlava bf =
        HookedLlava.load(dir.resolve("tiny"), LoadOptions.builder().optDataType(DataType.FLOAT16).build())) {
      assertEquals(DataType.FLOAT16, bf.model().dataType());
      RunSpec spec =
          RunSpec.builder()
              .readWords("left", "right", "Yes")
              .capture(HookPoint.lmResid(2), Positions.of(20))
              .intervene(Intervention.add(HookPoint.lmResid(1), Positions.of(20), new float[H]))
              .build();
      RunResult a = vlm.run(x(), spec);
      RunResult b = bf.run(x(), spec);
      for (String w : List.of("left", "right", "Yes")) {
        assertEquals(a.logProb(w), b.logProb(w), 0.15, w);
      }
      float[] va = a.cache().vector(HookPoint.lmResid(2), 20);
      float[] vb = b.cache().vector(HookPoint.lmResid(2), 20);
      double num = 0;
      double den = 0;
      for (int i = 0; i < va.length; i++) {
        num += (va[i] - vb[i]) * (va[i] - vb[i]);
        den += va[i] * va[i];
      }
      assertTrue(Math.sqrt(num / den) < 0.05, "relative error " + Math.sqrt(num / den));
    }
  }
}
