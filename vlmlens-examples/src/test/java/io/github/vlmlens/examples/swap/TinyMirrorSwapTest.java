package io.github.vlmlens.examples.swap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.vlmlens.core.HookedVlm;
import io.github.vlmlens.core.analysis.SwapConfig;
import io.github.vlmlens.core.analysis.SwapExperiment;
import io.github.vlmlens.core.analysis.SwapResult;
import io.github.vlmlens.core.analysis.SwapSample;
import io.github.vlmlens.core.analysis.SwapSet;
import io.github.vlmlens.core.report.SwapReport;
import io.github.vlmlens.examples.tiny.TinyVlmRecipe;
import io.github.vlmlens.spatial.scene.Placement;
import io.github.vlmlens.spatial.scene.QuestionAxis;
import io.github.vlmlens.spatial.scene.SceneSplit;
import io.github.vlmlens.spatial.swap.SpatialSwapSamples;
import io.github.vlmlens.tiny.TinyVlm;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The mirror-swap experiment end to end on the bundled tiny VLM. */
class TinyMirrorSwapTest {
  private static HookedVlm vlm;
  private static List<SwapSample> samples;
  private static SwapResult result;

  @BeforeAll
  static void run() {
    vlm = TinyVlm.load();
    List<Placement> placements =
        TinyVlmRecipe.split()
            .sampler(SceneSplit.Part.HELD_OUT_PAIRS)
            .withRandomColors(true)
            .sample(5, 24, QuestionAxis.HORIZONTAL);
    samples =
        SpatialSwapSamples.of(vlm.promptFormat())
            .withAnswerForm(SpatialSwapSamples.asIs())
            .mirrors(placements, QuestionAxis.HORIZONTAL);
    result = experiment().run(samples);
  }

  private static SwapExperiment experiment() {
    SwapConfig cfg =
        SpatialSwapSamples.configFor(QuestionAxis.HORIZONTAL).seed(3).bootstrapResamples(500).build();
    return SwapExperiment.of(vlm, cfg).withProgressBar(false);
  }

  @AfterAll
  static void close() {
    vlm.close();
  }

  @Test
  void swappingAllImageTokensAtTheEmbeddingsMovesTheBeliefFully() {
    double shift = result.curve(SwapSet.ALL_IMAGE).at(0).mean();
    assertTrue(shift > 0.95, "all-image shift at layer 0: " + shift);
  }

  @Test
  void swappingAllTextTokensAtTheLastLayerMovesTheBeliefFully() {
    // After the last block, the last text position holds what the answer is read from.
    double shift = result.curve(SwapSet.ALL_TEXT).at(vlm.numLayers()).mean();
    assertTrue(shift > 0.95, "all-text shift at the last layer: " + shift);
  }

  @Test
  void objectWordsCarryTheBeliefSomewhereAndTheControlDoesNot() {
    double peak = 0;
    for (int l = 0; l <= vlm.numLayers(); l++) {
      peak = Math.max(peak, result.curve(SwapSet.OBJECT_WORDS).at(l).mean());
      double control = result.curve(SwapSet.CONTROL_TEXT).at(l).mean();
      assertTrue(Math.abs(control) < 0.2, "control shift at layer " + l + ": " + control);
    }
    assertTrue(peak > 0.3, "object-word shift never exceeds 0.3: " + SwapReport.summary(result));
    assertEquals(0.0, result.curve(SwapSet.OBJECT_WORDS).at(0).mean(), 1e-9,
        "at the embeddings the object words are the same tokens in x and y");
  }

  @Test
  void resultsAreDeterministicForASeed() {
    SwapResult again = experiment().run(samples);
    // Identical in every number and field but the provenance's timestamps.
    assertEquals(untimed(SwapReport.toJson(result)), untimed(SwapReport.toJson(again)));
  }

  private static String untimed(String json) {
    return json.replaceAll("\"(startedAt|finishedAt)\" : \"[^\"]*\"", "\"$1\" : \"-\"");
  }
}
