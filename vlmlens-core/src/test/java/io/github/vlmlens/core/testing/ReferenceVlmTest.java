package io.github.vlmlens.core.testing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.vlmlens.core.ActivationCache;
import io.github.vlmlens.core.HookPoint;
import io.github.vlmlens.core.Intervention;
import io.github.vlmlens.core.Positions;
import io.github.vlmlens.core.RgbImage;
import io.github.vlmlens.core.RunResult;
import io.github.vlmlens.core.RunSpec;
import io.github.vlmlens.core.Tokenization;
import io.github.vlmlens.core.VlmInput;
import io.github.vlmlens.core.testing.ReferenceVlm.Frames;
import io.github.vlmlens.core.testing.ReferenceVlm.Images;
import io.github.vlmlens.core.testing.ReferenceVlm.Spec;
import io.github.vlmlens.core.testing.ReferenceVlm.Vocabulary;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The reference model against hand computations: a 2-block model of width 2 whose {@code lm.0}
 * row is {@code [id / 100, 1 if image token]}, whose block {@code L} adds {@code L} to component 0
 * of every row, and whose readout gives logits {@code [h0, h1, 0]} from the last row.
 */
class ReferenceVlmTest {
  private static final RgbImage PIXEL = RgbImage.of(1, 1, new int[] {0x102030});
  private static final VlmInput AB = VlmInput.of(PIXEL, "<image> a b");
  private static final double TOL = 1e-5;

  private static ReferenceVlm model(Frames frames, List<String> answers, int logits, int width) {
    Spec spec = new Spec("ref", 2, 2, "<image> {question}",
        new Vocabulary(List.of("a", "b"), 3, answers, 7, 6, 4), new Images(2, 2, frames));
    return new ReferenceVlm(spec,
        (input, t) -> {
          float[][] h = new float[t.length()][width];
          for (int q = 0; q < t.length(); q++) {
            h[q][0] = t.id(q) / 100f;
            h[q][1] = t.isImageToken(q) ? 1f : 0f;
          }
          return h;
        },
        (layer, h, t, input) -> {
          for (float[] row : h) {
            row[0] += layer;
          }
          return h;
        },
        (h, t, input) -> {
          double[] z = new double[logits];
          z[0] = h[h.length - 1][0];
          z[1] = h[h.length - 1][1];
          return z;
        },
        null);
  }

  private static ReferenceVlm model() {
    return model(Frames.ONE_IMAGE_PER_PLACEHOLDER, List.of("a", "b"), 3, 2);
  }

  private static int unknown(String token) {
    return 200 + Math.floorMod(token.hashCode(), 7);
  }

  private static double logSoftmax(double z, double... all) {
    double denom = 0;
    for (double x : all) {
      denom += Math.exp(x);
    }
    return z - Math.log(denom);
  }

  @Test
  void tokenizesImagesVocabularyWordsAndSplitsLongWords() {
    Tokenization t = model().tokenize(VlmInput.of(PIXEL, "<image> a elephants!"));
    assertArrayEquals(new int[] {1, 2, 2, 100, unknown("elep"), unknown("hants"), unknown("!")}, t.ids());
    assertEquals(List.of("<s>", "<img>", "<img>", "a", "elep", "hants", "!"), t.tokens());
    assertEquals(1, t.imageCount());
    assertArrayEquals(new int[] {1, 2}, t.imagePositions(0).resolve(t.length()));
    assertEquals(4, t.word("elephants").firstToken());
    assertEquals(5, t.word("elephants").lastToken());
    assertEquals(3, t.word("a").lastToken());
  }

