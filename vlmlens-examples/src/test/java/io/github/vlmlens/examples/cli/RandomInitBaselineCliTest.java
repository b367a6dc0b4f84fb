package io.github.vlmlens.examples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.vlmlens.spatial.ids.IdExtractionResult;
import io.github.vlmlens.spatial.ids.IdExtractionResult.LayerGeometry;
import io.github.vlmlens.spatial.ids.IdReport;
import io.github.vlmlens.temporal.grid.GridResult;
import io.github.vlmlens.temporal.ids.TemporalIdResult;
import io.github.vlmlens.temporal.ids.TemporalIdResult.LayerIds;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --baseline random-init} on the ID commands, with the bundled tiny models. */
class RandomInitBaselineCliTest {
  @TempDir Path tmp;

  @Test
  void spatialIdsAgainstTheRandomInitialisedTinyModel() {
    Path out = tmp.resolve("ids");
    String[] r = InProcessCli.run("extract-ids", "--out", out.toString(), "--pairs", "box:ball,heart:star",
        "--no-plain", "--no-progress", "--baseline", "random-init", "--permutations", "99");
    assertEquals("0", r[0], r[2]);
    IdExtractionResult res = IdReport.readJson(out.resolve(IdReport.JSON_FILE));
    assertNotNull(res.randomInit());
    assertNotEquals(res.modelFingerprint(), res.randomInit().modelFingerprint());
    assertTrue(res.randomInit().model().contains("random-init, seed 0"), res.randomInit().model());
    IdExtractionResult base = IdReport.readJson(out.resolve(BaselineOptions.DIR).resolve(IdReport.JSON_FILE));
    assertEquals(res.randomInit().modelFingerprint(), base.modelFingerprint());
    for (LayerGeometry g : res.geometry()) {
      assertEquals(base.at(g.layer()).cvR2(), g.randomInitCvR2(), 0, "layer " + g.layer());
      System.out.printf("tiny spatial IDs, layer %d: in-sample cell R^2 %.3f, CV R^2 %.3f (p %.3f), random-init"
          + " CV R^2 %.3f (in-sample %.3f)%n", g.layer(), g.r2CellMeans(), g.cvR2(), g.cvPValue(),
          g.randomInitCvR2(), base.at(g.layer()).r2CellMeans());
    }
    int l = res.linearity().layer();
    if (l >= 0) {
      assertTrue(res.at(l).cvR2() > res.at(l).randomInitCvR2() && res.at(l).cvPValue() < 0.05);
    }
    assertTrue(res.summary().contains("random-init"), res.summary());
    System.out.println(res.linearity().text());
  }

  @Test
  void temporalIdsAndTheGridAgainstTheRandomInitialisedTinyVideoModel() {
    Path out = tmp.resolve("tids");
    String[] r = InProcessCli.run("temporal-ids", "--model", "tiny-video", "--out", out.toString(), "--pairs", "3",
        "--positions", "1", "--no-progress", "--baseline", "random-init", "--baseline-seed", "5",
        "--permutations", "99");
    assertEquals("0", r[0], r[2]);
    TemporalIdResult res = TemporalIdResult.read(out.resolve("result.json"));
    assertNotNull(res.randomInit());
    assertNotEquals(res.modelFingerprint(), res.randomInit().modelFingerprint());
    assertTrue(res.randomInit().model().contains("seed 5"), res.randomInit().model());
    for (LayerIds l : res.perLayer()) {
      System.out.printf("tiny temporal IDs, layer %d: in-sample frame-mean R^2 %.3f, CV R^2 %.3f (p %.3f),"
          + " random-init CV R^2 %.3f%n", l.layer(), l.principal().rSquaredFrameMeans(), l.principal().cvR2(),
          l.principal().cvPValue(), l.principal().randomInitCvR2());
    }
    System.out.println(res.linearity().text());
    assertTrue(Files.isRegularFile(out.resolve(BaselineOptions.DIR).resolve("result.json")));

    Path grid = tmp.resolve("grid");
    String[] g = InProcessCli.run("spatiotemporal-grid", "--model", "tiny-video", "--out", grid.toString(),
        "--pairs", "2", "--columns", "3", "--no-progress", "--baseline", "random-init", "--permutations", "49");
    assertEquals("0", g[0], g[2]);
    GridResult gr = GridResult.read(grid.resolve("result.json"));
    assertNotNull(gr.randomInit());
    for (GridResult.GridLayer l : gr.perLayer()) {
      assertTrue(!Double.isFinite(l.spatial().cvR2()) || Double.isFinite(l.spatial().randomInitCvR2())
          || l.layer() == 0, "layer " + l.layer());
    }
    System.out.println(gr.summary());
  }

  @Test
  void aBadBaselineIsAUsageError() {
    String[] r = InProcessCli.run("extract-ids", "--out", tmp.resolve("x").toString(), "--baseline", "trained");
    assertEquals("2", r[0], r[2]);
    assertTrue(r[2].contains("--baseline must be none or random-init"), r[2]);
  }
}
