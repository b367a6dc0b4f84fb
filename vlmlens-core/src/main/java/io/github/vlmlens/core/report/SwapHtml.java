package io.github.vlmlens.core.report;

import io.github.vlmlens.core.analysis.SwapResult;
import io.github.vlmlens.core.analysis.SwapResult.Curve;
import io.github.vlmlens.core.analysis.SwapResult.LayerStats;
import io.github.vlmlens.core.analysis.SwapSet;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The HTML report of a swap result, built by {@link HtmlPage}. */
final class SwapHtml {
  private SwapHtml() {}

  /** The page. */
  public static HtmlPage page(SwapResult r) {
    String title = r.config().name() + " on " + r.model();
    HtmlPage p = HtmlPage.titled(title + ": belief shift by layer");
    p.paragraph("Model " + r.model() + " with " + r.numLayers() + " decoder blocks. Layer 0 is the embedding output,"
        + " layer L the output of block L; the patch replaces x's lm.L.resid_post at the swap set by y's.");
    if (r.config().swapSets().contains(SwapSet.ALL_IMAGE)) {
      p.paragraph(r.imageTokenDefinition().sentence());
    }
    p.paragraph("Shift formula: " + r.config().formula().name().toLowerCase(Locale.ROOT) + ". " + formulaText(r));
    for (String w : r.warnings()) {
      p.warning(w);
    }
    p.heading("Samples");
    p.paragraph(r.sampleCount() + " samples run, " + r.excludedCount() + " excluded because "
        + SwapSummary.denominatorText(r.config().formula()) + " was below " + r.config().threshold()
        + " (excluded samples are left out of the statistics, never counted as 0). Accuracy on x: "
        + fmt(r.accuracyX()) + ", on y: " + fmt(r.accuracyY()) + ".");
    if (r.excludedCount() > 0) {
      List<String> excluded = new ArrayList<>();
      for (SwapResult.Sample s : r.samples()) {
        if (s.excluded()) {
          excluded.add(s.id() + ": " + s.exclusionReason());
        }
      }
      p.foldedList("Excluded samples", excluded);
    }
    p.heading("Modality merging point").paragraph(SwapSummary.mergingText(r));
    p.heading("All swap sets").chart(SwapCharts.overview(r));
    String pct = String.format(Locale.ROOT, "%.0f%%", 100 * r.config().confidence());
    int i = 0;
    for (Curve c : r.curves()) {
      p.heading(SwapSummary.label(c.swapSet())).chart(SwapCharts.curve(r, c, i++));
      List<List<String>> rows = new ArrayList<>();
      for (LayerStats s : c.stats()) {
        rows.add(List.of(String.valueOf(s.layer()), String.valueOf(s.n()), fmt(s.mean()), fmt(s.sd()),
            "[" + fmt(s.lower()) + ", " + fmt(s.upper()) + "]"));
      }
      p.table(List.of("layer", "n", "mean", "sd", pct + " interval"), rows);
    }
    Map<String, String> facts = new LinkedHashMap<>();
    facts.put("model", r.model());
    facts.put("config hash", r.configHash());
    facts.put("layers swept", r.layers().toString());
    p.settings(r.provenance(), r.config(), facts);
    p.paragraph("Config hash " + r.configHash() + "; layers swept " + r.layers() + ".");
    return p;
  }

  private static String formulaText(SwapResult r) {
    switch (r.config().formula()) {
      case PROBABILITY:
        return "shift_L = (P_x(GT) - P_x~L(GT)) / (P_x(GT) - P_y(GT)), the paper's definition: 1 means"
            + " the patch moved the belief all the way to the counterfactual, 0 not at all.";
      case LOG_PROBABILITY:
        return "shift_L = (log P_x(GT) - log P_x~L(GT)) / (log P_x(GT) - log P_y(GT)), the"
            + " log-probability variant; the JSON also holds the other answer word's shift.";
      default:
        return "";
    }
  }

  private static String fmt(double v) {
    return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%.3f", v);
  }
}
