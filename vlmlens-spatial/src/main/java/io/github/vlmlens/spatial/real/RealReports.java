package io.github.vlmlens.spatial.real;

import io.github.vlmlens.core.API;
import io.github.vlmlens.core.analysis.Estimate;
import io.github.vlmlens.core.analysis.Provenance;
import io.github.vlmlens.core.report.HtmlPage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * HTML reports of the real-image analyses, written next to the {@code result.json} the engine
 * writes: the claims (each with its test, statistic, p-value and n), the warnings, a table by
 * layer and the Settings (the provenance: model, weights fingerprint, versions, configuration, seeds). Written atomically through {@link HtmlPage#write}.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1.0")
public final class RealReports {
  /** The report file name. */
  public static final String HTML_FILE = "report.html";

  private RealReports() {}

  /** Writes the ID-margin report; returns a text summary. */
  public static String write(IdMarginResult r, Path dir) {
    List<List<String>> rows = new ArrayList<>();
    for (IdMarginResult.Layer l : r.layers()) {
      rows.add(List.of(String.valueOf(l.layer()), f(l.meanMarginCorrect()), f(l.meanMarginWrong()),
          test(l.margin()), f(l.meanAlignedCorrect()), f(l.meanAlignedWrong()), test(l.aligned()), f(l.readoutAccuracy())));
    }
    String head = String.format(Locale.ROOT, "%s: %d samples, accuracy %.3f", r.model(), r.samples(), r.accuracy());
    return page("ID deviation margin (figure 8A)", head, r.claims(), r.warnings(),
        List.of("layer", "margin correct", "margin wrong", "Mann-Whitney", "aligned correct", "aligned wrong",
            "Mann-Whitney (aligned)", "ID readout accuracy"), rows, r.provenance(), dir);
  }

  /** Writes the depth report; returns a text summary. */
  public static String write(DepthResult r, Path dir) {
    List<List<String>> rows = new ArrayList<>();
    for (DepthResult.Layer l : r.layers()) {
      rows.add(List.of(String.valueOf(l.layer()), f(l.meanGapFront()), f(l.meanGapBehind()), test(l.verticalGap()),
          test(l.horizontalGap())));
    }
    String head = String.format(Locale.ROOT, "%s: %d samples (%d front); front/behind accuracy %s; box heights front vs behind: %s",
        r.model(), r.samples(), r.front(), Double.isNaN(r.accuracy()) ? r.accuracyNote() : f(r.accuracy()), test(r.boxGap()));
    return page("Depth through the vertical IDs (figure 7)", head, r.diagnosis(), r.warnings(),
        List.of("layer", "vertical gap front", "vertical gap behind", "Mann-Whitney (v_L)", "Mann-Whitney (h_L, control)"),
        rows, r.provenance(), dir);
  }

  /** Writes the bounding-box sensitivity report; returns a text summary. */
  public static String write(SensitivityResult r, Path dir) {
    List<List<String>> rows = new ArrayList<>();
    for (SensitivityResult.Sample s : r.records()) {
      rows.add(List.of(s.id(), s.relation().word(), f(s.pGt()), f(s.pGtBlurObject()),
          f(s.pGtBlurRandom().stream().mapToDouble(Double::doubleValue).min().orElse(Double.NaN)), f(s.sensitivity()),
          s.correct() ? "correct" : "wrong"));
    }
    String head = String.format(Locale.ROOT,
        "%s: %d samples, accuracy %.3f; mean sensitivity correct %s, wrong %s; Mann-Whitney correct vs wrong: %s",
        r.model(), r.samples(), r.accuracy(), f(r.meanCorrect()), f(r.meanWrong()), test(r.correctVsWrong()));
    return page("Bounding-box sensitivity (figure 8B)", head, r.reading(), r.warnings(),
        List.of("sample", "answer", "P(GT)", "P(GT | blur object)", "min P(GT | blur random)", "sensitivity", "answer was"),
        rows, r.provenance(), dir);
  }

  /** Writes the steering report; returns a text summary. */
  public static String write(RealSteeringResult r, Path dir) {
    List<List<String>> rows = new ArrayList<>();
    for (RealSteeringResult.Layer l : r.layers()) {
      rows.add(List.of(String.valueOf(l.layer()), percent(l.swappedIds()), percent(l.swappedNoise()),
          percent(l.generatedSwappedIds()), percent(l.generatedSwappedNoise()), f(l.readoutAccuracy())));
    }
    String head = String.format(Locale.ROOT,
        "%s steered with the IDs of %s: %d samples, unsteered accuracy %.3f%s", r.model(), r.idsModel(), r.samples(),
        r.accuracy(), r.generationNote().isEmpty() ? "" : "; " + r.generationNote());
    return page("Steering on real images (figures 2, 6B) and readout vs steerability (figure 9)", head, r.claims(),
        r.warnings(), List.of("layer", "% swapped (IDs)", "% swapped (noise)",
            "% swapped by the generated answer (IDs)", "% swapped by the generated answer (noise)",
            "ID readout accuracy"), rows, r.provenance(), dir);
  }

  private static String page(
      String title, String head, List<String> claims, List<String> warnings, List<String> header, List<List<String>> rows,
      Provenance p, Path dir) {
    HtmlPage page = HtmlPage.titled(title).heading(title).paragraph(head);
    page.subheading("What the tests support");
    StringBuilder text = new StringBuilder(title).append('\n').append(head).append('\n');
    for (String c : claims) {
      page.paragraph(c);
      text.append("  ").append(c).append('\n');
    }
    if (!warnings.isEmpty()) {
      page.subheading("Warnings");
      for (String w : warnings) {
        page.paragraph("Warning: " + w);
        text.append("  warning: ").append(w).append('\n');
      }
    }
    page.subheading("By layer or sample").table(header, rows);
    if (p != null) {
      page.settings(p);
    } else {
      page.settings(java.util.Map.of(), java.util.Map.of("provenance", "not recorded in this result"));
    }
    if (dir != null) {
      page.write(dir.resolve(HTML_FILE));
    }
    return text.toString();
  }

  private static String f(double v) {
    return Double.isNaN(v) ? "n/a" : String.format(Locale.ROOT, "%.4f", v);
  }

  /** A rate in percent with its interval, as the claims state rates. */
  private static String percent(Estimate e) {
    return String.format(Locale.ROOT, "%.1f [%.1f, %.1f]", 100 * e.mean(), 100 * e.lower(), 100 * e.upper());
  }

  private static String percent(double v) {
    return Double.isNaN(v) ? "n/a" : String.format(Locale.ROOT, "%.1f", 100 * v);
  }

  private static String test(MannWhitney t) {
    return t == null ? "n/a (a group has < 5)" : t.describe();
  }
}
