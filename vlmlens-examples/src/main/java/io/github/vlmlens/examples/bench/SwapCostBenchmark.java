package io.github.vlmlens.examples.bench;

import io.github.vlmlens.core.API;
import io.github.vlmlens.core.HookedVlm;
import io.github.vlmlens.core.analysis.SwapExperiment;
import io.github.vlmlens.core.analysis.SwapSample;
import io.github.vlmlens.core.analysis.SweepCost;
import io.github.vlmlens.examples.tiny.TinyVlm;
import io.github.vlmlens.examples.tiny.TinyVlmRecipe;
import io.github.vlmlens.spatial.scene.Placement;
import io.github.vlmlens.spatial.scene.QuestionAxis;
import io.github.vlmlens.spatial.scene.SceneSplit;
import io.github.vlmlens.spatial.swap.SpatialSwapSamples;
import java.util.List;
import java.util.Locale;

/**
 * Measures what a mirror-swap sweep costs on the bundled tiny VLM: the wall time of one sample's
 * sweep (every layer x every swap set, reusing x's cached prefix) divided by that many full
 * forward passes. Prints the median over repeats.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1.0")
public final class SwapCostBenchmark {
  private SwapCostBenchmark() {}

  /** Runs the benchmark; the optional argument is the number of repeats (default 15). */
  public static void main(String[] args) {
    int repeats = args.length > 0 ? Integer.parseInt(args[0]) : 15;
    try (HookedVlm vlm = TinyVlm.load()) {
      List<Placement> p =
          TinyVlmRecipe.split().sampler(SceneSplit.Part.HELD_OUT_PAIRS).sample(1, 1, QuestionAxis.HORIZONTAL);
      SwapSample sample =
          SpatialSwapSamples.of(vlm.promptFormat())
              .withAnswerForm(SpatialSwapSamples.asIs())
              .mirror("bench", p.get(0), QuestionAxis.HORIZONTAL);
      SweepCost c =
          SwapExperiment.of(vlm, SpatialSwapSamples.configFor(QuestionAxis.HORIZONTAL).build())
              .withProgressBar(false)
              .measureCost(sample, repeats);
      System.out.printf(
          Locale.ROOT,
          "%s: %d layers x %d swap sets, %d requests sent, batch %d%n"
              + "one forward %.2f ms, one sample's sweep %.1f ms%n"
              + "sweep cost / (layers x sets x one forward) = %.3f (target <= 0.55)%n",
          c.model(), c.layers(), c.swapSets(), c.requests(), c.batchSize(),
          c.forwardMillis(), c.sweepMillis(), c.ratio());
    }
  }
}
