package io.github.vlmlens.core.analysis;

import io.github.vlmlens.core.analysis.SwapResult.LayerStats;
import io.github.vlmlens.core.analysis.SwapResult.MergingPoint;
import java.util.List;
import java.util.Locale;

/**
 * The merging-point rule (see {@link MergingPoint}): the object-word curve, but only at layers
 * where the object-word shift is significantly above the control's.
 */
final class MergingRule {
  private MergingRule() {}

  /**
   * The merging point and the sentence that explains it, or {@code point == null} and the reason
   * there is none.
   *
   * @param point the merging point, or {@code null}
   * @param verdict one sentence
   */
  public record Outcome(MergingPoint point, String verdict) {}

  /**
   * The rule without a significance test: every layer qualifies (for tests of the range logic).
   * {@code null} when no layer has a finite positive mean.
   */
  public static MergingPoint find(List<LayerStats> objectCurve, double fraction) {
    LayerStats[] all = new LayerStats[objectCurve.size()];
    boolean[] ok = new boolean[objectCurve.size()];
    for (int i = 0; i < all.length; i++) {
      all[i] = objectCurve.get(i);
      ok[i] = true;
    }
    return range(objectCurve, ok, new LayerStats[all.length], fraction, objectCurve.isEmpty() ? 0 : objectCurve.get(0).n());
  }

  /**
   * The merging point where the paired difference (object words minus control) is significantly
   * above 0.
   *
   * @param objectCurve the object-word statistics by layer
   * @param difference the statistics of the paired difference by layer, or {@code null} when the
   *     control set was not swept
   * @param kept the number of kept samples
   * @param minKept the fewest kept samples for a merging point
   */
  public static Outcome decide(
      List<LayerStats> objectCurve, List<LayerStats> difference, int kept, int minKept, double fraction,
      double confidence) {
    if (kept == 0) {
      return new Outcome(null, "Modality merging point: none (no sample was kept: every denominator was below the threshold).");
    }
    if (kept < minKept) {
      return new Outcome(null, String.format(Locale.ROOT,
          "Modality merging point: none (only %d kept sample%s; at least %d are needed to declare one).",
          kept, kept == 1 ? "" : "s", minKept));
    }
    if (difference == null) {
      return new Outcome(null,
          "Modality merging point: none (the control set was not swept, so no layer can be shown to beat it).");
    }
    boolean[] ok = new boolean[objectCurve.size()];
    int best = -1;
    boolean any = false;
    for (int i = 0; i < ok.length; i++) {
      LayerStats d = difference.get(i);
      ok[i] = Double.isFinite(d.lower()) && d.lower() > 0 && Double.isFinite(objectCurve.get(i).mean());
      any |= ok[i];
      if (Double.isFinite(d.lower()) && (best < 0 || d.lower() > difference.get(best).lower())) {
        best = i;
      }
    }
    if (!any) {
      String where = best < 0 ? "" : String.format(Locale.ROOT,
          "; the best layer, %d, has a mean difference of %.3f with a %.0f%% interval [%.3f, %.3f]",
          difference.get(best).layer(), difference.get(best).mean(), 100 * confidence,
          difference.get(best).lower(), difference.get(best).upper());
      return new Outcome(null,
          "Modality merging point: none (at no layer is the object-word shift significantly above the control's:"
              + " every bootstrap interval of the paired difference reaches 0" + where + ").");
    }
    MergingPoint m = range(objectCurve, ok, difference.toArray(new LayerStats[0]), fraction, kept);
    if (m == null) {
      return new Outcome(null,
          "Modality merging point: none (no layer where the object words beat the control has a positive mean shift).");
    }
    String text = String.format(Locale.ROOT,
        "Modality merging point: %s (object-word shift peaks at %.3f at layer %d, above the control by %.3f,"
            + " %.0f%% interval [%.3f, %.3f], on %d kept samples; range: consecutive layers whose shift beats the"
            + " control and is at least %s x the peak).",
        m.fromLayer() == m.toLayer() ? "layer " + m.fromLayer() : "layers " + m.fromLayer() + "-" + m.toLayer(),
        m.peakShift(), m.peakLayer(), m.peakDifference(), 100 * confidence, m.differenceLower(),
        m.differenceUpper(), kept, fraction);
    return new Outcome(m, text);
  }

  private static MergingPoint range(
      List<LayerStats> objectCurve, boolean[] ok, LayerStats[] difference, double fraction, int kept) {
    int peak = -1;
    for (int i = 0; i < objectCurve.size(); i++) {
      double m = objectCurve.get(i).mean();
      if (ok[i] && Double.isFinite(m) && (peak < 0 || m > objectCurve.get(peak).mean())) {
        peak = i;
      }
    }
    if (peak < 0 || !(objectCurve.get(peak).mean() > 0)) {
      return null;
    }
    double peakShift = objectCurve.get(peak).mean();
    double bound = fraction * peakShift;
    int from = peak;
    while (from > 0 && ok[from - 1] && reaches(objectCurve.get(from - 1), bound)) {
      from--;
    }
    int to = peak;
    while (to < objectCurve.size() - 1 && ok[to + 1] && reaches(objectCurve.get(to + 1), bound)) {
      to++;
    }
    String rule =
        String.format(
            Locale.ROOT,
            "layers where the bootstrap interval of the paired difference (object-word shift minus"
                + " control shift) lies above 0, around the peak of the mean object-word shift among"
                + " them, whose mean shift is at least %s x the peak (consecutive swept layers; first"
                + " peak on ties)",
            fraction);
    LayerStats d = difference[peak];
    return new MergingPoint(
        objectCurve.get(from).layer(), objectCurve.get(to).layer(), objectCurve.get(peak).layer(),
        peakShift, fraction, rule, kept,
        d == null ? Double.NaN : d.mean(), d == null ? Double.NaN : d.lower(), d == null ? Double.NaN : d.upper());
  }

  private static boolean reaches(LayerStats s, double bound) {
    return Double.isFinite(s.mean()) && s.mean() >= bound;
  }
}
