package io.github.vlmlens.examples.temporal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.vlmlens.core.HookedVlm;
import io.github.vlmlens.core.analysis.Estimate;
import io.github.vlmlens.core.analysis.SwapConfig;
import io.github.vlmlens.core.analysis.SwapResult;
import io.github.vlmlens.core.analysis.SwapSet;
import io.github.vlmlens.examples.tiny.TinyVideoVlmRecipe;
import io.github.vlmlens.temporal.grid.GridConfig;
import io.github.vlmlens.temporal.grid.GridResult;
import io.github.vlmlens.temporal.grid.SpatiotemporalGrid;
import io.github.vlmlens.temporal.ids.TemporalIdConfig;
import io.github.vlmlens.temporal.ids.TemporalIdExtraction;
import io.github.vlmlens.temporal.ids.TemporalIdResult;
import io.github.vlmlens.temporal.steer.TemporalSteerConfig;
import io.github.vlmlens.temporal.steer.TemporalSteerResult;
import io.github.vlmlens.temporal.steer.TemporalSteering;
import io.github.vlmlens.temporal.swap.TemporalSwap;
import io.github.vlmlens.temporal.swap.TemporalSwapConfig;
import io.github.vlmlens.temporal.video.ObjectPairSplit;
import io.github.vlmlens.temporal.video.TemporalQuestion;
import io.github.vlmlens.tiny.TinyVideoVlm;
import java.util.Arrays;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** On the bundled tiny video VLM: temporal mirror swap, temporal IDs and steering, end to end. */
class TinyTemporalAnalysesTest {
  /**
   * A layer inside the tiny video model's temporal merging range (object words carry the belief at
   * layers 2-4; image tokens at 0-1).
   */
  private static final int LAYER = 3;

  private static HookedVlm vlm;
  private static TemporalIdResult ids;

  @BeforeAll
  static void load() {
    vlm = TinyVideoVlm.load();
    TemporalIdConfig cfg =
        TemporalIdConfig.builder()
            .video(TinyVideoVlmRecipe.video())
            .pairs(TemporalIdConfig.drawPairs(ObjectPairSplit.allPairs(), 4, 3))
            .positionsPerFrame(1)
            .layers(LAYER)
            .shuffles(5)
            .seed(3)
            .build();
    ids = TemporalIdExtraction.of(vlm, cfg).withProgressBar(false).run();
  }

  @AfterAll
  static void close() {
    vlm.close();
  }

  @Test
  void reversingEveryFrameAtLayerZeroMovesTheWholeBelief() {
    for (TemporalQuestion.Kind kind : TemporalQuestion.Kind.values()) {
      SwapConfig swap =
          TemporalSwapConfig.swapConfigFor(kind)
              .swapSets(SwapSet.ALL_IMAGE, SwapSet.OBJECT_WORDS)
              .layers(0, LAYER)
              .bootstrapResamples(200)
              .build();
      TemporalSwapConfig cfg =
          TemporalSwapConfig.builder()
              .kind(kind)
              .video(TinyVideoVlmRecipe.video())
              .samples(24)
              .seed(17)
              .swap(swap)
              .build();
      SwapResult r = TemporalSwap.of(vlm, cfg).withProgressBar(false).run(null);
      assertEquals(1.0, r.curve(SwapSet.ALL_IMAGE).at(0).mean(), 1e-3, kind + ": " + TemporalSwap.summary(r));
      assertTrue(r.excludedCount() < 24, kind + ": every sample excluded");
    }
  }

  @Test
  void temporalIdsAreOrderedByFrameAlongTheAxis() {
    // Along the paper's axis formula (ordered differences), and along the first principal
    // direction, every frame lies beyond the one before it, and the fit is far above the baseline
    // with shuffled frame labels.
    TemporalIdResult.LayerIds layer = ids.layer(LAYER);
    for (TemporalIdResult.AxisFit fit : java.util.List.of(layer.orderedDifference(), layer.principal())) {
      double[] c = fit.frameCoordinates();
      for (int f = 1; f < c.length; f++) {
        assertTrue(c[f] > c[f - 1], "frames out of order along the time axis: " + Arrays.toString(c));
      }
      assertTrue(
          fit.rSquaredSamples() > 0.5 && fit.rSquaredSamples() > fit.rSquaredSamplesShuffled() + 0.3,
          "per-sample R^2 " + fit.rSquaredSamples() + " vs shuffled " + fit.rSquaredSamplesShuffled());
    }
  }

  @Test
  void spaceAndTimeAreBothLinearOnTheSpatiotemporalGrid() {
    GridConfig cfg =
        GridConfig.builder()
            .video(TinyVideoVlmRecipe.video())
            .columns(4)
            .pairs(TemporalIdConfig.drawPairs(ObjectPairSplit.allPairs(), 2, 5))
            .layers(LAYER)
            .seed(5)
            .build();
    GridResult.GridLayer g = SpatiotemporalGrid.of(vlm, cfg).withProgressBar(false).run().layer(LAYER);
    for (GridResult.Fit fit : java.util.List.of(g.spatial(), g.temporal())) {
      assertTrue(
          fit.samples() > 0.5 && fit.samples() > fit.samplesShuffled() + 0.3,
          "per-sample R^2 " + fit.samples() + " vs shuffled " + fit.samplesShuffled() + " (spatial "
              + g.spatial() + ", temporal " + g.temporal() + ")");
    }
    int columns = g.x().length;
    int frames = g.x()[0].length;
    double[] columnMeans = new double[columns];
    double[] frameMeans = new double[frames];
    for (int c = 0; c < columns; c++) {
      for (int f = 0; f < frames; f++) {
        columnMeans[c] += g.x()[c][f] / frames;
        frameMeans[f] += g.y()[c][f] / columns;
      }
    }
    for (int c = 1; c < columns; c++) {
      assertTrue(columnMeans[c] > columnMeans[c - 1], "columns out of order: " + Arrays.toString(columnMeans));
    }
    for (int f = 1; f < frames; f++) {
      assertTrue(frameMeans[f] > frameMeans[f - 1], "frames out of order: " + Arrays.toString(frameMeans));
    }
  }

  @Test
  void steeringWithTemporalIdsFlipsMoreBeliefsThanSameNormNoise() {
    TemporalSteerConfig cfg =
        TemporalSteerConfig.builder()
            .video(TinyVideoVlmRecipe.video())
            .samples(24)
            .seed(11)
            .layers(LAYER)
            .noiseDraws(3)
            .bootstrapResamples(500)
            .build();
    TemporalSteerResult r = TemporalSteering.of(vlm, ids, cfg).withProgressBar(false).run(null);
    Estimate withIds = r.layer(LAYER).withIds();
    Estimate noise = r.layer(LAYER).withNoise();
    assertTrue(withIds.lower() > noise.upper(), "IDs " + withIds + " do not beat noise " + noise + "\n" + r.summary());
  }
}
