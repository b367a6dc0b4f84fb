package io.github.vlmlens.temporal.real;

import io.github.vlmlens.core.analysis.Estimate;
import io.github.vlmlens.temporal.steer.TemporalSteerResult.LayerFlips;
import io.github.vlmlens.temporal.steer.TemporalSteerResult.Steered;
import java.util.ArrayList;
import java.util.List;

/**
 * The flip rates of a steering experiment by layer: a belief flips when the steered margin has
 * the strictly opposite sign of the unsteered one (a zero margin never counts as flipped).
 */
final class FlipRates {
  private FlipRates() {}

  /** Whether a steered margin flipped the unsteered belief (strict sign change). */
  static boolean flipped(double margin, double steeredMargin) {
    return margin * steeredMargin < 0;
  }

  /**
   * Per layer (index {@code li} of every sample's steered list), the % flipped with the IDs and
   * with noise (each sample's noise draws averaged), with bootstrap intervals seeded by
   * {@code seed * 7919 + layer} (IDs) and that plus 1 (noise), and the mean added norm.
   *
   * @param margins each sample's unsteered margin
   * @param steered each sample's steered runs, one per layer in {@code layers}' order
   */
  static List<LayerFlips> perLayer(List<Integer> layers, List<Double> margins, List<List<Steered>> steered,
      int resamples, double confidence, long seed) {
    int n = margins.size();
    List<LayerFlips> out = new ArrayList<>();
    for (int li = 0; li < layers.size(); li++) {
      double[] idFlips = new double[n];
      double[] noiseFlips = new double[n];
      double norm = 0;
      for (int i = 0; i < n; i++) {
        Steered st = steered.get(i).get(li);
        idFlips[i] = flipped(margins.get(i), st.idMargin()) ? 1 : 0;
        double f = 0;
        for (double m : st.noiseMargins()) {
          f += flipped(margins.get(i), m) ? 1 : 0;
        }
        noiseFlips[i] = f / st.noiseMargins().size();
        norm += (st.addedNorms().get(0) + st.addedNorms().get(1)) / 2;
      }
      long s = seed * 7919 + layers.get(li);
      out.add(new LayerFlips(layers.get(li),
          Estimate.of(idFlips, resamples, confidence, s).times(100),
          Estimate.of(noiseFlips, resamples, confidence, s + 1).times(100),
          n == 0 ? Double.NaN : norm / n));
    }
    return out;
  }
}
