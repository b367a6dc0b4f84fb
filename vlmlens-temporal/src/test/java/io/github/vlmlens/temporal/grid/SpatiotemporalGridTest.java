package io.github.vlmlens.temporal.grid;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.vlmlens.core.analysis.Vectors;
import io.github.vlmlens.temporal.grid.GridResult.GridLayer;
import io.github.vlmlens.temporal.report.TemporalReport;
import io.github.vlmlens.temporal.testing.FakeVideoVlm;
import io.github.vlmlens.temporal.video.ObjectVideo;
import io.github.vlmlens.temporal.video.VideoSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SpatiotemporalGridTest {
  @Test
  void bothAxesAreRecoveredAndNearlyOrthogonal(@TempDir Path tmp) throws Exception {
    GridConfig config = GridConfig.builder().layers(0, 1, 3).shuffles(3).build();
    SpatiotemporalGrid grid = SpatiotemporalGrid.of(FakeVideoVlm.standard(), config).withProgressBar(false);
    List<ObjectVideo> videos = grid.videos();
    assertEquals(config.sampleCount(), videos.size());
    assertEquals(List.of(0, 6, 12, 18), List.of(config.columnX(0), config.columnX(1), config.columnX(2), config.columnX(3)));
    GridResult r = grid.run(tmp);
    for (int layer : List.of(1, 3)) {
      GridLayer l = r.layer(layer);
      double ct = Vectors.cosine(Vectors.of(l.temporalAxis()), FakeVideoVlm.TIME);
      double cs = Vectors.cosine(Vectors.of(l.spatialAxis()), FakeVideoVlm.COLUMN);
      assertTrue(ct > 0.99, "temporal axis cosine " + ct);
      assertTrue(cs > 0.99, "spatial axis cosine " + cs);
      assertTrue(Math.abs(l.axisCosine()) < 0.1, "axes nearly orthogonal: " + l.axisCosine());
      assertTrue(l.temporal().cellMeans() > 0.99, "y vs frame " + l.temporal().cellMeans());
      assertTrue(l.spatial().cellMeans() > 0.95, "x vs column " + l.spatial().cellMeans());
      assertTrue(l.temporal().samplesShuffled() < 0.2 && l.spatial().samplesShuffled() < 0.2);
      for (int c = 0; c < 4; c++) {
        for (int f = 1; f < 8; f++) {
          assertTrue(l.y()[c][f] > l.y()[c][f - 1], "y grows with the frame");
        }
      }
      for (int f = 0; f < 8; f++) {
        for (int c = 1; c < 4; c++) {
          assertTrue(l.x()[c][f] > l.x()[c - 1][f], "x grows with the column");
        }
      }
    }
    assertTrue(Double.isNaN(r.layer(0).x()[0][0]), "no code at the embeddings: no plane");
    TemporalReport.writeAll(r, tmp);
    String html = Files.readString(tmp.resolve("report.html"));
    assertTrue(html.contains("projected ID grid, layer 3") || html.contains("projected grid at layer 3"));
    assertEquals(r.summary(), GridResult.read(tmp.resolve("result.json")).summary());
  }

  @Test
  void theAxesFollowThePapersFormula() {
    // ID(c, f) = c * a + f * b exactly: the spatial axis is (m + 1) / 3 * a, the temporal (F + 1) / 3 * b
    double[] a = {1, 0, 2};
    double[] b = {0, 3, -1};
    double[][][] table = new double[4][8][];
    for (int c = 0; c < 4; c++) {
      for (int f = 0; f < 8; f++) {
        table[c][f] = Vectors.add(Vectors.scale(a, c), Vectors.scale(b, f));
      }
    }
    double[] h = GridAxes.spatialAxis(table);
    double[] t = GridAxes.temporalAxis(table);
    for (int d = 0; d < 3; d++) {
      assertEquals(5.0 / 3 * a[d], h[d], 1e-12);
      assertEquals(3.0 * b[d], t[d], 1e-12);
    }
  }

  @Test
  void columnsMustFitTheFrame() {
    assertThrows(IllegalArgumentException.class, () -> GridConfig.builder().columns(1).build());
    assertThrows(IllegalArgumentException.class,
        () -> GridConfig.builder().video(new VideoSpec(8, 16, 14)).columns(4).build());
  }
}
