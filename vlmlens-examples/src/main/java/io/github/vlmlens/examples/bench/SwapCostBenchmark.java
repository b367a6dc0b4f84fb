package io.github.vlmlens.examples.bench;

import io.github.vlmlens.core.API;
import io.github.vlmlens.core.HookedVlm;
import io.github.vlmlens.core.analysis.SwapExperiment;
import io.github.vlmlens.core.analysis.SwapSample;
import io.github.vlmlens.core.analysis.SweepCost;
import io.github.vlmlens.hooks.LoadOptions;
import io.github.vlmlens.examples.tiny.TinyVlmRecipe;
import io.github.vlmlens.spatial.scene.Placement;
import io.github.vlmlens.spatial.scene.QuestionAxis;
import io.github.vlmlens.spatial.scene.SceneSplit;
import io.github.vlmlens.spatial.swap.SpatialSwapSamples;
import io.github.vlmlens.tiny.TinyVlm;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Measures what a mirror-swap sweep costs on the bundled tiny VLM: the wall time of a sample's
 * sweep (every layer x every swap set, reusing x's cached prefix; a group of 16 held-out samples
 * of one size swept together, as a real run does, timed and divided by their number) divided by
 * that many full forward passes, with the backend batching up to
 * {@link SwapExperiment#DEFAULT_BATCH_SIZE} requests. Prints the median over repeats.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1.0")
public final class SwapCostBenchmark {
  /** The number of held-out samples swept together. */
  private static final int GROUP = 16;

  private SwapCostBenchmark() {}

  /** Runs the benchmark; the optional argument is the number of repeats (default 15). */
  public static void main(String[] args) {
    int repeats = args.length > 0 ? Integer.parseInt(args[0]) : 15;
    // The backend's batch cap (LoadOptions default 8) raised to the experiment's batch size, so that
    // both the reference forwards and one layer's resumed runs of a group run as full batches.
    LoadOptions options = LoadOptions.builder().optMaxBatchSize(SwapExperiment.DEFAULT_BATCH_SIZE).build();
    try (HookedVlm vlm = TinyVlm.load(options)) {
      List<Placement> p =
          TinyVlmRecipe.split()
              .sampler(SceneSplit.Part.HELD_OUT_PAIRS)
              .sample(1, GROUP, QuestionAxis.HORIZONTAL);
      List<SwapSample> all =
          SpatialSwapSamples.of(vlm.promptFormat())
              .withAnswerForm(SpatialSwapSamples.asIs())
              .mirrors(p, QuestionAxis.HORIZONTAL);
      // Keep the samples of the first one's size, so that every run has the same sequence length.
      int xLen = vlm.tokenize(all.get(0).x()).length();
      int yLen = vlm.tokenize(all.get(0).y()).length();
      List<SwapSample> samples = new ArrayList<>();
      for (SwapSample s : all) {
        if (vlm.tokenize(s.x()).length() == xLen && vlm.tokenize(s.y()).length() == yLen) {
          samples.add(s);
        }
      }
      SweepCost c =
          SwapExperiment.of(vlm, SpatialSwapSamples.configFor(QuestionAxis.HORIZONTAL).build())
              .withProgressBar(false)
              .measureCost(samples, repeats);
      System.out.printf(
          Locale.ROOT,
          "%s: %d samples swept together, %d layers x %d swap sets, %d requests per sample,"
              + " batch %d%n"
              + "one forward %.2f ms, one sample's sweep %.1f ms%n"
              + "sweep cost / (layers x sets x one forward) = %.3f (target <= 0.55)%n",
          c.model(), samples.size(), c.layers(), c.swapSets(), c.requests(), c.batchSize(),
          c.forwardMillis(), c.sweepMillis(), c.ratio());
    }
  }
}
