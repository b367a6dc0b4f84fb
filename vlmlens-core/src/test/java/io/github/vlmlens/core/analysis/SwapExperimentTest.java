package io.github.vlmlens.core.analysis;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.vlmlens.core.RgbImage;
import io.github.vlmlens.core.Tokenization;
import io.github.vlmlens.core.VlmInput;
import io.github.vlmlens.core.report.SwapReport;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.commons.math3.stat.StatUtils;
import org.apache.commons.math3.stat.descriptive.moment.StandardDeviation;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SwapExperimentTest {
  private static final String QUESTION = "Is the dog to the left or right of the cat?";
  private static final double TOL = 1e-12;

  @TempDir Path tmp;

  /** A mirror sample whose side signal is s = (left - right) / 256, exact in float. */
  static SwapSample sample(FakeVlm m, String id, int left, int right, String question, List<String> objects) {
    RgbImage img = FakeVlm.image(left, right);
    VlmInput x = m.promptFormat().input(img, question);
    VlmInput y = x.withImages(List.of(FakeVlm.mirror(img)));
    boolean leftIsGt = left > right;
    return SwapSample.of(id, x, y, leftIsGt ? "left" : "right", leftIsGt ? "right" : "left", objects);
  }

  static SwapSample sample(FakeVlm m, String id, int left, int right) {
    return sample(m, id, left, right, QUESTION, List.of("dog", "cat"));
  }

  /** The last position's signal after patching {@code set} at {@code layer}, by hand. */
  static double patchedZ(FakeVlm m, SwapSet set, int layer, double s) {
    switch (set) {
      case OBJECT_WORDS: {
        if (layer == 0) {
          return s; // object tokens hold no signal yet: x's and y's are equal
        }
        double before = 0;
        double after = 0;
        for (int l = 1; l <= m.numLayers; l++) {
          if (l <= layer) {
            before += m.readWeights[l];
          } else {
            after += m.readWeights[l];
          }
        }
        return s * before - s * after; // read from x so far, from y's object tokens from now on
      }
      case ALL_TEXT:
        return layer == 0 ? s : -s;
      case ALL_IMAGE:
        return layer == 0 ? -s : s;
      case CONTROL_TEXT:
        return s;
      default:
        throw new AssertionError(set);
    }
  }

  static double expectedShift(FakeVlm m, ShiftFormula f, String word, double s, double zPatched) {
    double px = FakeVlm.prob(word, s, m.beta);
    double py = FakeVlm.prob(word, -s, m.beta);
    double pt = FakeVlm.prob(word, zPatched, m.beta);
    if (f == ShiftFormula.PROBABILITY) {
      return (px - pt) / (px - py);
    }
    return (Math.log(px) - Math.log(pt)) / (Math.log(px) - Math.log(py));
  }

  private static SwapExperiment quiet(FakeVlm m, SwapConfig c) {
    return SwapExperiment.of(m, c).withProgressBar(false);
  }

  @Test
  void shiftsEqualTheHandComputedValuesOfTheFake() {
    FakeVlm m = FakeVlm.standard();
    int[][] images = {{192, 0}, {0, 128}, {96, 0}, {0, 224}};
    List<SwapSample> samples = new ArrayList<>();
    for (int i = 0; i < images.length; i++) {
      samples.add(sample(m, "s" + i, images[i][0], images[i][1]));
    }
    for (ShiftFormula f : ShiftFormula.values()) {
      SwapConfig c = SwapConfig.builder().formula(f).bootstrapResamples(500).build();
      SwapResult r = quiet(m, c).run(samples);
      assertEquals(List.of(0, 1, 2, 3, 4), r.layers());
      assertEquals(0, r.excludedCount());
      assertEquals(1.0, r.accuracyX());
      assertEquals(1.0, r.accuracyY());
      for (int i = 0; i < images.length; i++) {
        double s = (images[i][0] - images[i][1]) / 256.0;
        SwapResult.Sample rs = r.samples().get(i);
        String gt = rs.gtAnswer();
        assertEquals(Math.log(FakeVlm.prob(gt, s, m.beta)), rs.logProbXGt(), TOL);
        assertEquals(Math.log(FakeVlm.prob(gt, -s, m.beta)), rs.logProbYGt(), TOL);
        for (SwapSet set : SwapSet.values()) {
          List<SwapResult.Readout> ro = rs.readouts().get(set);
          assertEquals(5, ro.size());
          for (int l = 0; l <= 4; l++) {
            double z = patchedZ(m, set, l, s);
            assertEquals(l, ro.get(l).layer());
            assertEquals(Math.log(FakeVlm.prob(gt, z, m.beta)), ro.get(l).logProbGt(), TOL);
            assertEquals(expectedShift(m, f, gt, s, z), ro.get(l).shift(), 1e-9, set + " layer " + l);
            assertEquals(
                expectedShift(m, f, rs.otherAnswer(), s, z), ro.get(l).otherWordShift(), 1e-9);
          }
        }
      }
      // Whole-swap values are exact: 1 where the set carries everything, 0 where it carries nothing.
      SwapResult.Sample s0 = r.samples().get(0);
      assertEquals(1.0, s0.readouts().get(SwapSet.ALL_IMAGE).get(0).shift(), 1e-12);
      assertEquals(0.0, s0.readouts().get(SwapSet.ALL_IMAGE).get(1).shift(), 1e-12);
      assertEquals(1.0, s0.readouts().get(SwapSet.OBJECT_WORDS).get(1).shift(), 1e-12);
      assertEquals(0.0, s0.readouts().get(SwapSet.OBJECT_WORDS).get(3).shift(), 1e-12);
      for (int l = 0; l <= 4; l++) {
        assertEquals(0.0, s0.readouts().get(SwapSet.CONTROL_TEXT).get(l).shift(), 1e-12);
      }

      // Statistics over samples: the mean and sd of the hand-computed shifts.
      for (SwapSet set : SwapSet.values()) {
        for (int l = 0; l <= 4; l++) {
          double[] v = new double[images.length];
          for (int i = 0; i < images.length; i++) {
            double s = (images[i][0] - images[i][1]) / 256.0;
            v[i] = expectedShift(m, f, r.samples().get(i).gtAnswer(), s, patchedZ(m, set, l, s));
          }
          SwapResult.LayerStats st = r.curve(set).at(l);
          assertEquals(images.length, st.n());
          assertEquals(StatUtils.mean(v), st.mean(), 1e-9);
          assertEquals(new StandardDeviation(true).evaluate(v), st.sd(), 1e-9);
          assertTrue(st.lower() <= st.mean() + 1e-12 && st.mean() <= st.upper() + 1e-12, st.toString());
          assertTrue(st.lower() >= StatUtils.min(v) - 1e-12 && st.upper() <= StatUtils.max(v) + 1e-12);
        }
      }
    }
  }

  @Test
  void mergingPointFollowsTheStatedRule() {
    // Six blocks; the last position reads the object words in blocks 4 and 5, so the object words
    // carry the whole belief at layers 1-3, part of it at 4, none at 5-6.
    FakeVlm m = new FakeVlm(6, new double[] {0, 0, 0, 0, 0.5, 0.5, 0}, 2.0, 0, 0);
    List<SwapSample> samples = List.of(sample(m, "a", 192, 0), sample(m, "b", 0, 160));
    SwapResult r = quiet(m, SwapConfig.builder().bootstrapResamples(200).minKeptSamples(2).build()).run(samples);
    SwapResult.Curve obj = r.curve(SwapSet.OBJECT_WORDS);
    assertEquals(0.0, obj.at(0).mean(), 1e-12);
    for (int l = 1; l <= 3; l++) {
      assertEquals(1.0, obj.at(l).mean(), 1e-12);
    }
    double partial = obj.at(4).mean();
    assertTrue(partial > 0.1 && partial < 0.9, "layer 4: " + partial);
    SwapResult.MergingPoint mp = r.mergingPoint();
    assertNotNull(mp);
    assertEquals(1, mp.fromLayer());
    assertEquals(3, mp.toLayer());
    assertEquals(1, mp.peakLayer()); // first of the tied peak layers
    assertEquals(1.0, mp.peakShift(), 1e-12);

    SwapConfig loose = SwapConfig.builder().bootstrapResamples(200).minKeptSamples(2).mergingFraction(partial - 1e-6).build();
    SwapResult.MergingPoint mp2 = quiet(m, loose).run(samples).mergingPoint();
    assertEquals(4, mp2.toLayer());
    assertTrue(SwapReport.summary(r).contains("Modality merging point: layers 1-3"), SwapReport.summary(r));
  }

  @Test
  void smallDenominatorsAreExcludedAndCountedNotZeroed() {
    FakeVlm m = FakeVlm.standard();
    List<SwapSample> samples =
        List.of(sample(m, "strong", 192, 0), sample(m, "faint", 1, 0), sample(m, "strong2", 0, 128));
    SwapResult r = quiet(m, SwapConfig.builder().bootstrapResamples(100).build()).run(samples);
    assertEquals(3, r.sampleCount());
    assertEquals(1, r.excludedCount());
    SwapResult.Sample faint = r.samples().get(1);
    assertTrue(faint.excluded());
    assertTrue(faint.readouts().isEmpty());
    assertTrue(faint.exclusionReason().contains("below the threshold 0.05"), faint.exclusionReason());
    double s = 1 / 256.0;
    double den = FakeVlm.prob("left", s, m.beta) - FakeVlm.prob("left", -s, m.beta);
    assertEquals(den, faint.denominator(), 1e-9);
    assertEquals(2, r.curve(SwapSet.OBJECT_WORDS).at(1).n());
    assertEquals(1.0, r.curve(SwapSet.OBJECT_WORDS).at(1).mean(), 1e-12);
    // The excluded sample cost two full runs and no patched run: 3 x 2 full; each kept sample
    // 5 layers x 4 sets resumed runs, less the 3 text sets at layer 0 (no-op patches).
    assertEquals(6, m.fullRuns.get());
    assertEquals(2 * (5 * 4 - 3), m.resumedRuns.get());

    // Every sample excluded: the statistics are NaN with n = 0 and there is no merging point.
    FakeVlm m2 = FakeVlm.standard();
    SwapResult none =
        quiet(m2, SwapConfig.builder().threshold(0.9).bootstrapResamples(10).build())
            .run(List.of(sample(m2, "a", 192, 0)));
    assertEquals(1, none.excludedCount());
    assertEquals(0, none.curve(SwapSet.ALL_TEXT).at(2).n());
    assertTrue(Double.isNaN(none.curve(SwapSet.ALL_TEXT).at(2).mean()));
    assertNull(none.mergingPoint());
    assertTrue(SwapReport.summary(none).contains("Modality merging point: none"));
  }

  @Test
  void theSweepResumesFromTheCachedPrefixAndBatches() {
    FakeVlm m = FakeVlm.standard();
    int n = m.numLayers;
    SwapResult batched =
        quiet(m, SwapConfig.builder().bootstrapResamples(50).build())
            .withBatchSize(7)
            .run(List.of(sample(m, "a", 192, 0), sample(m, "b", 0, 64)));
    // Per sample: two full runs (2N blocks) and, per swap set and layer L, N - L blocks, except
    // for the three text sets at layer 0, whose patch changes nothing (same prompt in x and y).
    long perSample = 2L * n + 4L * (n * (n + 1) / 2) - 3L * n;
    assertEquals(2 * perSample, m.blocks.get());
    assertEquals(4, m.fullRuns.get());
    assertEquals(2 * (4 * (n + 1) - 3), m.resumedRuns.get());
    assertTrue(m.batchSizes.stream().allMatch(b -> b <= 7), m.batchSizes.toString());
    assertTrue(m.batchSizes.contains(7));

    FakeVlm single = FakeVlm.standard();
    SwapResult one =
        quiet(single, SwapConfig.builder().bootstrapResamples(50).build())
            .withBatchSize(1)
            .run(List.of(sample(single, "a", 192, 0), sample(single, "b", 0, 64)));
    assertEquals(unstamped(batched), unstamped(one));
  }

  @Test
  void controlTokensAreDeterministicNonObjectTextTokensAwayFromBosAndTheAnswer() {
    FakeVlm m = FakeVlm.standard();
    SwapSample s = sample(m, "ctl", 192, 0, "Is the elephant to the left or right of the traffic light?",
        List.of("elephant", "traffic light"));
    Tokenization t = m.tokenize(s.x());
    Set<Integer> forbidden = new HashSet<>();
    forbidden.add(0);
    forbidden.add(t.lastPosition());
    int elephantFirst = t.word("elephant").firstToken();
    int elephantLast = t.word("elephant").lastToken();
    assertEquals(elephantFirst + 1, elephantLast); // two sub-tokens
    for (int p = elephantFirst; p <= elephantLast; p++) {
      forbidden.add(p);
    }
    for (String w : List.of("traffic", "light")) {
      for (int p = t.word(w).firstToken(); p <= t.word(w).lastToken(); p++) {
        forbidden.add(p);
      }
    }
    Set<List<Integer>> seen = new HashSet<>();
    for (long seed = 0; seed < 12; seed++) {
      SwapConfig c = SwapConfig.builder().seed(seed).layers(1).bootstrapResamples(10).build();
      SwapResult.Sample r = quiet(m, c).run(List.of(s)).samples().get(0);
      assertEquals(List.of(elephantLast, t.word("light").lastToken()), r.objectPositions());
      List<Integer> ctl = r.controlPositions();
      assertEquals(2, ctl.size());
      for (int p : ctl) {
        assertFalse(forbidden.contains(p), "control took " + p);
        assertFalse(t.isImageToken(p));
      }
      assertEquals(ctl, quiet(m, c).run(List.of(s)).samples().get(0).controlPositions());
      seen.add(ctl);
      // Object words matched at their last sub-token carry the belief at layer 1.
      assertEquals(1.0, r.readouts().get(SwapSet.OBJECT_WORDS).get(0).shift(), 1e-12);
    }
    assertTrue(seen.size() > 3, "the seed should change the control draw: " + seen);
  }

  @Test
  void badInputFailsClearlyBeforeAnyForwardPass() {
    FakeVlm m = FakeVlm.standard();
    SwapSample missing = sample(m, "no-giraffe", 192, 0, QUESTION, List.of("dog", "giraffe"));
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> quiet(m, SwapConfig.builder().build()).run(List.of(sample(m, "ok", 192, 0), missing)));
    assertTrue(e.getMessage().contains("'giraffe'"), e.getMessage());
    assertTrue(e.getMessage().contains("no-giraffe"), e.getMessage());
    assertTrue(e.getMessage().contains(QUESTION), e.getMessage());
    assertEquals(0, m.fullRuns.get());

    IllegalArgumentException layers =
        assertThrows(
            IllegalArgumentException.class,
            () -> SwapExperiment.of(m, SwapConfig.builder().layers(0, 2, 7, 9).build()));
    assertTrue(layers.getMessage().contains("[7, 9]"), layers.getMessage());
    assertTrue(layers.getMessage().contains("0..4"), layers.getMessage());
    assertThrows(IllegalArgumentException.class, () -> SwapConfig.builder().layers(-1, 2).build());
    assertThrows(IllegalArgumentException.class, () -> SwapConfig.builder().layers(2, 2).build());

    IllegalArgumentException dup =
        assertThrows(
            IllegalArgumentException.class,
            () -> quiet(m, SwapConfig.builder().build())
                .run(List.of(sample(m, "x", 192, 0), sample(m, "x", 0, 192))));
    assertTrue(dup.getMessage().contains("'x'"));

    SwapSample textOnly =
        SwapSample.of("text", VlmInput.text("Is the dog left of the cat?"),
            VlmInput.text("Is the dog left of the cat?"), "left", "right", List.of("dog", "cat"));
    IllegalArgumentException img =
        assertThrows(
            IllegalArgumentException.class,
            () -> quiet(m, SwapConfig.builder().build()).run(List.of(textOnly)));
    assertTrue(img.getMessage().contains("ALL_IMAGE"), img.getMessage());

    assertThrows(IllegalArgumentException.class,
        () -> SwapSample.of("same", textOnly.x(), textOnly.y(), "left", "left", List.of("dog")));
    assertThrows(IllegalArgumentException.class,
        () -> SwapSample.of("none", textOnly.x(), textOnly.y(), "left", "right", List.of()));
  }

  @Test
  void anInterruptedRunResumesToTheSameJson() throws IOException {
    List<int[]> imgs = List.of(new int[] {192, 0}, new int[] {0, 128}, new int[] {1, 0},
        new int[] {96, 0}, new int[] {0, 224});
    SwapConfig c = SwapConfig.builder().name("mirror swap").bootstrapResamples(300).seed(7).build();

    FakeVlm whole = FakeVlm.standard();
    Path full = tmp.resolve("full");
    SwapResult expected = quiet(whole, c).run(samples(whole, imgs), full);
    String expectedJson = untimed(Files.readString(full.resolve("result.json")));
    assertEquals(untimed(SwapReport.toJson(expected)), expectedJson);

    FakeVlm first = FakeVlm.standard();
    Path dir = tmp.resolve("resumed");
    RuntimeException stop =
        assertThrows(
            RuntimeException.class,
            () -> quiet(first, c)
                .withListener((s, done, total) -> {
                  if (done == 2) {
                    throw new RuntimeException("interrupted after " + done + " of " + total);
                  }
                })
                .run(samples(first, imgs), dir));
    assertEquals("interrupted after 2 of 5", stop.getMessage());
    assertEquals(2, Files.readAllLines(dir.resolve("samples.jsonl")).size());
    assertFalse(Files.exists(dir.resolve("result.json")));

    // A write cut short by a kill leaves a partial last line: it is dropped and redone.
    Files.writeString(dir.resolve("samples.jsonl"), "{\"id\":\"s2\",\"gtAns", StandardCharsets.UTF_8,
        StandardOpenOption.APPEND);

    FakeVlm second = FakeVlm.standard();
    List<String> reported = new ArrayList<>();
    SwapResult resumed =
        quiet(second, c).withListener((s, done, total) -> reported.add(s.id() + "@" + done))
            .run(samples(second, imgs), dir);
    assertEquals(List.of("s2@3", "s3@4", "s4@5"), reported);
    // The group holding the resume point (all five samples at batch 16) ran again, so that its
    // batches are those of the uninterrupted run; only the three unfinished samples were kept.
    assertEquals(2 * 5, second.fullRuns.get());
    assertEquals(expectedJson, untimed(Files.readString(dir.resolve("result.json"))));
    assertEquals(unstamped(expected), unstamped(resumed));
    assertEquals(unstamped(expected), unstamped(SwapReport.readJson(dir.resolve("result.json"))));

    // Running again over a finished directory runs nothing and gives the same result.
    FakeVlm third = FakeVlm.standard();
    assertEquals(unstamped(expected), unstamped(quiet(third, c).run(samples(third, imgs), dir)));
    assertEquals(0, third.fullRuns.get());

    // Another config or other samples in the same directory are refused.
    IllegalStateException cfg =
        assertThrows(
            IllegalStateException.class,
            () -> quiet(third, c.toBuilder().threshold(0.1).build()).run(samples(third, imgs), dir));
    assertTrue(cfg.getMessage().contains("another configuration"), cfg.getMessage());
    List<int[]> changed = new ArrayList<>(imgs);
    changed.set(1, new int[] {0, 96});
    IllegalStateException smp =
        assertThrows(IllegalStateException.class, () -> quiet(third, c).run(samples(third, changed), dir));
    assertTrue(smp.getMessage().contains("'s1'"), smp.getMessage());
  }

  @Test
  void killedAtAnySampleAndResumedTheResultIsIdenticalExceptTimestamps() throws IOException {
    List<int[]> imgs = List.of(new int[] {192, 0}, new int[] {0, 128}, new int[] {1, 0},
        new int[] {96, 0}, new int[] {0, 224});
    SwapConfig c = SwapConfig.builder().bootstrapResamples(100).seed(9).minKeptSamples(2).build();
    FakeVlm whole = FakeVlm.standard();
    quiet(whole, c).withBatchSize(2).run(samples(whole, imgs), tmp.resolve("k-full"));
    String expected = untimed(Files.readString(tmp.resolve("k-full").resolve("result.json")));
    for (int k = 1; k <= 4; k++) {
      int stopAt = k;
      Path dir = tmp.resolve("k" + k);
      FakeVlm first = FakeVlm.standard();
      assertThrows(RuntimeException.class, () -> quiet(first, c).withBatchSize(2)
          .withListener((smp, done, total) -> {
            if (done == stopAt) {
              throw new RuntimeException("killed");
            }
          })
          .run(samples(first, imgs), dir));
      FakeVlm second = FakeVlm.standard();
      quiet(second, c).withBatchSize(2).run(samples(second, imgs), dir);
      assertEquals(expected, untimed(Files.readString(dir.resolve("result.json"))), "killed after " + k);
    }
    // Another batch size or another model (same name, other weights) is refused on resume.
    FakeVlm other = FakeVlm.standard();
    IllegalStateException batch = assertThrows(IllegalStateException.class,
        () -> quiet(other, c).withBatchSize(3).run(samples(other, imgs), tmp.resolve("k1")));
    assertTrue(batch.getMessage().contains("batch size"), batch.getMessage());
    other.fingerprint = "0123456789abcdef";
    IllegalStateException model = assertThrows(IllegalStateException.class,
        () -> quiet(other, c).withBatchSize(2).run(samples(other, imgs), tmp.resolve("k1")));
    assertTrue(model.getMessage().contains("mix two models"), model.getMessage());
  }

  @Test
  void groupsOfSamplesGiveTheSameResultsJournalAndListenerCallsAsOneByOne() throws IOException {
    // Five samples, one of them excluded (faint), swept one by one, in groups of 3 and all at once.
    List<int[]> imgs = List.of(new int[] {192, 0}, new int[] {0, 128}, new int[] {1, 0},
        new int[] {96, 0}, new int[] {0, 224});
    SwapConfig c = SwapConfig.builder().bootstrapResamples(200).seed(5).build();
    SwapResult reference = null;
    String referenceJournal = null;
    String referenceJson = null;
    for (int batch : new int[] {1, 3, 16}) {
      FakeVlm m = FakeVlm.standard();
      Path dir = tmp.resolve("group" + batch);
      List<String> reported = new ArrayList<>();
      SwapResult r =
          quiet(m, c).withBatchSize(batch)
              .withListener((smp, done, total) -> reported.add(smp.id() + "@" + done + "/" + total))
              .run(samples(m, imgs), dir);
      assertEquals(List.of("s0@1/5", "s1@2/5", "s2@3/5", "s3@4/5", "s4@5/5"), reported);
      assertEquals(1, r.excludedCount());
      assertTrue(r.samples().get(2).excluded());
      // Two full runs per sample; per kept sample 5 layers x 4 sets less the 3 no-op text sets.
      assertEquals(2 * 5, m.fullRuns.get());
      assertEquals(4 * (5 * 4 - 3), m.resumedRuns.get());
      int b = batch;
      assertTrue(m.batchSizes.stream().allMatch(n -> n <= b), m.batchSizes.toString());
      if (batch == 16) {
        // All ten full runs in one call; at each layer >= 1, one call of 4 kept samples x 4 sets.
        assertEquals(10, m.batchSizes.get(0));
        assertEquals(16, m.batchSizes.get(2));
        assertEquals(1 + 5, m.batchSizes.size());
      }
      String journal = Files.readString(dir.resolve("samples.jsonl"));
      String json = Files.readString(dir.resolve("result.json"));
      json = json.substring(0, json.indexOf("\"provenance\""));
      r = unstamped(r);
      if (reference == null) {
        reference = r;
        referenceJournal = journal;
        referenceJson = json;
      } else {
        assertEquals(reference, r);
        assertEquals(referenceJournal, journal);
        assertEquals(referenceJson, json);
      }
    }
  }

  @Test
  void costOfAGroupIsReportedPerSampleAndNeedsSamplesOfOneSize() {
    FakeVlm m = new FakeVlm(8, new double[] {0, 0, 0, 0, 0.5, 0.5, 0, 0, 0}, 2.0, 4000, 200000);
    SwapExperiment e = quiet(m, SwapConfig.builder().build()).withBatchSize(8);
    List<SwapSample> group =
        List.of(sample(m, "g0", 192, 0), sample(m, "g1", 0, 160), sample(m, "g2", 128, 0));
    SweepCost cost = e.measureCost(group, 3);
    assertEquals(2 + 36 - 3, cost.requests()); // per sample, as for one sample alone
    assertEquals(8, cost.batchSize());
    assertEquals(cost.sweepMillis() / (36 * cost.forwardMillis()), cost.ratio(), 1e-12);

    SwapSample longer =
        sample(m, "long", 192, 0, "Is the elephant to the left or right of the traffic light?",
            List.of("elephant", "traffic light"));
    IllegalArgumentException ex =
        assertThrows(IllegalArgumentException.class,
            () -> e.measureCost(List.of(group.get(0), longer), 1));
    assertTrue(ex.getMessage().contains("'long'"), ex.getMessage());
    assertThrows(IllegalArgumentException.class, () -> e.measureCost(List.of(), 1));
    assertThrows(IllegalArgumentException.class, () -> e.measureCost(group, 0));
  }

  private static List<SwapSample> samples(FakeVlm m, List<int[]> imgs) {
    List<SwapSample> out = new ArrayList<>();
    for (int i = 0; i < imgs.size(); i++) {
      out.add(sample(m, "s" + i, imgs.get(i)[0], imgs.get(i)[1]));
    }
    return out;
  }

  @Test
  void aLayerSubsetAndSetSubsetAreHonoured() {
    FakeVlm m = FakeVlm.standard();
    SwapConfig c = SwapConfig.builder().layers(3, 1).swapSets(SwapSet.ALL_IMAGE, SwapSet.OBJECT_WORDS)
        .bootstrapResamples(20).build();
    SwapResult r = quiet(m, c).run(List.of(sample(m, "a", 192, 0)));
    assertEquals(List.of(1, 3), r.layers());
    assertEquals(List.of(SwapSet.ALL_IMAGE, SwapSet.OBJECT_WORDS),
        r.curves().stream().map(SwapResult.Curve::swapSet).toList());
    assertEquals(1.0, r.curve(SwapSet.OBJECT_WORDS).at(1).mean(), 1e-12);
    assertEquals(0.0, r.curve(SwapSet.OBJECT_WORDS).at(3).mean(), 1e-12);
    assertTrue(r.samples().get(0).controlPositions().isEmpty());
    assertThrows(IllegalArgumentException.class, () -> r.curve(SwapSet.CONTROL_TEXT));
    // Blocks: 2 full runs of 4 blocks, then per set (4 - 1) + (4 - 3).
    assertEquals(2 * 4 + 2 * (3 + 1), m.blocks.get());
  }

  @Test
  void costMeasurementReportsTheRatioAgainstPlainForwards() {
    // Emulated compute: 400 units per block and position, a vision tower of 20000 per full run.
    FakeVlm m = new FakeVlm(8, new double[] {0, 0, 0, 0, 0.5, 0.5, 0, 0, 0}, 2.0, 4000, 200000);
    SwapExperiment e = quiet(m, SwapConfig.builder().build()).withBatchSize(8);
    SweepCost cost = e.measureCost(sample(m, "bench", 192, 0), 5);
    assertEquals(9, cost.layers());
    assertEquals(4, cost.swapSets());
    assertEquals(2 + 36 - 3, cost.requests()); // the text sets at layer 0 change nothing
    assertTrue(cost.forwardMillis() > 0 && cost.sweepMillis() > 0);
    assertEquals(cost.sweepMillis() / (36 * cost.forwardMillis()), cost.ratio(), 1e-12);
    System.out.printf("fake sweep cost: %s%n", cost);
    // In decoder blocks, one sweep is 2 full runs of N blocks plus, per swap set, N - L blocks at
    // each layer L (less the 3 no-op text sets at layer 0), against (N + 1) x 4 x N blocks for the
    // naive plan; the vision tower runs only twice.
    FakeVlm counted = new FakeVlm(8, new double[] {0, 0, 0, 0, 0.5, 0.5, 0, 0, 0}, 2.0, 0, 0);
    quiet(counted, SwapConfig.builder().bootstrapResamples(10).build()).run(List.of(sample(counted, "b", 192, 0)));
    assertEquals(2 * 8 + 4 * (8 * 9 / 2) - 3 * 8, counted.blocks.get());
    double blockRatio = counted.blocks.get() / (9.0 * 4 * 8);
    System.out.printf("fake sweep cost in decoder blocks: %.3f of the naive plan%n", blockRatio);
    assertTrue(blockRatio < 0.55, "block ratio " + blockRatio);
    assertNotEquals(0, cost.repeats());
  }

  @Test
  void configJsonRoundTripsAndRejectsBadSettings() {
    SwapConfig c = SwapConfig.builder().name("attribute swap").layers(0, 2).formula(ShiftFormula.LOG_PROBABILITY)
        .threshold(0.1).bootstrapResamples(99).confidence(0.9).seed(3).mergingFraction(0.8).build();
    assertEquals(c, c.toBuilder().build());
    assertThrows(IllegalArgumentException.class, () -> SwapConfig.builder().confidence(1.0).build());
    assertThrows(IllegalArgumentException.class, () -> SwapConfig.builder().threshold(-1).build());
    assertThrows(IllegalArgumentException.class, () -> SwapConfig.builder().bootstrapResamples(0).build());
    assertThrows(IllegalArgumentException.class, () -> SwapConfig.builder().swapSets().build());
    assertThrows(IllegalArgumentException.class,
        () -> SwapConfig.builder().swapSets(SwapSet.ALL_TEXT, SwapSet.ALL_TEXT).build());
    assertArrayEquals(new Object[] {0, 2}, c.layers().toArray());
  }

  /** The result without its provenance (which holds times and the batch size). */
  static SwapResult unstamped(SwapResult r) {
    return new SwapResult(
        r.model(), r.numLayers(), r.layers(), r.imageTokenDefinition(), r.config(), r.configHash(), r.sampleCount(), r.excludedCount(),
        r.accuracyX(), r.accuracyY(), r.curves(), r.mergingPoint(), r.mergingVerdict(), r.warnings(),
        r.samples(), null);
  }

  /** JSON with its timestamps blanked. */
  static String untimed(String json) {
    return json.replaceAll("\"(startedAt|finishedAt)\" : \"[^\"]*\"", "\"$1\" : \"-\"");
  }
}
