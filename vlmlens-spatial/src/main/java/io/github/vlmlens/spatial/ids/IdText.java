package io.github.vlmlens.spatial.ids;

import io.github.vlmlens.spatial.ids.internal.Plots;
import static io.github.vlmlens.spatial.ids.internal.Plots.fmt;

import io.github.vlmlens.core.report.HtmlPage;
import io.github.vlmlens.spatial.ids.IdExtractionResult.LayerGeometry;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The terminal summary and the HTML page of a spatial-ID result. */
final class IdText {
  private IdText() {}

  /** The summary, ending with a newline. */
  public static String summary(IdExtractionResult r) {
    StringBuilder sb = new StringBuilder();
    String nl = System.lineSeparator();
    sb.append(String.format(Locale.ROOT,
        "spatial IDs of %s (%d blocks, hidden %d): %d pairs, %d runs per prompt, %s question, %s axes%n",
        r.model(), r.numLayers(), r.hiddenSize(), r.config().pairs().size(), r.placementsPerPrompt(),
        r.config().question().name().toLowerCase(Locale.ROOT),
        r.config().normalisation().name().toLowerCase(Locale.ROOT)));
    sb.append("R^2 of projected IDs on true (column, row) [shuffled-cell baseline: mean / max over ")
        .append(r.config().shuffles()).append(" shuffles]").append(nl);
    sb.append("CV R^2: axes fitted on ").append(foldScheme(r)).append(", judged on the held-out IDs; p from ")
        .append(r.config().permutations()).append(" cell relabellings; baseline: ").append(baselineName(r)).append(nl);
    sb.append(String.format(Locale.ROOT, "%5s  %7s %7s %6s %6s  %-26s  %-26s  %7s %6s %8s", "layer", "|h|", "|v|",
        "cos", "var", "R^2 cell means", "R^2 per sample", "CV R^2", "p", "baseline"));
    if (r.config().plainPrompts()) {
      sb.append(String.format(Locale.ROOT, "  %-9s %s", "plain R^2", "separation"));
    }
    sb.append(nl);
    for (LayerGeometry g : r.geometry()) {
      sb.append(String.format(Locale.ROOT, "%5d  %7s %7s %6s %6s  %-26s  %-26s", g.layer(), fmt(g.horizontalNorm()),
          fmt(g.verticalNorm()), fmt(g.axisCosine()), fmt(g.explainedVariance()),
          fmt(g.r2CellMeans()) + " [" + fmt(g.shuffledR2CellMeans()) + " / " + fmt(g.shuffledR2CellMeansMax()) + "]",
          fmt(g.r2PerSample()) + " [" + fmt(g.shuffledR2PerSample()) + " / " + fmt(g.shuffledR2PerSampleMax()) + "]"));
      sb.append(String.format(Locale.ROOT, "  %7s %6s %8s", fmt(g.cvR2()), fmt(g.cvPValue()), fmt(baseline(r, g))));
      if (g.plain() != null) {
        sb.append(String.format(Locale.ROOT, "  %-9s %s", fmt(g.plain().r2PerSample()), fmt(g.plain().separation())));
      }
      int end = sb.length();
      while (end > 0 && sb.charAt(end - 1) == ' ') {
        end--;
      }
      sb.setLength(end);
      sb.append(nl);
    }
    sb.append(r.linearity().text()).append(nl);
    return sb.toString();
  }

  /** How the folds were formed, in words. */
  static String foldScheme(IdExtractionResult r) {
    return r.config().pairs().size() >= 2
        ? "k-fold splits of the " + r.config().pairs().size() + " object pairs"
        : "k-fold splits of the A cells (one object pair)";
  }

  /** The baseline the verdict compares with, in words. */
  static String baselineName(IdExtractionResult r) {
    return r.randomInit() != null
        ? "the same extraction on " + r.randomInit().model() + " (weights redrawn, fingerprint "
            + r.randomInit().modelFingerprint() + ")"
        : "the relabellings' mean CV R^2 (no random-init baseline run)";
  }

  private static double baseline(IdExtractionResult r, LayerGeometry g) {
    return r.randomInit() != null ? g.randomInitCvR2() : g.cvPermutedMean();
  }

