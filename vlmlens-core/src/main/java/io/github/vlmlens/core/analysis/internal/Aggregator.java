package io.github.vlmlens.core.analysis.internal;

import io.github.vlmlens.core.analysis.SwapConfig;
import io.github.vlmlens.core.analysis.SwapResult;
import io.github.vlmlens.core.analysis.SwapResult.Curve;
import io.github.vlmlens.core.analysis.SwapResult.LayerStats;
import io.github.vlmlens.core.analysis.SwapResult.MergingPoint;
import io.github.vlmlens.core.analysis.SwapSet;
import java.util.ArrayList;
import java.util.List;

/** Turns the samples' raw values into a {@link SwapResult}. */
public final class Aggregator {
  private Aggregator() {}

  /**
   * The result. The bootstrap of swap set {@code s} at layer {@code L} is seeded with the config's
   * seed mixed with {@code s}'s ordinal and {@code L}, so each curve is reproducible on its own.
   */
  public static SwapResult aggregate(
      String model,
      int numLayers,
      List<Integer> layers,
      SwapConfig config,
      String configHash,
      List<SwapResult.Sample> samples) {
    List<SwapResult.Sample> kept = new ArrayList<>();
    int correctX = 0;
    int correctY = 0;
    for (SwapResult.Sample s : samples) {
      if (!s.excluded()) {
        kept.add(s);
      }
      if (s.logProbXGt() > s.logProbXOther()) {
        correctX++;
      }
      if (s.logProbYOther() > s.logProbYGt()) {
        correctY++;
      }
    }
    List<Curve> curves = new ArrayList<>();
    MergingPoint merging = null;
    for (SwapSet set : config.swapSets()) {
      List<LayerStats> stats = new ArrayList<>();
      for (int i = 0; i < layers.size(); i++) {
        int layer = layers.get(i);
        double[] values = new double[kept.size()];
        for (int k = 0; k < values.length; k++) {
          SwapResult.Readout r = kept.get(k).readouts().get(set).get(i);
          if (r.layer() != layer) {
            throw new IllegalStateException(
                "sample '" + kept.get(k).id() + "' has layer " + r.layer() + " where " + layer
                    + " was expected");
          }
          values[k] = r.shift();
        }
        long seed = Seeds.mix(config.seed(), set.ordinal(), layer);
        stats.add(ShiftStats.of(layer, values, config.bootstrapResamples(), config.confidence(), seed));
      }
      curves.add(new Curve(set, stats));
      if (set == SwapSet.OBJECT_WORDS) {
        merging = MergingRule.find(stats, config.mergingFraction());
      }
    }
    int n = samples.size();
    return new SwapResult(
        model, numLayers, layers, config, configHash, n, n - kept.size(),
        n == 0 ? Double.NaN : (double) correctX / n, n == 0 ? Double.NaN : (double) correctY / n,
        curves, merging, samples);
  }
}
