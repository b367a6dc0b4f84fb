package io.github.vlmlens.temporal.ids;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.vlmlens.core.analysis.ExperimentEngine;
import io.github.vlmlens.core.analysis.Vectors;
import io.github.vlmlens.temporal.ids.TemporalIdResult.LayerIds;
import io.github.vlmlens.temporal.report.TemporalReport;
import io.github.vlmlens.temporal.testing.FakeVideoVlm;
import io.github.vlmlens.temporal.testing.KilledRuns;
import io.github.vlmlens.temporal.video.ObjectVideo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TemporalIdExtractionTest {
  static TemporalIdResult result;
  static final TemporalIdConfig CONFIG = TemporalIdConfig.builder().shuffles(5).build();

  @BeforeAll
  static void extract() {
    result = TemporalIdExtraction.of(FakeVideoVlm.standard(), CONFIG).withProgressBar(false).run();
  }

  @Test
  void theVideosCoverEveryAnchorAndEveryOtherFrame() {
    List<ObjectVideo> videos = TemporalIdExtraction.of(FakeVideoVlm.standard(), CONFIG).videos();
    assertEquals(CONFIG.sampleCount(), videos.size());
    assertEquals(6 * 8 * 7 * 2, videos.size());
    for (ObjectVideo v : videos) {
      assertTrue(v.first().frame() != v.second().frame());
    }
    assertEquals(result.sampleCount(), videos.size());
  }

  @Test
  void thePlantedTimeAxisIsRecovered() {
    for (int layer = 1; layer <= 3; layer++) {
      LayerIds l = result.layer(layer);
      double[] principal = Vectors.of(l.principalAxis());
      double[] diff = Vectors.of(l.orderedDifferenceAxis());
      assertTrue(Vectors.cosine(principal, FakeVideoVlm.TIME) > 0.99,
          "principal axis at layer " + layer + ": cosine " + Vectors.cosine(principal, FakeVideoVlm.TIME));
      assertTrue(Vectors.cosine(diff, FakeVideoVlm.TIME) > 0.99,
          "ordered-difference axis: cosine " + Vectors.cosine(diff, FakeVideoVlm.TIME));
      assertTrue(l.axisCosine() > 0.99);
      double[] coords = l.principal().frameCoordinates();
      for (int f = 1; f < coords.length; f++) {
        assertTrue(coords[f] > coords[f - 1], "IDs ordered by frame along the axis at layer " + layer);
      }
      assertTrue(l.principal().rSquaredFrameMeans() > 0.99, "R^2 means " + l.principal().rSquaredFrameMeans());
      assertTrue(l.principal().rSquaredSamples() > 0.8, "R^2 samples " + l.principal().rSquaredSamples());
      assertTrue(l.principal().rSquaredSamplesShuffled() < 0.2,
          "shuffled baseline " + l.principal().rSquaredSamplesShuffled());
      assertTrue(l.principal().explainedVariance() > 0.95);
      // Out of sample, against the relabelled frames.
      assertTrue(l.principal().cvR2() > 0.9, "CV R^2 " + l.principal().cvR2());
      assertTrue(l.principal().cvPValue() < 0.05, "p " + l.principal().cvPValue());
      assertTrue(l.orderedDifference().cvR2() > 0.9, "CV R^2 " + l.orderedDifference().cvR2());
      assertEquals(5, l.principal().cvFolds());
    }
    assertTrue(result.linearity().layer() >= 1, result.linearity().text());
    assertTrue(result.summary().contains("Most linear at layer"), result.summary());
    assertTrue(Double.isNaN(result.layer(0).principal().cvR2()), "no code at the embeddings");
  }

  @Test
  void aRandomInitBaselineAsGoodAsTheModelLeavesNoLayerShownLinear() {
    assertTrue(result.linearity().layer() >= 1, result.linearity().text());
    IllegalArgumentException same = assertThrows(IllegalArgumentException.class,
        () -> result.withRandomInitBaseline(result));
    assertTrue(same.getMessage().contains("were not redrawn"), same.getMessage());
    // A "random-init" model with exactly the trained figures: nothing beats it.
    TemporalIdResult twin = new TemporalIdResult(result.model() + " twin", result.numLayers(), result.layers(),
        result.config(), result.configHash(), result.sampleCount(), result.frames(), result.perLayer(),
        "other-weights", null, null, result.provenance());
    TemporalIdResult merged = result.withRandomInitBaseline(twin);
    assertEquals("other-weights", merged.randomInit().modelFingerprint());
    assertEquals(result.layer(2).principal().cvR2(), merged.layer(2).principal().randomInitCvR2(), 0);
    assertEquals(-1, merged.linearity().layer());
    assertTrue(merged.linearity().text().startsWith("No layer is shown to be linear")
        && merged.linearity().text().contains("does not beat the random-init baseline"), merged.linearity().text());
    assertTrue(merged.summary().contains("No layer is shown to be linear"), merged.summary());
  }

  @Test
  void theOrderedDifferenceAxisMatchesItsDefinition() {
    LayerIds l = result.layer(2);
    double[][] ids = result.ids(2);
    double[] brute = new double[ids[0].length];
    int pairs = 0;
    for (int f1 = 0; f1 < ids.length; f1++) {
      for (int f2 = 0; f2 < f1; f2++) {
        brute = Vectors.add(brute, Vectors.subtract(ids[f1], ids[f2]));
        pairs++;
      }
    }
    assertEquals(28, pairs);
    double[] axis = Vectors.of(l.orderedDifferenceAxis());
    for (int d = 0; d < axis.length; d++) {
      assertEquals(brute[d] / 28, axis[d], 1e-5);
    }
  }

  @Test
  void theEmbeddingLayerHasNoTimeCode() {
    LayerIds l0 = result.layer(0);
    for (float[] id : l0.ids()) {
      assertEquals(0, Vectors.norm(Vectors.of(id)), 1e-6);
    }
    assertTrue(Double.isNaN(l0.axisCosine()));
    assertTrue(Double.isNaN(l0.principal().rSquaredFrameMeans()));
  }

  @Test
  void resultsSaveLoadAndResume(@TempDir Path tmp) throws Exception {
    FakeVideoVlm vlm = FakeVideoVlm.standard();
    TemporalIdConfig small = TemporalIdConfig.builder().pairs(CONFIG.pairs().subList(0, 2)).positionsPerFrame(1)
        .layers(1, 2).shuffles(2).build();
    TemporalIdResult first = TemporalIdExtraction.of(vlm, small).withProgressBar(false).withBatchSize(5).run(tmp);
    assertTrue(Files.exists(tmp.resolve(ExperimentEngine.JOURNAL_FILE)));
    assertEquals("temporal-ids", first.provenance().experiment());
    assertEquals(5, first.provenance().batchSize());
    assertFalse(Files.exists(tmp.resolve(TemporalReport.HTML_FILE)), "the analysis renders nothing");
    TemporalReport.writeAll(first, tmp);
    assertTrue(Files.readString(tmp.resolve(TemporalReport.HTML_FILE)).contains("data:image/png;base64,"));
    int runs = vlm.runs.get();
    TemporalIdResult again = TemporalIdExtraction.of(vlm, small).withProgressBar(false).withBatchSize(5).run(tmp);
    assertEquals(runs, vlm.runs.get(), "resumed from the journal, nothing rerun");
    assertEquals(first.summary(), again.summary());

    TemporalIdResult read = TemporalIdResult.read(tmp.resolve("result.json"));
    assertEquals(first.config(), read.config());
    assertEquals(first.layers(), read.layers());
    for (int layer : first.layers()) {
      double[][] a = first.ids(layer);
      double[][] b = read.ids(layer);
      for (int f = 0; f < a.length; f++) {
        assertEquals(0, Vectors.norm(Vectors.subtract(a[f], b[f])), 0);
      }
    }
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> TemporalIdExtraction.of(vlm, TemporalIdConfig.builder().pairs(small.pairs()).positionsPerFrame(1)
            .layers(1, 2, 3).build()).withProgressBar(false).run(tmp));
    assertTrue(e.getMessage().contains(tmp.toString()), e.getMessage());
  }

  @Test
  void killedAnywhereAndResumedTheResultIsIdenticalExceptTimestamps(@TempDir Path tmp) throws Exception {
    TemporalIdConfig small = TemporalIdConfig.builder().pairs(CONFIG.pairs().subList(0, 2)).positionsPerFrame(1)
        .layers(1, 3).shuffles(3).build();
    Path whole = tmp.resolve("whole");
    TemporalIdExtraction.of(FakeVideoVlm.standard(), small).withProgressBar(false).withBatchSize(6).run(whole);
    String expected = KilledRuns.untimedResult(whole);
    int n = (int) Files.lines(whole.resolve(ExperimentEngine.JOURNAL_FILE)).count();
    for (int kept : new int[] {0, 5, 6, 7, n - 1}) {
      Path dir = KilledRuns.killedCopy(whole, tmp.resolve("killed" + kept), kept);
      FakeVideoVlm vlm = FakeVideoVlm.standard();
      TemporalIdExtraction.of(vlm, small).withProgressBar(false).withBatchSize(6).run(dir);
      assertEquals(n - kept / 6 * 6, vlm.runs.get(), "the group holding the kill point runs again");
      assertEquals(expected, KilledRuns.untimedResult(dir), "killed after " + kept);
    }
    // Another model (same name, other weights) is refused.
    FakeVideoVlm other = FakeVideoVlm.standard();
    other.fingerprint = "0123456789abcdef";
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> TemporalIdExtraction.of(other, small).withProgressBar(false).withBatchSize(6).run(whole));
    assertTrue(e.getMessage().contains("mix two models"), e.getMessage());
    assertEquals(0, other.runs.get());
  }

  @Test
  void badConfigsAreRefused() {
    assertThrows(IllegalArgumentException.class, () -> TemporalIdConfig.builder().positionsPerFrame(0).build());
    assertThrows(IllegalArgumentException.class, () -> TemporalIdExtraction.of(
        FakeVideoVlm.standard(), TemporalIdConfig.builder().layers(4).build()));
    assertThrows(IllegalArgumentException.class, () -> TemporalIdConfig.builder()
        .pairs(List.of(List.of(io.github.vlmlens.temporal.video.VideoObject.BAR,
            io.github.vlmlens.temporal.video.VideoObject.BAR))).build());
  }
}