  /** The report page. */
  public static HtmlPage html(IdExtractionResult r) {
    HtmlPage p = HtmlPage.titled("Spatial IDs of " + r.model());
    p.paragraph("Model " + r.model() + " with " + r.numLayers() + " decoder blocks (hidden size " + r.hiddenSize()
        + "). Layer 0 is the embedding output, layer L the output of block L; B's object word is read at its last"
        + " sub-token in lm.L.resid_post. Grid " + r.config().gridSize() + " x " + r.config().gridSize() + " on a "
        + r.config().canvasPx() + " px canvas, object sizes " + r.config().sizeFractions() + " of the cell, pairs "
        + r.config().pairs() + " (B|A); " + r.placementsPerPrompt() + " runs per prompt type.");
    p.paragraph("Delta = B's activation minus the mean over every placement (B cell and size) with the same A cell;"
        + " IDs average Delta over A cells, then sizes, then pairs. Axes: "
        + (r.config().normalisation().name().equals("PAPER")
            ? "the paper's h = 1/(m C(m,2)) sum_i sum_{j1>j2} [Delta(i,j1) - Delta(i,j2)], v likewise over rows."
            : "the authors' script's normalisation (the paper's times m/(m+2)).")
        + " The plane is the Gram-Schmidt basis of [h, v]; R^2 is a least-squares fit of the projected coordinates"
        + " on the true (column, row), pooled over both coordinates. Shuffled baselines run the same pipeline with"
        + " the cell labels permuted. These figures are in-sample: they describe, they do not decide.");
    p.paragraph("Out of sample: per layer the axes, plane and fit are refitted on " + foldScheme(r) + " (folds dealt"
        + " by the seed) and judged by the R^2 of their prediction of the held-out IDs (CV R^2, negative when worse"
        + " than none); p = (1 + #relabellings with CV R^2 >= observed) / (1 + " + r.config().permutations()
        + "), every relabelling refitted. Baseline: " + baselineName(r) + ". A layer is called linear only where"
        + " its CV R^2 beats the baseline and p < 0.05.");
    p.paragraph(r.linearity().text());
    p.heading("Linearity by layer");
    p.chart(IdCharts.linearity(r));
    p.chart(IdCharts.explainedVariance(r));
    List<List<String>> rows = new ArrayList<>();
    for (LayerGeometry g : r.geometry()) {
      List<String> row = new ArrayList<>(List.of(
          String.valueOf(g.layer()), fmt(g.horizontalNorm()), fmt(g.verticalNorm()), fmt(g.axisCosine()),
          fmt(g.explainedVariance()), fmt(g.r2CellMeans()),
          fmt(g.shuffledR2CellMeans()) + " / " + fmt(g.shuffledR2CellMeansMax()), fmt(g.r2PerSample()),
          fmt(g.shuffledR2PerSample()) + " / " + fmt(g.shuffledR2PerSampleMax()), fmt(g.cvR2()), fmt(g.cvPValue()),
          fmt(baseline(r, g))));
      if (r.config().plainPrompts()) {
        row.add(g.plain() == null ? "-" : fmt(g.plain().r2CellMeans()));
        row.add(g.plain() == null ? "-" : fmt(g.plain().r2PerSample()));
        row.add(g.plain() == null ? "-" : fmt(g.plain().separation()));
      }
      rows.add(row);
    }
    List<String> header = new ArrayList<>(List.of("layer", "|h|", "|v|", "cos(h, v)", "explained variance",
        "R^2 cell means", "shuffled (mean / max)", "R^2 per sample", "shuffled (mean / max)", "CV R^2",
        "permutation p", r.randomInit() != null ? "random-init CV R^2" : "relabelled CV R^2"));
    if (r.config().plainPrompts()) {
      header.addAll(List.of("plain R^2 cell means", "plain R^2 per sample", "separation"));
    }
    p.table(header, rows);
    p.heading("Projected ID grid by layer");
    p.paragraph("Each panel: the universal IDs projected on the layer's plane; cells of a row are joined in blue,"
        + " cells of a column in red, cell (0, 0) is the black diamond"
        + (r.config().plainPrompts() ? ", grey dots are the plain prompts' cell IDs" : "")
        + ". A linear code draws a grid.");
    p.chartRow(IdCharts.grids(r));
    if (r.config().plainPrompts()) {
      p.heading("Plain against spatial prompts");
      p.paragraph("Plain prompt: \"Is there a {B} in the image?\". Separation: the distance between the two prompt"
          + " types' mean projections of their uncentred activations, over the root mean of their total variances.");
      p.chart(IdCharts.separation(r));
      if (r.bestLayer() != null) {
        p.chart(IdCharts.scatter(r));
      }
    }
    Map<String, String> facts = new LinkedHashMap<>();
    facts.put("model", r.model());
    facts.put("weights fingerprint", r.modelFingerprint());
    facts.put("config hash", r.configHash());
    facts.put("IDs fingerprint", r.idsFingerprint());
    facts.put("layers", r.layers().toString());
    p.settings(r.provenance(), r.config(), facts);
    return p;
  }
}
