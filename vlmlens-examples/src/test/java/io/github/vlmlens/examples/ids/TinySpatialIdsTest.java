package io.github.vlmlens.examples.ids;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.vlmlens.core.HookedVlm;
import io.github.vlmlens.core.analysis.Estimate;
import io.github.vlmlens.spatial.ids.ExtractedIds;
import io.github.vlmlens.spatial.ids.IdConfig;
import io.github.vlmlens.spatial.ids.IdExtractionResult;
import io.github.vlmlens.spatial.ids.ObjectPair;
import io.github.vlmlens.spatial.ids.SpatialIdExtraction;
import io.github.vlmlens.spatial.scene.GridSpec;
import io.github.vlmlens.spatial.scene.QuestionAxis;
import io.github.vlmlens.spatial.steer.AnswerForm;
import io.github.vlmlens.spatial.steer.SteerConfig;
import io.github.vlmlens.spatial.steer.Steering;
import io.github.vlmlens.spatial.steer.SteeringMode;
import io.github.vlmlens.spatial.steer.SteeringResult;
import io.github.vlmlens.tiny.TinyVlm;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Spatial IDs and steering end to end on the bundled tiny VLM. */
class TinySpatialIdsTest {
  /** A layer inside the tiny VLM's merging range (object words carry the belief at layers 1-4). */
  private static final int LAYER = 2;

  private static HookedVlm vlm;
  private static ExtractedIds ids;

  @BeforeAll
  static void extract() {
    vlm = TinyVlm.load();
    IdConfig cfg =
        IdConfig.builder()
            .grid(GridSpec.tiny())
            .pairs(ObjectPair.of("box", "ball"), ObjectPair.of("heart", "star"))
            .question(QuestionAxis.HORIZONTAL)
            .plainPrompts(false)
            .shuffles(5)
            .build();
    ids = SpatialIdExtraction.of(vlm, cfg).withProgressBar(false).run();
  }

  @AfterAll
  static void close() {
    vlm.close();
  }

  @Test
  void projectedIdsKeepTheGridOrderOnBothAxes() {
    IdExtractionResult.LayerGeometry g = ids.result().at(LAYER);
    int m = 4;
    double[] columnX = new double[m];
    double[] rowY = new double[m];
    for (IdExtractionResult.CellPoint p : g.cells()) {
      columnX[p.column()] += p.x() / m;
      rowY[p.row()] += p.y() / m;
    }
    for (int i = 1; i < m; i++) {
      assertTrue(columnX[i] > columnX[i - 1], "columns out of order along the axis: " + java.util.Arrays.toString(columnX));
      assertTrue(rowY[i] > rowY[i - 1], "rows out of order along the axis: " + java.util.Arrays.toString(rowY));
    }
    assertTrue(
        g.r2PerSample() > g.shuffledR2PerSampleMax(),
        "per-sample R^2 " + g.r2PerSample() + " not above the shuffled baseline " + g.shuffledR2PerSampleMax());
  }

  @Test
  void steeringWithIdsFlipsMoreBeliefsThanSameNormNoise() {
    SteerConfig cfg =
        SteerConfig.builder()
            .layers(LAYER)
            .samplesPerAxis(24)
            .answerForm(AnswerForm.AS_IS)
            .axes(QuestionAxis.HORIZONTAL)
            .bootstrapResamples(500)
            .seed(11)
            .build();
    SteeringResult r = Steering.of(vlm, ids.ids(), cfg).withProgressBar(false).run(SteeringMode.ADVERSARIAL);
    Estimate withIds = r.curve("IDs", "horizontal").at(LAYER);
    Estimate noise = r.curve("noise", "horizontal").at(LAYER);
    assertTrue(
        withIds.lower() > noise.upper(),
        "IDs " + withIds + " do not beat noise " + noise + "\n" + r.summary());
  }

  @Test
  void steeringJudgedByTheGeneratedAnswerAlsoBeatsNoise() {
    SteerConfig cfg =
        SteerConfig.builder()
            .layers(LAYER)
            .samplesPerAxis(12)
            .answerForm(AnswerForm.AS_IS)
            .axes(QuestionAxis.HORIZONTAL)
            .bootstrapResamples(500)
            .seed(12)
            .judgeByGeneration(3)
            .build();
    SteeringResult r = Steering.of(vlm, ids.ids(), cfg).withProgressBar(false).run(SteeringMode.ADVERSARIAL);
    Estimate withIds = r.curve("IDs (generated answer)", "horizontal").at(LAYER);
    Estimate noise = r.curve("noise (generated answer)", "horizontal").at(LAYER);
    assertTrue(withIds.mean() > noise.mean(), "IDs " + withIds + " vs noise " + noise + "\n" + r.summary());
    assertTrue(withIds.mean() >= 0.5, "generated answers flipped by the IDs: " + withIds);
  }
}
