package io.github.vlmlens.core.report;

import io.github.vlmlens.core.analysis.ShiftFormula;
import io.github.vlmlens.core.analysis.SwapResult;
import io.github.vlmlens.core.analysis.SwapResult.Curve;
import io.github.vlmlens.core.analysis.SwapResult.LayerStats;
import io.github.vlmlens.core.analysis.SwapResult.MergingPoint;
import io.github.vlmlens.core.analysis.SwapSet;
import java.util.Locale;

/** The terminal summary of a swap result. */
final class SwapSummary {
  private SwapSummary() {}

  /** The summary text, ending with a newline. */
  public static String render(SwapResult r) {
    StringBuilder sb = new StringBuilder();
    sb.append(String.format(
        Locale.ROOT, "%s on %s (%d blocks): %d samples, %d excluded (%s below %s); accuracy x %.3f, y %.3f%n",
        r.config().name(), r.model(), r.numLayers(), r.sampleCount(), r.excludedCount(),
        denominatorText(r.config().formula()), r.config().threshold(), r.accuracyX(), r.accuracyY()));
    sb.append(String.format(
        Locale.ROOT, "mean belief shift by layer [%.0f%% bootstrap interval], %s formula%n",
        100 * r.config().confidence(), r.config().formula().name().toLowerCase(Locale.ROOT)));
    if (r.config().swapSets().contains(SwapSet.ALL_IMAGE)) {
      sb.append(r.imageTokenDefinition().sentence()).append(System.lineSeparator());
    }
    sb.append(String.format(Locale.ROOT, "%5s", "layer"));
    for (Curve c : r.curves()) {
      sb.append(String.format(Locale.ROOT, "  %-26s", label(c.swapSet())));
    }
    endLine(sb);
    for (int i = 0; i < r.layers().size(); i++) {
      sb.append(String.format(Locale.ROOT, "%5d", r.layers().get(i)));
      for (Curve c : r.curves()) {
        LayerStats s = c.stats().get(i);
        sb.append(String.format(
            Locale.ROOT, "  %-26s",
            s.n() == 0
                ? "-"
                : String.format(Locale.ROOT, "%6.3f [%6.3f, %6.3f]", s.mean(), s.lower(), s.upper())));
      }
      endLine(sb);
    }
    sb.append(mergingText(r)).append(System.lineSeparator());
    for (String w : r.warnings()) {
      sb.append("WARNING: ").append(w).append(System.lineSeparator());
    }
    return sb.toString();
  }

  private static void endLine(StringBuilder sb) {
    int end = sb.length();
    while (end > 0 && sb.charAt(end - 1) == ' ') {
      end--;
    }
    sb.setLength(end);
    sb.append(System.lineSeparator());
  }

  /** One sentence naming the merging point and its evidence, or saying why there is none. */
  public static String mergingText(SwapResult r) {
    if (!r.mergingVerdict().isEmpty()) {
      return r.mergingVerdict();
    }
    MergingPoint m = r.mergingPoint();
    if (m == null) {
      if (!r.config().swapSets().contains(SwapSet.OBJECT_WORDS)) {
        return "Modality merging point: not measured (the object-word set was not swept).";
      }
      return "Modality merging point: none.";
    }
    String range = m.fromLayer() == m.toLayer()
        ? "layer " + m.fromLayer()
        : "layers " + m.fromLayer() + "-" + m.toLayer();
    return String.format(
        Locale.ROOT,
        "Modality merging point: %s (object-word shift peaks at %.3f at layer %d; range: consecutive"
            + " layers whose mean is at least %s x the peak).",
        range, m.peakShift(), m.peakLayer(), m.fraction());
  }

  /** A short label of a swap set. */
  public static String label(SwapSet set) {
    switch (set) {
      case OBJECT_WORDS:
        return "object words";
      case ALL_TEXT:
        return "all text tokens";
      case ALL_IMAGE:
        return "all image tokens";
      case CONTROL_TEXT:
        return "control (non-object text)";
      default:
        return set.name();
    }
  }

  /** The denominator of a formula, in words. */
  public static String denominatorText(ShiftFormula f) {
    return f == ShiftFormula.PROBABILITY ? "|P_x(GT) - P_y(GT)|" : "|log P_x(GT) - log P_y(GT)|";
  }
}
