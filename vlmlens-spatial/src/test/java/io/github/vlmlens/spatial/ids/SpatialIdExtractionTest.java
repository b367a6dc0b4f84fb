package io.github.vlmlens.spatial.ids;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.vlmlens.core.analysis.ExperimentEngine;
import io.github.vlmlens.core.analysis.Provenance;
import io.github.vlmlens.core.analysis.Vectors;
import io.github.vlmlens.spatial.fake.PlantedVlm;
import io.github.vlmlens.spatial.fake.RunFiles;
import io.github.vlmlens.spatial.ids.IdExtractionResult.LayerGeometry;
import io.github.vlmlens.spatial.scene.GridCell;
import io.github.vlmlens.spatial.scene.GridSpec;
import io.github.vlmlens.spatial.scene.ObjectLibrary;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SpatialIdExtractionTest {
  @TempDir Path tmp;

  static final List<ObjectPair> PAIRS = List.of(ObjectPair.of("ball", "box"), ObjectPair.of("star", "heart"));

  static PlantedVlm fake(double noise) {
    return new PlantedVlm(GridSpec.tiny(), ObjectLibrary.builtIn(), 24, 3, noise, 3.0, 11);
  }

  static IdConfig config() {
    return IdConfig.builder().pairs(PAIRS).shuffles(8).build();
  }

  @Test
  void aNoiseFreeLinearCodeGivesTheExactAxisAndRSquaredOne() {
    PlantedVlm m = fake(0);
    ExtractedIds e = SpatialIdExtraction.of(m, config().toBuilder().plainPrompts(false).build())
        .withProgressBar(false).run();
    // Centring per A cell leaves ID(i, j) = (1 - 1/(C-1)^2) (j U + i V) + const with C = 16 cells,
    // and the paper's axis of a linear table is (m + 1) / 3 times its step.
    double f = 5.0 / 3 * (224.0 / 225);
    for (int l = 1; l <= 3; l++) {
      assertArrayEquals(Vectors.scale(m.u, f), e.ids().horizontalAxis(l, AxisNormalisation.PAPER), 1e-5, "h at " + l);
      assertArrayEquals(Vectors.scale(m.v, f), e.ids().verticalAxis(l, AxisNormalisation.PAPER), 1e-5, "v at " + l);
      assertArrayEquals(Vectors.scale(m.u, f * 2 / 3), e.ids().horizontalAxis(l, AxisNormalisation.AUTHORS_SCRIPT),
          1e-5);
      LayerGeometry g = e.result().at(l);
      assertEquals(1.0, g.r2CellMeans(), 1e-6);
      assertEquals(1.0, g.explainedVariance(), 1e-6);
      assertEquals(Vectors.norm(m.u) * f, g.horizontalNorm(), 1e-5);
    }
    // Layer 0 is the word embedding alone: no ID, no plane, NaN statistics.
    LayerGeometry g0 = e.result().at(0);
    assertEquals(0.0, g0.horizontalNorm(), 0);
    assertTrue(Double.isNaN(g0.r2CellMeans()) && Double.isNaN(g0.r2PerSample()));
    assertTrue(g0.cells().isEmpty());
    // NaN statistics survive a JSON round trip.
    Path json = tmp.resolve("noise-free.json");
    IdReport.writeJson(e.result(), json);
    assertEquals(e.result(), IdReport.readJson(json));
    // One run per placement: 2 pairs x 16 A cells x 15 B cells x 3 sizes, in batches of 16 at most.
    assertEquals(2 * 16 * 15 * 3, m.fullRuns.get());
    assertEquals(1440, e.result().placementsPerPrompt());
    assertTrue(m.batchSizes.stream().allMatch(b -> b <= 16));
  }

  @Test
  void aNoisyCodeIsRecoveredAndBeatsItsShuffledBaseline() {
    PlantedVlm m = fake(0.05);
    ExtractedIds e = SpatialIdExtraction.of(m, config()).withProgressBar(false).withBatchSize(7).run();
    for (int l = 1; l <= 3; l++) {
      double ch = Vectors.cosine(m.u, e.ids().horizontalAxis(l, AxisNormalisation.PAPER));
      double cv = Vectors.cosine(m.v, e.ids().verticalAxis(l, AxisNormalisation.PAPER));
      assertTrue(ch > 0.99 && cv > 0.99, "layer " + l + ": cosines " + ch + ", " + cv);
      LayerGeometry g = e.result().at(l);
      assertTrue(g.r2CellMeans() > 0.99, "cell means " + g.r2CellMeans());
      assertTrue(g.r2PerSample() > 0.8, "per sample " + g.r2PerSample());
      assertTrue(g.shuffledR2PerSample() < 0.3, "shuffled " + g.shuffledR2PerSample());
      assertTrue(g.shuffledR2PerSampleMax() >= g.shuffledR2PerSample());
      assertTrue(g.shuffledR2CellMeans() < g.r2CellMeans());
      // Plain prompts carry the same code in the fake: linear on the spatial plane too.
      assertNotNull(g.plain());
      assertTrue(g.plain().r2CellMeans() > 0.99, "plain " + g.plain().r2CellMeans());
      assertTrue(Double.isFinite(g.plain().separation()));
    }
    assertTrue(e.result().bestLayer() >= 1);
    assertEquals(2 * 1440, m.fullRuns.get()); // spatial and plain prompts
    assertEquals(1440, e.result().spatialScatter().size());
    assertEquals(1440, e.result().plainScatter().size());
    // Per-pair IDs agree with the universal ones up to the noise.
    double c = Vectors.cosine(Vectors.of(e.ids().pairId(PAIRS.get(1), 2, GridCell.of(3, 3))),
        Vectors.of(e.ids().id(2, GridCell.of(3, 3))));
    assertTrue(c > 0.99, "pair against universal " + c);
    String summary = e.summary();
    assertTrue(summary.contains("R^2 per sample"), summary);
    // The planted code holds at every layer but 0: out of sample and against the relabellings.
    for (int l = 1; l <= 3; l++) {
      assertTrue(e.result().at(l).cvR2() > 0.9, "CV R^2 at " + l + ": " + e.result().at(l).cvR2());
      assertTrue(e.result().at(l).cvPValue() < 0.05, "p at " + l);
    }
    assertTrue(e.result().linearity().layer() >= 1, e.result().linearity().text());
    assertTrue(summary.contains("Most linear at layer " + e.result().linearity().layer()), summary);
    assertTrue(summary.contains("shuffled baseline"), summary);
  }

  @Test
  void aRunWithADirectoryResumesAndWritesIdsJsonAndReport() throws Exception {
    Path dir = tmp.resolve("ids");
    IdConfig c = config().toBuilder().plainPrompts(false).layers(2, 1).build();
    PlantedVlm first = fake(0.05);
    ExtractedIds a = SpatialIdExtraction.of(first, c).withProgressBar(false).run(dir);
    assertTrue(Files.exists(dir.resolve(SpatialIds.FILE_NAME)));
    assertTrue(Files.exists(dir.resolve(IdReport.JSON_FILE)));
    String html = Files.readString(dir.resolve(IdReport.HTML_FILE));
    assertTrue(html.contains("Projected ID grid by layer") && html.contains("data:image/png;base64,"));
    Path journal = dir.resolve(ExperimentEngine.JOURNAL_FILE);
    assertEquals(1440, Files.readAllLines(journal).size()); // one line per placement
    assertEquals(a.result(), IdReport.readJson(dir.resolve(IdReport.JSON_FILE)));
    assertEquals(a.ids().fingerprint(), SpatialIds.load(dir.resolve(SpatialIds.FILE_NAME)).fingerprint());
    assertEquals(List.of(1, 2), a.result().layers());
    Provenance p = a.result().provenance();
    assertEquals("spatial-ids", p.experiment());
    assertEquals(16, p.batchSize());
    assertEquals(Map.of("seed", c.seed()), p.seeds());
    assertEquals("planted", p.model().name());

    // Finished: nothing runs, same numbers.
    PlantedVlm again = fake(0.05);
    assertEquals(RunFiles.untimed(a.result()), RunFiles.untimed(SpatialIdExtraction.of(again, c).withProgressBar(false).run(dir).result()));
    assertEquals(0, again.fullRuns.get());

    // Another config is refused; a damaged journal line is named.
    IllegalStateException cfg = assertThrows(IllegalStateException.class,
        () -> SpatialIdExtraction.of(again, c.toBuilder().shuffles(3).build()).withProgressBar(false).run(dir));
    assertTrue(cfg.getMessage().contains("another configuration"), cfg.getMessage());
    List<String> lines = Files.readAllLines(journal);
    lines.set(3, lines.get(3).replaceFirst("\"record\":\\{\"spatial\":\"(.)", "\"record\":{\"spatial\":\"A"));
    Files.write(journal, lines);
    IllegalStateException bad = assertThrows(IllegalStateException.class,
        () -> SpatialIdExtraction.of(again, c).withProgressBar(false).run(dir));
    assertTrue(bad.getMessage().contains("line 4 of") && bad.getMessage().contains("checksum"), bad.getMessage());
  }

  @Test
  void killedAnywhereAndResumedGivesTheSameResultExceptTimestamps() throws Exception {
    IdConfig c = config().toBuilder().layers(1, 3).shuffles(4).build();
    Path whole = tmp.resolve("whole");
    String expected = RunFiles.untimed(SpatialIdExtraction.of(fake(0.05), c).withProgressBar(false).withBatchSize(7).run(whole)
        .result());
    byte[] expectedIds = Files.readAllBytes(whole.resolve(SpatialIds.FILE_NAME));
    for (int kept : new int[] {1, 455, 1439}) {
      // A kill leaves the journal's first lines and maybe half of the next one.
      Path dir = tmp.resolve("killed" + kept);
      RunFiles.killedCopy(whole, dir, ExperimentEngine.JOURNAL_FILE, kept);
      Files.delete(dir.resolve(IdReport.JSON_FILE));
      Files.delete(dir.resolve(SpatialIds.FILE_NAME));
      PlantedVlm m = fake(0.05);
      ExtractedIds resumed = SpatialIdExtraction.of(m, c).withProgressBar(false).withBatchSize(7).run(dir);
      // The group holding the kill point runs again: the batches are those of the whole run.
      assertEquals(2L * (1440 - kept / 7 * 7), m.fullRuns.get(), "kept " + kept);
      assertTrue(m.batchSizes.stream().allMatch(b -> b == 7 || b == 1440 % 7), m.batchSizes.toString());
      assertEquals(expected, RunFiles.untimed(resumed.result()), "kept " + kept);
      assertEquals(expected, RunFiles.untimed(IdReport.readJson(dir.resolve(IdReport.JSON_FILE))), "kept " + kept);
      assertArrayEquals(expectedIds, Files.readAllBytes(dir.resolve(SpatialIds.FILE_NAME)), "kept " + kept);
    }
  }

  @Test
  void anotherModelsDirectoryIsRefused() {
    IdConfig c = config().toBuilder().plainPrompts(false).layers(1).build();
    PlantedVlm a2 = fake(0.05);
    a2.fingerprint = "aaaa0000aaaa0000";
    Path ok = tmp.resolve("model-a2");
    SpatialIdExtraction.of(a2, c).withProgressBar(false).run(ok);
    PlantedVlm b = fake(0.05);
    b.fingerprint = "bbbb1111bbbb1111";
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> SpatialIdExtraction.of(b, c).withProgressBar(false).run(ok));
    assertTrue(e.getMessage().contains("mix two models") && e.getMessage().contains("aaaa0000aaaa0000")
        && e.getMessage().contains("bbbb1111bbbb1111"), e.getMessage());
    assertEquals(0, b.fullRuns.get());
  }

  @Test
  void badPairsAndLayersFailBeforeAnyRun() {
    PlantedVlm m = fake(0);
    IllegalArgumentException obj = assertThrows(IllegalArgumentException.class,
        () -> SpatialIdExtraction.of(m, IdConfig.builder().pairs(ObjectPair.of("ball", "unicorn")).build()));
    assertTrue(obj.getMessage().contains("'unicorn'"), obj.getMessage());
    IllegalArgumentException layer = assertThrows(IllegalArgumentException.class,
        () -> SpatialIdExtraction.of(m, IdConfig.builder().layers(2, 7).build()));
    assertTrue(layer.getMessage().contains("[7]") && layer.getMessage().contains("0..3"), layer.getMessage());
    assertThrows(IllegalArgumentException.class, () -> IdConfig.builder().question(
        io.github.vlmlens.spatial.scene.QuestionAxis.COLOR).build());
    assertThrows(IllegalArgumentException.class, () -> IdConfig.builder().pairs(List.of()).build());
    assertEquals(0, m.fullRuns.get());
    assertFalse(IdConfig.builder().build().pairs().isEmpty());
  }
}
