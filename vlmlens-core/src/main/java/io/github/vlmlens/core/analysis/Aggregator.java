package io.github.vlmlens.core.analysis;

import io.github.vlmlens.core.analysis.SwapResult.Curve;
import io.github.vlmlens.core.analysis.SwapResult.LayerStats;
import io.github.vlmlens.core.analysis.internal.Seeds;
import java.util.ArrayList;
import java.util.List;

/** Turns the samples' raw values into a {@link SwapResult}. */
final class Aggregator {
  private Aggregator() {}

  /**
   * The result; {@code images} is what the "all image tokens" set swapped. The bootstrap of swap set {@code s} at layer {@code L} is seeded with the config's
   * seed mixed with {@code s}'s ordinal and {@code L}, so each curve is reproducible on its own.
   */
  public static SwapResult aggregate(
      String model,
      int numLayers,
      List<Integer> layers,
      ImageTokenDefinition images,
      SwapConfig config,
      String configHash,
      List<SwapResult.Sample> samples,
      Provenance provenance) {
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
    for (SwapSet set : config.swapSets()) {
      List<LayerStats> stats = new ArrayList<>();
      for (int i = 0; i < layers.size(); i++) {
        int layer = layers.get(i);
        double[] values = shifts(kept, set, i, layer);
        long seed = Seeds.mix(config.seed(), set.ordinal(), layer);
        stats.add(ShiftStats.of(layer, values, config.bootstrapResamples(), config.confidence(), seed));
      }
      curves.add(new Curve(set, stats));
    }
    MergingRule.Outcome merging;
    if (!config.swapSets().contains(SwapSet.OBJECT_WORDS)) {
      merging = new MergingRule.Outcome(null, "Modality merging point: not measured (the object-word set was not swept).");
    } else {
      List<LayerStats> difference = null;
      if (config.swapSets().contains(SwapSet.CONTROL_TEXT)) {
        difference = new ArrayList<>();
        for (int i = 0; i < layers.size(); i++) {
          int layer = layers.get(i);
          double[] o = shifts(kept, SwapSet.OBJECT_WORDS, i, layer);
          double[] c = shifts(kept, SwapSet.CONTROL_TEXT, i, layer);
          double[] d = new double[o.length];
          for (int k = 0; k < d.length; k++) {
            d[k] = o[k] - c[k];
          }
          // Seeded apart from every curve's bootstrap (swap-set ordinals are below 100).
          long seed = Seeds.mix(config.seed(), 100, layer);
          difference.add(ShiftStats.of(layer, d, config.bootstrapResamples(), config.confidence(), seed));
        }
      }
      List<LayerStats> objectCurve = null;
      for (Curve c : curves) {
        if (c.swapSet() == SwapSet.OBJECT_WORDS) {
          objectCurve = c.stats();
        }
      }
      merging = MergingRule.decide(
          objectCurve, difference, kept.size(), config.minKeptSamples(), config.mergingFraction(),
          config.confidence());
    }
    int n = samples.size();
    List<String> warnings = new ArrayList<>();
    if (n > 0 && 2 * (n - kept.size()) > n) {
      warnings.add(String.format(java.util.Locale.ROOT,
          "Most samples were excluded (%d of %d): the model's belief barely differs between x and y,"
              + " so the statistics rest on %d sample%s.",
          n - kept.size(), n, kept.size(), kept.size() == 1 ? "" : "s"));
    }
    double mass = 0;
    for (SwapResult.Sample s : samples) {
      mass += Math.exp(s.logProbXGt()) + Math.exp(s.logProbXOther());
    }
    if (n > 0 && mass / n < 0.5) {
      warnings.add(String.format(java.util.Locale.ROOT,
          "The answer words hold little probability: mean P_x(GT) + P_x(other) = %.3f < 0.5, so the model"
              + " mostly answers something else and the shifts describe a small part of its belief.",
          mass / n));
    }
    return new SwapResult(
        model, numLayers, layers, images, config, configHash, n, n - kept.size(),
        n == 0 ? Double.NaN : (double) correctX / n, n == 0 ? Double.NaN : (double) correctY / n,
        curves, merging.point(), merging.verdict(), warnings, samples, provenance);
  }

  private static double[] shifts(List<SwapResult.Sample> kept, SwapSet set, int i, int layer) {
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
    return values;
  }
}
