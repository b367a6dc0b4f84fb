package io.github.vlmlens.core.report.internal;

import com.google.common.html.HtmlEscapers;
import io.github.vlmlens.core.analysis.SwapResult;
import io.github.vlmlens.core.analysis.SwapResult.Curve;
import io.github.vlmlens.core.analysis.SwapResult.LayerStats;
import io.github.vlmlens.core.analysis.SwapSet;
import io.github.vlmlens.core.analysis.internal.Json;
import java.util.Base64;
import java.util.Locale;

/** The HTML report of a swap result: one self-contained page. */
public final class SwapHtml {
  private SwapHtml() {}

  /** The page. */
  public static String render(SwapResult r) {
    StringBuilder h = new StringBuilder();
    String title = r.config().name() + " on " + r.model();
    h.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>")
        .append(esc(title)).append("</title>\n<style>\n")
        .append("body{font-family:sans-serif;max-width:980px;margin:2em auto;color:#222}\n")
        .append("table{border-collapse:collapse;margin:0.5em 0 1.5em}\n")
        .append("td,th{border:1px solid #ccc;padding:2px 8px;text-align:right}\n")
        .append("th{background:#f3f3f3}\npre{background:#f7f7f7;padding:0.8em;overflow-x:auto}\n")
        .append("</style>\n</head>\n<body>\n");
    h.append("<h1>").append(esc(title)).append(": belief shift by layer</h1>\n");
    h.append("<p>Model <b>").append(esc(r.model())).append("</b> with ").append(r.numLayers())
        .append(" decoder blocks. Layer 0 is the embedding output, layer L the output of block L;"
            + " the patch replaces x's <code>lm.L.resid_post</code> at the swap set by y's.</p>\n");
    if (r.config().swapSets().contains(SwapSet.ALL_IMAGE)) {
      h.append("<p>").append(esc(r.imageTokenDefinition().sentence())).append("</p>\n");
    }
    h.append("<p>Shift formula: <b>").append(esc(r.config().formula().name().toLowerCase(Locale.ROOT)))
        .append("</b>. ").append(esc(formulaText(r))).append("</p>\n");

    for (String w : r.warnings()) {
      h.append("<p style=\"border:2px solid #c00;padding:6px;color:#900\"><b>Warning:</b> ").append(esc(w))
          .append("</p>\n");
    }
    h.append("<h2>Samples</h2>\n<p>").append(r.sampleCount()).append(" samples run, ")
        .append(r.excludedCount()).append(" excluded because ")
        .append(esc(SwapSummary.denominatorText(r.config().formula()))).append(" was below ")
        .append(r.config().threshold()).append(" (excluded samples are left out of the statistics,"
            + " never counted as 0). Accuracy on x: ")
        .append(fmt(r.accuracyX())).append(", on y: ").append(fmt(r.accuracyY())).append(".</p>\n");
    if (r.excludedCount() > 0) {
      h.append("<details><summary>Excluded samples</summary>\n<ul>\n");
      for (SwapResult.Sample s : r.samples()) {
        if (s.excluded()) {
          h.append("<li>").append(esc(s.id())).append(": ").append(esc(String.valueOf(s.exclusionReason())))
              .append("</li>\n");
        }
      }
      h.append("</ul>\n</details>\n");
    }

    h.append("<h2>Modality merging point</h2>\n<p>").append(esc(SwapSummary.mergingText(r)))
        .append("</p>\n");

    h.append("<h2>All swap sets</h2>\n");
    img(h, SwapCharts.overview(r), "mean belief shift by layer for every swap set");
    int i = 0;
    for (Curve c : r.curves()) {
      h.append("<h2>").append(esc(SwapSummary.label(c.swapSet()))).append("</h2>\n");
      img(h, SwapCharts.curve(r, c, i), "belief shift by layer, " + SwapSummary.label(c.swapSet()));
      h.append("<table>\n<tr><th>layer</th><th>n</th><th>mean</th><th>sd</th><th>")
          .append(String.format(Locale.ROOT, "%.0f%%", 100 * r.config().confidence()))
          .append(" interval</th></tr>\n");
      for (LayerStats s : c.stats()) {
        h.append("<tr><td>").append(s.layer()).append("</td><td>").append(s.n()).append("</td><td>")
            .append(fmt(s.mean())).append("</td><td>").append(fmt(s.sd())).append("</td><td>[")
            .append(fmt(s.lower())).append(", ").append(fmt(s.upper())).append("]</td></tr>\n");
      }
      h.append("</table>\n");
      i++;
    }
    h.append("<h2>Settings</h2>\n<pre>").append(esc(Json.pretty(r.config()))).append("</pre>\n");
    h.append("<p>Config hash <code>").append(esc(r.configHash())).append("</code>; layers swept ")
        .append(esc(r.layers().toString())).append(".</p>\n");
    h.append("</body>\n</html>\n");
    return h.toString();
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

  private static void img(StringBuilder h, byte[] png, String alt) {
    h.append("<p><img alt=\"").append(esc(alt)).append("\" src=\"data:image/png;base64,")
        .append(Base64.getEncoder().encodeToString(png)).append("\"></p>\n");
  }

  private static String fmt(double v) {
    return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%.3f", v);
  }

  private static String esc(String s) {
    return HtmlEscapers.htmlEscaper().escape(s);
  }
}
