package io.github.vlmlens.spatial.steer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.vlmlens.core.analysis.Estimate;
import io.github.vlmlens.core.analysis.ExperimentEngine;
import io.github.vlmlens.spatial.fake.PlantedVlm;
import io.github.vlmlens.spatial.fake.RunFiles;
import io.github.vlmlens.spatial.ids.IdConfig;
import io.github.vlmlens.spatial.ids.ObjectPair;
import io.github.vlmlens.spatial.ids.SpatialIdExtraction;
import io.github.vlmlens.spatial.ids.SpatialIds;
import io.github.vlmlens.spatial.scene.GridCell;
import io.github.vlmlens.spatial.scene.GridSpec;
import io.github.vlmlens.spatial.scene.ObjectLibrary;
import io.github.vlmlens.spatial.scene.QuestionAxis;
import io.github.vlmlens.spatial.steer.SteeringResult.BeliefMap;
import io.github.vlmlens.spatial.steer.SteeringResult.Readout;
import io.github.vlmlens.spatial.steer.SteeringResult.Sample;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SteeringTest {
  @TempDir Path tmp;

  static SpatialIds ids;

  static PlantedVlm fake() {
    return new PlantedVlm(GridSpec.tiny(), ObjectLibrary.builtIn(), 24, 3, 0.05, 3.0, 11);
  }

  @BeforeAll
  static void extract() {
    IdConfig c = IdConfig.builder()
        .pairs(ObjectPair.of("ball", "box"), ObjectPair.of("star", "heart")).plainPrompts(false).shuffles(0).build();
    ids = SpatialIdExtraction.of(fake(), c).withProgressBar(false).run().ids();
  }

  static SteerConfig.Builder config() {
    return SteerConfig.builder().answerForm(AnswerForm.AS_IS).samplesPerAxis(12).bootstrapResamples(200).seed(5);
  }

  static Steering steering(PlantedVlm m, SteerConfig c) {
    return Steering.of(m, ids, c).withProgressBar(false);
  }

  @Test
  void steeringWithIdsSwapsMoreBeliefsThanSameNormNoise() {
    PlantedVlm m = fake();
    SteeringResult r = steering(m, config().build()).run(SteeringMode.ADVERSARIAL);
    assertEquals(24, r.sampleCount());
    assertEquals(1.0, r.baselineAccuracy(), 0);
    assertEquals(List.of(0, 1, 2, 3), r.layers());
    for (int l = 1; l <= 3; l++) {
      Estimate idRate = r.curve("IDs", "all").at(l);
      Estimate noise = r.curve("noise", "all").at(l);
      assertEquals(24, idRate.n());
      assertTrue(idRate.mean() > 0.95, "IDs at " + l + ": " + idRate);
      assertTrue(idRate.mean() > noise.mean() + 0.3, "IDs " + idRate + " against noise " + noise + " at " + l);
      assertTrue(r.curve("IDs", "horizontal").at(l).mean() > 0.9);
      assertTrue(r.curve("IDs", "vertical").at(l).mean() > 0.9);
    }
    // Layer 0 holds no ID: the vectors are zero and nothing swaps.
    assertEquals(0.0, r.curve("IDs", "all").at(0).mean(), 0);
    assertEquals(0.0, r.curve("noise", "all").at(0).mean(), 0);
    // Each steered vector has norm k = 5 times the activation's; the noise has the same norm.
    for (Sample s : r.samples()) {
      for (int l = 1; l <= 3; l++) {
        Readout id = readout(s, l, "ids");
        Readout nz = readout(s, l, "noise");
        assertTrue(id.normB() > 0 && id.normA() > 0);
        assertEquals(id.normB(), nz.normB(), 1e-9 * id.normB());
        assertEquals(id.normA(), nz.normA(), 1e-9 * id.normA());
      }
    }
    // One unsteered run per scene and two resumed runs per layer.
    assertEquals(24, m.fullRuns.get());
    assertEquals(24 * 4 * 2, m.resumedRuns.get());
    String summary = SteeringReport.summary(r);
    assertTrue(summary.contains("noise swapped") && summary.contains("horizontal questions"), summary);
  }

  @Test
  void alphaZeroIsTheIdentity() {
    SteeringResult r = steering(fake(), config().absolute(0).samplesPerAxis(5).build()).run(SteeringMode.ADVERSARIAL);
    for (Sample s : r.samples()) {
      for (Readout x : s.readouts()) {
        assertEquals(s.baseline(), x.belief(), 0, s.id() + " " + x);
        assertEquals(0.0, x.normB(), 0);
      }
    }
    for (int l = 0; l <= 3; l++) {
      assertEquals(0.0, r.curve("IDs", "all").at(l).mean(), 0);
      assertEquals(0.0, r.curve("noise", "all").at(l).mean(), 0);
    }
  }

  @Test
  void crossAxisVectorsSwapFewBeliefs() {
    SteeringResult r = steering(fake(), config().layers(2).build()).run(SteeringMode.CROSS_AXIS);
    for (String scope : List.of("horizontal", "vertical")) {
      assertTrue(r.curve("in-axis IDs", scope).at(2).mean() > 0.9, scope);
      assertTrue(r.curve("cross-axis IDs", scope).at(2).mean() < 0.1, scope + " " + r.curve("cross-axis IDs", scope));
    }
  }

  @Test
  void arbitrarySteeringMovesTheBeliefWithTheTargetCell() {
    SteeringResult r = steering(fake(), config().absolute(1).samplesPerAxis(6).layers(1, 3).build())
        .run(SteeringMode.ARBITRARY);
    assertEquals(4, r.beliefMaps().size());
    for (BeliefMap map : r.beliefMaps()) {
      assertEquals(1, map.aRow());
      assertEquals(1, map.aColumn());
      for (int row = 0; row < 4; row++) {
        for (int col = 0; col < 4; col++) {
          double p = map.probability().get(row).get(col);
          // The second answer (right, below) wins when B's ID moves past A's column (row).
          int past = map.axis() == QuestionAxis.HORIZONTAL ? col : row;
          if (past > 1) {
            assertTrue(p > 0.9, map.axis() + " layer " + map.layer() + " cell " + row + "," + col + ": " + p);
          } else if (past < 1) {
            assertTrue(p < 0.1, map.axis() + " layer " + map.layer() + " cell " + row + "," + col + ": " + p);
          }
        }
      }
    }
    assertTrue(r.curves().isEmpty());
    assertTrue(SteeringReport.toHtml(r).contains("P(right)"));
    Path json = tmp.resolve("arbitrary.json");
    SteeringReport.writeJson(r, json);
    assertEquals(r, SteeringReport.readJson(json));
  }

  @Test
  void oracleInjectionRestoresTheAnswerAndTheMeanAloneDoesNot() {
    SteeringResult r = steering(fake(), config().layers(1, 2).build()).run(SteeringMode.ORACLE);
    for (int l : List.of(1, 2)) {
      assertTrue(r.curve("mean + ID", "all").at(l).mean() > 0.95, "oracle at " + l);
      assertTrue(r.curve("mean only", "all").at(l).mean() < 0.85, "mean only at " + l);
      assertEquals(1.0, r.curve("no intervention", "all").at(l).mean(), 0);
    }
    Path json = tmp.resolve("oracle.json");
    SteeringReport.writeJson(r, json);
    assertEquals(r, SteeringReport.readJson(json));
    assertTrue(r.summary().contains("mean + ID acc."), r.summary());
    // Without centring means, the oracle is refused with the reason.
    SpatialIds.Builder b = SpatialIds.builder("u", ids.grid(), ids.hiddenSize(), List.of(1))
        .modelFingerprint(ids.modelFingerprint());
    for (GridCell c : ids.grid().cells()) {
      b.id(1, c, ids.id(1, c));
    }
    SpatialIds universalOnly = b.build();
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Steering.of(fake(), universalOnly, config().pairs(ObjectPair.of("ball", "box")).build())
            .withProgressBar(false).run(SteeringMode.ORACLE));
    assertTrue(e.getMessage().contains("centring means of box|ball"), e.getMessage());
  }

  @Test
  void aRunWithADirectoryResumesToTheSameResult() throws Exception {
    SteerConfig c = config().samplesPerAxis(4).layers(1, 2).build();
    Path dir = tmp.resolve("steer");
    SteeringResult full = steering(fake(), c).run(SteeringMode.ADVERSARIAL, dir);
    assertTrue(Files.readString(dir.resolve(SteeringReport.HTML_FILE)).contains("data:image/png;base64,"));
    assertEquals(full, SteeringReport.readJson(dir.resolve(SteeringReport.JSON_FILE)));
    assertEquals("spatial-steering", full.provenance().experiment());
    assertEquals(ids.fingerprint(), full.provenance().configuration().get("idsFingerprint"));
    List<String> lines = Files.readAllLines(dir.resolve(ExperimentEngine.JOURNAL_FILE));
    assertEquals(8, lines.size());
    for (int kept : new int[] {0, 3, 7}) {
      // Killed with `kept` scenes journaled and the next one half written: only the rest runs.
      Path killed = tmp.resolve("killed" + kept);
      RunFiles.killedCopy(dir, killed, ExperimentEngine.JOURNAL_FILE, kept);
      Files.delete(killed.resolve(SteeringReport.JSON_FILE));
      PlantedVlm second = fake();
      SteeringResult resumed = steering(second, c).run(SteeringMode.ADVERSARIAL, killed);
      assertEquals(8 - kept, second.fullRuns.get());
      assertEquals(RunFiles.untimed(full), RunFiles.untimed(resumed));
      assertEquals(RunFiles.untimed(full), RunFiles.untimed(SteeringReport.readJson(killed.resolve("result.json"))));
    }
    IllegalStateException other = assertThrows(IllegalStateException.class,
        () -> steering(fake(), c).run(SteeringMode.CROSS_AXIS, dir));
    assertTrue(other.getMessage().contains("another configuration"), other.getMessage());
    PlantedVlm otherWeights = fake();
    otherWeights.fingerprint = "0123456789abcdef";
    IllegalStateException model = assertThrows(IllegalStateException.class,
        () -> Steering.of(otherWeights, ids, c, true).withProgressBar(false).run(SteeringMode.ADVERSARIAL, dir));
    assertTrue(model.getMessage().contains("mix two models"), model.getMessage());
    assertEquals(0, otherWeights.fullRuns.get());
  }

  @Test
  void idsThatDoNotFitTheModelAreRefused() {
    PlantedVlm wide = new PlantedVlm(GridSpec.tiny(), ObjectLibrary.builtIn(), 32, 3, 0, 3, 1);
    IllegalArgumentException w = assertThrows(IllegalArgumentException.class,
        () -> Steering.of(wide, ids, config().build(), true));
    assertTrue(w.getMessage().contains("width 24") && w.getMessage().contains("hidden size 32"), w.getMessage());
    IllegalArgumentException l = assertThrows(IllegalArgumentException.class,
        () -> Steering.of(fake(), ids, config().layers(2, 9).build()));
    assertTrue(l.getMessage().contains("[9]") && l.getMessage().contains("held: [0, 1, 2, 3]"), l.getMessage());
    assertThrows(IllegalArgumentException.class, () -> config().axes(QuestionAxis.COLOR).build());
    assertThrows(IllegalArgumentException.class, () -> config().normRelative(-1).build());
  }

  @Test
  void idsOfAnotherModelAreRefusedUnlessAllowed() {
    PlantedVlm other = new PlantedVlm(GridSpec.tiny(), ObjectLibrary.builtIn(), 24, 3, 0, 3, 12);
    String mine = fake().info().fingerprint();
    assertEquals(mine, ids.modelFingerprint(), "the extraction records the model's fingerprint");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Steering.of(other, ids, config().build()));
    assertTrue(e.getMessage().contains(mine) && e.getMessage().contains(other.info().fingerprint())
        && e.getMessage().contains("--allow-foreign-ids"), e.getMessage());
    assertEquals(List.of(1, 2), Steering.of(other, ids, config().layers(1, 2).build(), true).layers());
    // IDs saved without a fingerprint (as files written before it was recorded) are refused too.
    SpatialIds.Builder b = SpatialIds.builder("old", ids.grid(), ids.hiddenSize(), List.of(1));
    for (GridCell c : ids.grid().cells()) {
      b.id(1, c, ids.id(1, c));
    }
    Path file = tmp.resolve("old.vlids");
    b.build().save(file);
    SpatialIds old = SpatialIds.load(file);
    assertEquals(io.github.vlmlens.core.ModelInfo.UNKNOWN, old.modelFingerprint());
    IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
        () -> Steering.of(fake(), old, config().layers(1).pairs(ObjectPair.of("ball", "box")).build()));
    assertTrue(unknown.getMessage().contains("carry no weights fingerprint") && unknown.getMessage().contains(mine),
        unknown.getMessage());
    assertEquals(List.of(1),
        Steering.of(fake(), old, config().layers(1).pairs(ObjectPair.of("ball", "box")).build(), true).layers());
  }

  private static Readout readout(Sample s, int layer, String kind) {
    return s.readouts().stream().filter(r -> r.layer() == layer && r.kind().equals(kind)).findFirst().orElseThrow();
  }
}
