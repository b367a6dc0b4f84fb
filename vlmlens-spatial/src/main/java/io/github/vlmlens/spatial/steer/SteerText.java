package io.github.vlmlens.spatial.steer;

import static io.github.vlmlens.spatial.ids.internal.Plots.fmt;

import io.github.vlmlens.core.analysis.Estimate;
import io.github.vlmlens.core.report.HtmlPage;
import io.github.vlmlens.spatial.steer.SteeringResult.BeliefMap;
import io.github.vlmlens.spatial.steer.SteeringResult.Curve;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** The terminal summary and the HTML page of a steering result. */
final class SteerText {
  private SteerText() {}

  private static Set<String> scopes(SteeringResult r) {
    Set<String> out = new LinkedHashSet<>();
    for (Curve c : r.curves()) {
      out.add(c.scope());
    }
    for (BeliefMap m : r.beliefMaps()) {
      out.add(SteerAggregator.scope(m.axis()));
    }
    return out;
  }

  /** How the vectors were scaled, in words. */
  static String scaling(SteeringResult r) {
    return r.config().scaleMode() == ScaleMode.ABSOLUTE
        ? "absolute: alpha = " + r.config().scale() + " times the ID difference"
        : "norm-relative: the ID difference rescaled to " + r.config().scale()
            + " x the norm of the unsteered activation at the steered word";
  }

  /** The summary, ending with a newline. */
  public static String summary(SteeringResult r) {
    StringBuilder sb = new StringBuilder();
    String nl = System.lineSeparator();
    sb.append(String.format(Locale.ROOT, "%s: %d scenes, unsteered accuracy %s; %s%n", SteerCharts.title(r),
        r.sampleCount(), fmt(r.baselineAccuracy()), scaling(r)));
    for (String scope : scopes(r)) {
      sb.append(scope).append(" questions").append(nl);
      if (r.mode() == SteeringMode.ARBITRARY) {
        for (BeliefMap m : r.beliefMaps()) {
          if (!SteerAggregator.scope(m.axis()).equals(scope)) {
            continue;
          }
          sb.append(String.format(Locale.ROOT, "  layer %d: mean P(%s) per target cell (A at (%d, %d); unsteered %s)%n",
              m.layer(), m.answer(), m.aRow(), m.aColumn(), fmt(m.baseline())));
          for (List<Double> row : m.probability()) {
            sb.append("   ");
            for (double v : row) {
              sb.append(String.format(Locale.ROOT, " %5.2f", v));
            }
            sb.append(nl);
          }
        }
        continue;
      }
      List<Curve> cs = r.curves().stream().filter(c -> c.scope().equals(scope)).toList();
      sb.append(String.format(Locale.ROOT, "%7s", "layer"));
      for (Curve c : cs) {
        sb.append(String.format(Locale.ROOT, "  %-24s", c.name() + " " + (c.measure().equals("swapped") ? "swapped" : "acc.")));
      }
      sb.append(nl);
      for (int i = 0; i < r.layers().size(); i++) {
        sb.append(String.format(Locale.ROOT, "%7d", r.layers().get(i)));
        for (Curve c : cs) {
          Estimate e = c.points().get(i).estimate();
          sb.append(String.format(Locale.ROOT, "  %-24s", e.n() == 0 ? "-"
              : String.format(Locale.ROOT, "%5.1f%% [%5.1f, %5.1f]", 100 * e.mean(), 100 * e.lower(), 100 * e.upper())));
        }
        int end = sb.length();
        while (end > 0 && sb.charAt(end - 1) == ' ') {
          end--;
        }
        sb.setLength(end);
        sb.append(nl);
      }
    }
    return sb.toString();
  }