  @Test
  void videoFramesAreOneRangeEachOrOneRangeForAll() {
    VlmInput video = VlmInput.ofVideo(List.of(PIXEL, PIXEL, PIXEL), "<video> a");
    Tokenization each = model(Frames.ALL_FRAMES, List.of("a"), 3, 2).tokenize(video);
    assertEquals(8, each.length());
    assertEquals(3, each.imageCount());
    assertArrayEquals(new int[] {5, 6}, each.imagePositions(2).resolve(8));
    Tokenization merged = model(Frames.ALL_FRAMES_ONE_RANGE, List.of("a"), 3, 2).tokenize(video);
    assertEquals(1, merged.imageCount());
    assertArrayEquals(new int[] {1, 2, 3, 4, 5, 6}, merged.imagePositions(0).resolve(8));
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> model().tokenize(video));
    assertTrue(e.getMessage().contains("image count mismatch"), e.getMessage());
  }

  @Test
  void runsCapturesAndLogProbsAsComputedByHand() {
    ReferenceVlm m = model();
    RunResult r = m.run(AB, RunSpec.builder().capture(HookPoint.lmResid(0)).capture(HookPoint.lmResid(2))
        .readWords("a", "b").build());
    // last token "b": lm.0 [1.01, 0]; +1 then +2
    assertEquals(1.01, r.cache().vector(HookPoint.lmResid(0), 4)[0], TOL);
    assertEquals(4.01, r.cache().vector(HookPoint.lmResid(2), 4)[0], TOL);
    assertEquals(3.02, r.cache().vector(HookPoint.lmResid(2), 1)[0], TOL);
    assertEquals(1.0, r.cache().vector(HookPoint.lmResid(2), 1)[1], TOL);
    assertEquals(logSoftmax(4.01, 4.01, 0, 0), r.logProb("a"), TOL);
    assertEquals(logSoftmax(0, 4.01, 0, 0), r.logProb("b"), TOL);
    assertEquals(1, m.runs.get());
    assertEquals(1, m.fullRuns.get());
    assertEquals(2, m.blocks.get());
  }

  @Test
  void interventionsApplyAfterTheLayerIsFormed() {
    ReferenceVlm m = model();
    HookPoint l1 = HookPoint.lmResid(1);
    Positions last = Positions.of(4);
    RunResult added = m.run(AB, RunSpec.builder()
        .intervene(Intervention.add(l1, last, new float[] {1f, 0.5f})).readWords("b").build());
    assertEquals(logSoftmax(0.5, 5.01, 0.5, 0), added.logProb("b"), TOL);
    RunResult zeroed = m.run(AB, RunSpec.builder()
        .intervene(Intervention.zeroAblate(l1, last)).readWords("a").build());
    assertEquals(logSoftmax(2, 2, 0, 0), zeroed.logProb("a"), TOL);
    RunResult replaced = m.run(AB, RunSpec.builder()
        .intervene(Intervention.replace(HookPoint.lmResid(2), last, new float[] {-1f, 3f})).readWords("b").build());
    assertEquals(logSoftmax(3, -1, 3, 0), replaced.logProb("b"), TOL);

    VlmInput bb = VlmInput.of(PIXEL, "<image> b b");
    VlmInput ba = VlmInput.of(PIXEL, "<image> b a");
    RunSpec read = RunSpec.builder().readWords("a").capture(l1).build();
    RunResult source = m.run(bb, read);
    RunResult plain = m.run(ba, read);
    RunResult patched = m.run(ba, RunSpec.builder().readWords("a")
        .intervene(Intervention.patch(l1, last, source.cache())).build());
    assertEquals(source.logProb("a"), patched.logProb("a"), 0);
    assertNotEquals(plain.logProb("a"), patched.logProb("a"));
  }

  @Test
  void resumeFromALayerEqualsTheFullRunAndSkipsItsBlocks() {
    ReferenceVlm m = model();
    RunResult full = m.run(AB, RunSpec.builder().capture(HookPoint.lmResid(1)).readWords("a", "b").build());
    RunResult resumed = m.run(AB, RunSpec.builder().resumeFrom(full.cache(), 1).readWords("a", "b").build());
    assertEquals(full.logProbs(), resumed.logProbs());
    assertEquals(1, m.fullRuns.get());
    assertEquals(1, m.resumedRuns.get());
    assertEquals(3, m.blocks.get());
    assertEquals(List.of(1, 1), m.batchSizes);
  }

  @Test
  void refusesWhatItDoesNotSupportNamingIt() {
    ReferenceVlm m = model();
    assertRefused(m, RunSpec.builder().capture(HookPoint.lmResid(3)).build(), "lm.3");
    assertRefused(m, RunSpec.builder()
        .intervene(Intervention.zeroAblate(HookPoint.lmAttnOut(1), Positions.all())).build(), "unknown hook point");
    assertRefused(m, RunSpec.builder()
        .intervene(Intervention.meanAblate(HookPoint.lmResid(1), Positions.all())).build(), "mean_ablate");
    assertRefused(m, RunSpec.builder()
        .intervene(Intervention.add(HookPoint.lmResid(1), Positions.all(), new float[3])).build(), "width 3");
    ActivationCache lastOnly = m.run(AB, RunSpec.builder().capture(HookPoint.lmResid(1), Positions.of(4)).build()).cache();
    assertRefused(m, RunSpec.builder().resumeFrom(lastOnly, 1).build(), "every one of the 5 positions");
    assertEquals(1, m.fullRuns.get(), "only the cache's run was embedded");
    assertEquals(0, m.resumedRuns.get());
    assertEquals(2, m.blocks.get(), "no block ran for a refused request");
    assertThrows(IllegalArgumentException.class, () -> m.answerTokenId("c"));
    assertThrows(IllegalArgumentException.class,
        () -> model(Frames.ONE_IMAGE_PER_PLACEHOLDER, List.of("a"), 3, 2).answerTokenId("b"));
    assertThrows(IllegalStateException.class,
        () -> model(Frames.ONE_IMAGE_PER_PLACEHOLDER, List.of("a", "b"), 4, 2).run(AB, RunSpec.empty()));
    assertThrows(IllegalStateException.class,
        () -> model(Frames.ONE_IMAGE_PER_PLACEHOLDER, List.of("a", "b"), 3, 3).run(AB, RunSpec.empty()));
  }

  private static void assertRefused(ReferenceVlm m, RunSpec spec, String naming) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> m.run(AB, spec));
    assertTrue(e.getMessage().contains(naming), e.getMessage());
  }
}
