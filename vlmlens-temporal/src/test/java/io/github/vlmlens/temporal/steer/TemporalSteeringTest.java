package io.github.vlmlens.temporal.steer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.vlmlens.core.HookPoint;
import io.github.vlmlens.core.Positions;
import io.github.vlmlens.core.RunSpec;
import io.github.vlmlens.core.Tokenization;
import io.github.vlmlens.core.VlmInput;
import io.github.vlmlens.core.analysis.Vectors;
import io.github.vlmlens.temporal.ids.TemporalIdConfig;
import io.github.vlmlens.temporal.ids.TemporalIdExtraction;
import io.github.vlmlens.temporal.ids.TemporalIdResult;
import io.github.vlmlens.temporal.report.TemporalReport;
import io.github.vlmlens.temporal.steer.TemporalSteerResult.LayerFlips;
import io.github.vlmlens.temporal.steer.TemporalSteerResult.Sample;
import io.github.vlmlens.temporal.steer.TemporalSteerResult.Steered;
import io.github.vlmlens.temporal.testing.FakeVideoVlm;
import io.github.vlmlens.temporal.testing.KilledRuns;
import io.github.vlmlens.temporal.video.ObjectVideo;
import io.github.vlmlens.temporal.video.VideoSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TemporalSteeringTest {
  static TemporalIdResult ids;

  @BeforeAll
  static void extract() {
    ids = TemporalIdExtraction.of(FakeVideoVlm.standard(), TemporalIdConfig.builder().shuffles(1).build())
        .withProgressBar(false).run();
  }

  private static TemporalSteerConfig.Builder config() {
    return TemporalSteerConfig.builder().samples(40).seed(3).noiseDraws(3).bootstrapResamples(300);
  }

  @Test
  void steeringWithTemporalIdsFlipsMoreBeliefsThanSameNormNoise() {
    TemporalSteerResult r = TemporalSteering.of(FakeVideoVlm.standard(), ids, config().build())
        .withProgressBar(false).run();
    assertEquals(1.0, r.accuracy(), 0);
    for (int layer = 1; layer <= 3; layer++) {
      LayerFlips l = r.layer(layer);
      assertTrue(l.withIds().mean() > 90, "layer " + layer + " IDs flip " + l.withIds());
      assertTrue(l.withIds().lower() > l.withNoise().upper(),
          "layer " + layer + ": IDs " + l.withIds() + " vs noise " + l.withNoise());
    }
    assertEquals(0.0, r.layer(0).withIds().mean(), 0, "no time code at layer 0, nothing to add");
    for (Sample s : r.samples()) {
      for (Steered st : s.layers()) {
        double[] v1 = TemporalSteering.vector(ids, st.layer(), s.frames().get(0), 7 - s.frames().get(0));
        assertEquals(Vectors.norm(v1), st.addedNorms().get(0), 1e-9, "alpha 1: the vector as it is");
      }
    }
    assertTrue(r.summary().contains("same-norm noise"));
  }

  @Test
  void alphaZeroChangesNothing() {
    TemporalSteerResult r = TemporalSteering.of(FakeVideoVlm.standard(), ids, config().absolute(0).noiseDraws(1)
        .layers(1, 2).build()).withProgressBar(false).run();
    for (Sample s : r.samples()) {
      for (Steered st : s.layers()) {
        assertEquals(s.margin(), st.idMargin(), 0);
        assertEquals(s.margin(), st.noiseMargins().get(0), 0);
        assertEquals(0, st.addedNorms().get(0), 0);
      }
    }
    assertEquals(0, r.layer(1).withIds().mean(), 0);
    assertEquals(0, r.layer(2).withNoise().mean(), 0);
  }

  @Test
  void normRelativeScalingAddsKTimesTheActivationNorm() {
    FakeVideoVlm vlm = FakeVideoVlm.standard();
    TemporalSteering steering = TemporalSteering.of(vlm, ids, config().samples(3).normRelative(2.5).layers(2).build())
        .withProgressBar(false);
    TemporalSteerResult r = steering.run();
    for (int i = 0; i < 3; i++) {
      ObjectVideo v = steering.videos().get(i);
      VlmInput in = VlmInput.ofVideo(v.frames(), vlm.promptFormat().videoPrompt(v.question().text()));
      Tokenization t = vlm.tokenize(in);
      int pos = t.lastSubToken(v.first().object().word());
      float[] h = vlm.run(in, RunSpec.builder().capture(HookPoint.lmResid(2), Positions.of(pos)).build())
          .cache().vector(HookPoint.lmResid(2), pos);
      assertEquals(2.5 * Vectors.norm(Vectors.of(h)), r.samples().get(i).layers().get(0).addedNorms().get(0), 1e-9);
    }
  }

  @Test
  void resumesAndReports(@TempDir Path tmp) throws Exception {
    FakeVideoVlm vlm = FakeVideoVlm.standard();
    TemporalSteerConfig c = config().samples(6).layers(1, 3).build();
    TemporalSteerResult first = TemporalSteering.of(vlm, ids, c).withProgressBar(false).run(tmp);
    int runs = vlm.runs.get();
    String json = KilledRuns.untimedResult(tmp);
    TemporalSteerResult again = TemporalSteering.of(vlm, ids, c).withProgressBar(false).run(tmp);
    assertEquals(runs, vlm.runs.get());
    assertEquals(first.perLayer(), again.perLayer());
    assertEquals(first.samples(), again.samples());
    assertEquals(json, KilledRuns.untimedResult(tmp));
    assertEquals(again, TemporalSteerResult.read(tmp.resolve("result.json")));
    assertEquals("temporal-steering", first.provenance().experiment());
    assertEquals(ids.configHash(), first.provenance().configuration().get("idsConfigHash"));
    TemporalReport.writeAll(first, tmp);
    assertTrue(Files.readString(tmp.resolve("report.html")).contains("% beliefs flipped"));

    // Killed after any sample: only the samples not journaled run again, to the same result.
    for (int kept : new int[] {0, 2, 5}) {
      Path dir = KilledRuns.killedCopy(tmp, tmp.resolve("killed" + kept), kept);
      FakeVideoVlm m = FakeVideoVlm.standard();
      TemporalSteering.of(m, ids, c).withProgressBar(false).run(dir);
      assertEquals(runs * (6 - kept) / 6, m.runs.get(), "killed after " + kept);
      assertEquals(json, KilledRuns.untimedResult(dir), "killed after " + kept);
    }
    FakeVideoVlm other = FakeVideoVlm.standard();
    other.fingerprint = "0123456789abcdef";
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> TemporalSteering.of(other, ids, c, true).withProgressBar(false).run(tmp));
    assertTrue(e.getMessage().contains("mix two models"), e.getMessage());
  }

  @Test
  void mismatchedIdsAreRefused() {
    IllegalArgumentException frames = assertThrows(IllegalArgumentException.class, () -> TemporalSteering.of(
        FakeVideoVlm.standard(), ids, config().video(VideoSpec.of(6, 32)).build()));
    assertTrue(frames.getMessage().contains("8 frames"), frames.getMessage());
    IllegalArgumentException layer = assertThrows(IllegalArgumentException.class, () -> TemporalSteering.of(
        FakeVideoVlm.standard(), ids, config().layers(5).build()));
    assertTrue(layer.getMessage().contains("layer 5"), layer.getMessage());
  }

  /** {@code ids} as if extracted from a model with another (or no) weights fingerprint. */
  private static TemporalIdResult from(String fingerprint) {
    return new TemporalIdResult(ids.model(), ids.numLayers(), ids.layers(), ids.config(), ids.configHash(),
        ids.sampleCount(), ids.frames(), ids.perLayer(), fingerprint, null, null, ids.provenance());
  }

  @Test
  void idsOfAnotherModelAreRefusedUnlessAllowed(@TempDir Path tmp) {
    FakeVideoVlm vlm = FakeVideoVlm.standard();
    assertEquals(vlm.info().fingerprint(), ids.modelFingerprint(), "the extraction records the fingerprint");
    IllegalArgumentException other = assertThrows(IllegalArgumentException.class,
        () -> TemporalSteering.of(vlm, from("other-weights"), config().build()));
    assertTrue(other.getMessage().contains("other-weights") && other.getMessage().contains(vlm.info().fingerprint())
        && other.getMessage().contains("--allow-foreign-ids"), other.getMessage());
    assertEquals(ids.layers(), TemporalSteering.of(vlm, from("other-weights"), config().build(), true).layers());
    // A result.json written before the fingerprint was recorded has none: refused the same way.
    TemporalIdResult old = from(null);
    Path file = tmp.resolve("old.json");
    old.write(file);
    TemporalIdResult read = TemporalIdResult.read(file);
    IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
        () -> TemporalSteering.of(vlm, read, config().build()));
    assertTrue(unknown.getMessage().contains("carry no weights fingerprint"), unknown.getMessage());
    assertEquals(ids.layers(), TemporalSteering.of(vlm, read, config().build(), true).layers());
  }
}
