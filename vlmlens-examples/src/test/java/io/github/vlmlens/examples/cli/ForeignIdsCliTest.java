package io.github.vlmlens.examples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.vlmlens.core.HookedVlm;
import io.github.vlmlens.tiny.TinyVlm;
import io.github.vlmlens.spatial.ids.ObjectPair;
import io.github.vlmlens.spatial.ids.SpatialIds;
import io.github.vlmlens.spatial.scene.GridCell;
import io.github.vlmlens.spatial.scene.GridSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Steering commands refuse IDs of another model unless {@code --allow-foreign-ids}. */
class ForeignIdsCliTest {
  @TempDir Path tmp;

  /** IDs of the tiny model's width and grid, claimed by {@code fingerprint} (unknown when null). */
  private Path spatialIds(String fingerprint) {
    String fp;
    try (HookedVlm vlm = TinyVlm.load()) {
      fp = vlm.info().fingerprint();
    }
    assertTrue(!fp.equals(fingerprint));
    GridSpec g = GridSpec.tiny();
    SpatialIds.Builder b = SpatialIds.builder("elsewhere", g, 128, List.of(1)).modelFingerprint(fingerprint);
    Random r = new Random(1);
    ObjectPair pair = ObjectPair.of("ball", "box");
    for (GridCell c : g.cells()) {
      float[] v = new float[128];
      for (int i = 0; i < v.length; i++) {
        v[i] = (float) r.nextGaussian();
      }
      b.id(1, c, v).pairId(pair, 1, c, v);
    }
    Path file = tmp.resolve((fingerprint == null ? "old" : fingerprint) + ".vlids");
    b.build().save(file);
    return file;
  }

  @Test
  void finetuneRefusesAnotherModelsTargetIds() {
    Path ids = spatialIds("someone-elses-weights");
    Path out = tmp.resolve("ft");
    String[] refused = InProcessCli.run("finetune", "--ids", ids.toString(), "--spatial-layer", "1",
        "--out", out.toString(), "--steps", "1", "--no-progress");
    assertEquals("2", refused[0], refused[2]);
    assertTrue(refused[2].contains("someone-elses-weights") && refused[2].contains("--allow-foreign-ids"),
        refused[2]);
    assertTrue(!Files.exists(out), "nothing is written on refusal");
  }

  @Test
  void steerRefusesAnotherModelsIdsUnlessAllowed() {
    Path ids = spatialIds("someone-elses-weights");
    String[] refused = InProcessCli.run("steer", "--ids", ids.toString(), "--out", tmp.resolve("s").toString(),
        "--samples", "2", "--layers", "1", "--no-progress");
    assertEquals("2", refused[0], refused[2]);
    assertTrue(refused[2].contains("someone-elses-weights") && refused[2].contains("--allow-foreign-ids"),
        refused[2]);
    assertTrue(!Files.exists(tmp.resolve("s").resolve("result.json")));
    String[] allowed = InProcessCli.run("steer", "--ids", ids.toString(), "--out", tmp.resolve("a").toString(),
        "--samples", "2", "--layers", "1", "--no-progress", "--allow-foreign-ids");
    assertEquals("0", allowed[0], allowed[2]);
  }

  @Test
  void steerRefusesIdsWithoutAFingerprint() {
    Path ids = spatialIds(null);
    String[] refused = InProcessCli.run("steer", "--ids", ids.toString(), "--out", tmp.resolve("s").toString(),
        "--samples", "2", "--layers", "1", "--no-progress");
    assertEquals("2", refused[0], refused[2]);
    assertTrue(refused[2].contains("carry no weights fingerprint"), refused[2]);
  }

  @Test
  void temporalSteerRefusesAnotherModelsIdsUnlessAllowed() throws Exception {
    Path idsOut = tmp.resolve("tids");
    String[] r = InProcessCli.run("temporal-ids", "--model", "tiny-video", "--out", idsOut.toString(), "--pairs", "1",
        "--positions", "1", "--layers", "1", "--permutations", "0", "--no-progress");
    assertEquals("0", r[0], r[2]);
    Path own = idsOut.resolve("result.json");
    String json = Files.readString(own);
    String fp = json.replaceAll("(?s).*\"modelFingerprint\" *: *\"([^\"]+)\".*", "$1");
    assertTrue(fp.length() == 64, fp);
    Path foreign = tmp.resolve("foreign.json");
    Files.writeString(foreign, json.replace(fp, "someone-elses-weights"));
    String[] refused = InProcessCli.run("temporal-steer", "--model", "tiny-video", "--ids", foreign.toString(),
        "--out", tmp.resolve("s").toString(), "--samples", "2", "--no-progress");
    assertEquals("2", refused[0], refused[2]);
    assertTrue(refused[2].contains("someone-elses-weights") && refused[2].contains(fp), refused[2]);
    String[] allowed = InProcessCli.run("temporal-steer", "--model", "tiny-video", "--ids", foreign.toString(),
        "--out", tmp.resolve("a").toString(), "--samples", "2", "--no-progress", "--allow-foreign-ids");
    assertEquals("0", allowed[0], allowed[2]);
    String[] ownIds = InProcessCli.run("temporal-steer", "--model", "tiny-video", "--ids", own.toString(),
        "--out", tmp.resolve("o").toString(), "--samples", "2", "--no-progress");
    assertEquals("0", ownIds[0], ownIds[2]);
  }
}
