package io.github.vlmlens.core.analysis.internal;

import io.github.vlmlens.core.analysis.SwapResult.LayerStats;
import io.github.vlmlens.core.analysis.SwapResult.MergingPoint;
import java.util.List;
import java.util.Locale;

/** The merging-point rule on the object-word curve. */
public final class MergingRule {
  private MergingRule() {}

  /**
   * The peak of the mean object-word shift (first on ties) and the longest run of consecutive swept
   * layers around it whose mean shift is at least {@code fraction} times the peak; {@code null}
   * when no layer has a finite positive mean (the object words alone never move the belief).
   */
  public static MergingPoint find(List<LayerStats> objectCurve, double fraction) {
    int peak = -1;
    for (int i = 0; i < objectCurve.size(); i++) {
      double m = objectCurve.get(i).mean();
      if (Double.isFinite(m) && (peak < 0 || m > objectCurve.get(peak).mean())) {
        peak = i;
      }
    }
    if (peak < 0 || !(objectCurve.get(peak).mean() > 0)) {
      return null;
    }
    double peakShift = objectCurve.get(peak).mean();
    double bound = fraction * peakShift;
    int from = peak;
    while (from > 0 && reaches(objectCurve.get(from - 1), bound)) {
      from--;
    }
    int to = peak;
    while (to < objectCurve.size() - 1 && reaches(objectCurve.get(to + 1), bound)) {
      to++;
    }
    String rule =
        String.format(
            Locale.ROOT,
            "layers around the peak of the mean object-word shift whose mean shift is at least %s"
                + " x the peak (consecutive swept layers; first peak on ties)",
            fraction);
    return new MergingPoint(
        objectCurve.get(from).layer(), objectCurve.get(to).layer(), objectCurve.get(peak).layer(),
        peakShift, fraction, rule);
  }

  private static boolean reaches(LayerStats s, double bound) {
    return Double.isFinite(s.mean()) && s.mean() >= bound;
  }
}