  /** The report page. */
  public static HtmlPage html(SteeringResult r) {
    HtmlPage p = HtmlPage.titled(SteerCharts.title(r));
    p.paragraph("Model " + r.model() + "; " + r.sampleCount() + " scenes on a " + r.gridSize() + " x " + r.gridSize()
        + " grid; layers " + r.layers() + " (layer 0 is the embedding output, layer L the output of block L)."
        + " Unsteered accuracy " + fmt(r.baselineAccuracy()) + ". Scaling: " + scaling(r) + ".");
    p.paragraph(explanation(r.mode()));
    for (String scope : scopes(r)) {
      p.heading(scope.substring(0, 1).toUpperCase(Locale.ROOT) + scope.substring(1) + " questions");
      if (r.mode() == SteeringMode.ARBITRARY) {
        BeliefMap first = r.beliefMaps().stream().filter(m -> SteerAggregator.scope(m.axis()).equals(scope))
            .findFirst().orElse(null);
        if (first != null) {
          p.paragraph("A in cell (" + first.aRow() + ", " + first.aColumn() + "); each cell: the mean probability of \""
              + first.answer() + "\" among the two answers after moving B's ID to that cell, over " + first.n()
              + " scenes (unsteered: " + fmt(first.baseline()) + ").");
        }
        p.chartRow(SteerCharts.heatMaps(r, scope));
        continue;
      }
      p.chart(SteerCharts.curves(r, scope));
      List<Curve> cs = r.curves().stream().filter(c -> c.scope().equals(scope)).toList();
      List<String> header = new ArrayList<>(List.of("layer"));
      for (Curve c : cs) {
        header.add(c.name() + " (" + c.measure() + ", %)");
      }
      List<List<String>> rows = new ArrayList<>();
      for (int i = 0; i < r.layers().size(); i++) {
        List<String> row = new ArrayList<>(List.of(String.valueOf(r.layers().get(i))));
        for (Curve c : cs) {
          row.add(percent(c.points().get(i).estimate()));
        }
        rows.add(row);
      }
      p.table(header, rows);
    }
    Map<String, String> facts = new LinkedHashMap<>();
    facts.put("model", r.model());
    facts.put("mode", r.mode().name().toLowerCase(Locale.ROOT));
    facts.put("layers steered", r.layers().toString());
    facts.put("config hash", r.configHash());
    facts.put("IDs fingerprint", r.idsFingerprint());
    p.settings(r.provenance(), r.config(), facts);
    return p;
  }

  /** An estimate in percent, as the plots show it: mean [lower, upper] (n). */
  private static String percent(Estimate e) {
    return e.n() == 0 ? "-" : String.format(Locale.ROOT, "%.1f [%.1f, %.1f] (n %d)", 100 * e.mean(), 100 * e.lower(),
        100 * e.upper(), e.n());
  }

  private static String explanation(SteeringMode mode) {
    switch (mode) {
      case ADVERSARIAL:
        return "At each layer L, B's object word (the object asked about) gets the push of its universal IDs across"
            + " the grid toward the side opposite to the model's unsteered belief (ID(i, m-1) - ID(i, 0) in its own"
            + " row, or the negation; rows for above/below), and A's word the opposite push. A belief is swapped"
            + " when the sign of log P(first answer) - log P(second answer) flips. The noise control adds, at each"
            + " word, a uniformly random direction of the same norm as the ID vector (seeded).";
      case CROSS_AXIS:
        return "In-axis: the adversarial push along the question's axis. Cross-axis: the same push along the other"
            + " axis (B toward the last column or row, A toward the first), horizontal vectors on above/below"
            + " questions and vertical ones on left/right questions; it should swap few beliefs.";
      case ORACLE:
        return "At layer L, B's object-word activation is replaced by the mean activation its IDs were centred by"
            + " (B's activation averaged over every B cell and size with A in the same cell, for the same pair)"
            + " plus the universal ID of B's true cell. 'mean only' replaces it by the mean alone (no position).";
      default:
        return "B's ID is moved from its true cell to each cell in turn: ID(target) - ID(true cell) is added at B's"
            + " object word, scaled as configured (an absolute alpha = 1 moves the ID exactly).";
    }
  }
}
