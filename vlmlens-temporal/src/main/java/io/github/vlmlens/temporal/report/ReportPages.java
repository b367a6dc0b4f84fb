package io.github.vlmlens.temporal.report;

import io.github.vlmlens.core.analysis.Estimate;
import io.github.vlmlens.core.report.HtmlPage;
import io.github.vlmlens.core.report.Plot;
import io.github.vlmlens.temporal.grid.GridResult;
import io.github.vlmlens.temporal.grid.GridResult.GridLayer;
import io.github.vlmlens.temporal.ids.TemporalIdResult;
import io.github.vlmlens.temporal.ids.TemporalIdResult.AxisFit;
import io.github.vlmlens.temporal.ids.TemporalIdResult.LayerIds;
import io.github.vlmlens.temporal.internal.Charts;
import io.github.vlmlens.temporal.internal.IdTables;
import io.github.vlmlens.temporal.steer.TemporalSteerResult;
import io.github.vlmlens.temporal.steer.TemporalSteerResult.LayerFlips;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/** The HTML pages of the temporal results. */
final class ReportPages {
  private ReportPages() {}

  /** The temporal-ID page. */
  static HtmlPage ids(TemporalIdResult r) {
    HtmlPage h = HtmlPage.titled("Temporal IDs on " + r.model());
    h.paragraph("Model " + r.model() + " with " + r.numLayers() + " decoder blocks; layer 0 is the embedding output,"
        + " layer L the output of block L (lm.L.resid_post), read at the subject word's last sub-token. "
        + r.sampleCount() + " videos of " + r.frames() + " frames: " + r.config().pairs().size()
        + " ordered pair(s) [subject, anchor] " + r.config().pairs() + ", the anchor at each frame in turn, the"
        + " subject at every other frame, " + r.config().positionsPerFrame() + " position(s) each.");
    h.paragraph("Delta = activation minus the mean over the same pair and anchor frame; TID(f) = mean of Delta"
        + " over positions, then anchor frames, then pairs. Axes: the first principal direction of the TIDs,"
        + " and the ordered-difference axis 1/C(F,2) sum_{f1>f2} [TID(f1) - TID(f2)]. R^2: linear fit of the"
        + " projection onto each (unit) axis against the frame index, on frame means and per sample; the"
        + " baseline shuffles the frame labels within each pair and anchor frame (" + r.config().shuffles()
        + " shuffles, axes recomputed).");
    h.heading("Linearity by layer");
    double[] layers = IdTables.asDoubles(r.layers().stream().mapToInt(Integer::intValue).toArray());
    h.chart(Charts.byLayer("R^2 of the time-axis projection against the frame index", "R^2", List.of(
        Charts.line("principal, frame means", layers, col(r, l -> l.principal().rSquaredFrameMeans()), 0),
        Charts.line("principal, per sample", layers, col(r, l -> l.principal().rSquaredSamples()), 1),
        Charts.line("ordered-difference, per sample", layers, col(r, l -> l.orderedDifference().rSquaredSamples()), 2),
        Charts.dashed("shuffled, frame means", layers, col(r, l -> l.principal().rSquaredFrameMeansShuffled()), 0),
        Charts.dashed("shuffled, per sample", layers, col(r, l -> l.principal().rSquaredSamplesShuffled()), 1))));
    h.chart(Charts.byLayer("cosine(principal axis, ordered-difference axis)", "cosine",
        List.of(Charts.line("cosine", layers, col(r, LayerIds::axisCosine), 0))));
    h.heading("Temporal IDs projected on the principal axis");
    Plot coords = Plot.lines("<TID(f), principal axis> by frame", "frame", "coordinate").withIntegerX();
    double[] frames = IdTables.indexes(r.frames());
    int i = 0;
    for (LayerIds l : r.perLayer()) {
      coords = coords.with(Charts.line("layer " + l.layer(), frames, l.principal().frameCoordinates(), i++));
    }
    h.chart(coords);
    h.heading("Table");
    List<List<String>> rows = new ArrayList<>();
    for (LayerIds l : r.perLayer()) {
      rows.add(List.of(String.valueOf(l.layer()), fmt(l.axisCosine()),
          fits(l.principal()), fits(l.orderedDifference()), fmt(l.principal().explainedVariance())));
    }
    h.table(List.of("layer", "cos(axes)", "principal: means | samples | shuffled means | shuffled samples",
        "ordered-difference: same", "variance on principal"), rows);
    h.heading("Summary").preformatted(r.summary());
    return h.settings(r.provenance(), r.config(), facts(r.model(), r.configHash(), r.layers()));
  }

  /** The steering page. */
  static HtmlPage steer(TemporalSteerResult r) {
    HtmlPage h = HtmlPage.titled("Temporal steering on " + r.model());
    h.paragraph(r.sampleCount() + " object-order videos; unsteered accuracy " + fmt(r.accuracy())
        + ". Both object words are moved to their mirrored frames: o's word gets TID_L(F-1-f) - TID_L(f)"
        + " added at lm.L.resid_post (" + (r.config().scaling().name().toLowerCase(Locale.ROOT))
        + " scaling, alpha " + r.config().alpha() + "). The control adds random directions of the same norms ("
        + r.config().noiseDraws() + " per run). A belief flips when log P(before) - log P(after) changes sign."
        + " Temporal IDs from model " + r.idsModel() + ".");
    flips(h, r.layers(), r.perLayer());
    h.heading("Summary").preformatted(r.summary());
    Map<String, String> facts = facts(r.model(), r.configHash(), r.layers());
    facts.put("temporal IDs from", r.idsModel());
    return h.settings(r.provenance(), r.config(), facts);
  }

  /** The % of beliefs flipped by layer with the IDs and with noise: a chart with shaded intervals and a table. */
  static void flips(HtmlPage h, List<Integer> layerList, List<LayerFlips> perLayer) {
    double[] layers = IdTables.asDoubles(layerList.stream().mapToInt(Integer::intValue).toArray());
    h.chart(Charts.byLayer("% beliefs flipped by layer (shaded: intervals)", "% flipped", List.of(
        Charts.line("temporal IDs", layers, column(perLayer, l -> l.withIds().mean()), 0)
            .withBand(column(perLayer, l -> l.withIds().lower()), column(perLayer, l -> l.withIds().upper())),
        Charts.line("same-norm noise", layers, column(perLayer, l -> l.withNoise().mean()), 3)
            .withBand(column(perLayer, l -> l.withNoise().lower()), column(perLayer, l -> l.withNoise().upper())))));
    List<List<String>> rows = new ArrayList<>();
    for (LayerFlips l : perLayer) {
      rows.add(List.of(String.valueOf(l.layer()), pct(l.withIds()), pct(l.withNoise()), fmt(l.meanAddedNorm())));
    }
    h.table(List.of("layer", "% flipped, IDs", "% flipped, noise", "mean norm added"), rows);
  }

  private static double[] column(List<LayerFlips> perLayer, ToDoubleFunction<LayerFlips> f) {
    return perLayer.stream().mapToDouble(f).toArray();
  }

  /** The spatiotemporal-grid page. */
  static HtmlPage grid(GridResult r) {
    HtmlPage h = HtmlPage.titled("Spatiotemporal grid on " + r.model());
    h.paragraph(r.sampleCount() + " videos: the subject in each of " + r.config().columns() + " columns and each frame"
        + " but the anchor's, pairs " + r.config().pairs() + ". Spatial axis 1/(F C(m,2)) sum_f sum_{c1>c2}"
        + " [ID(c1,f) - ID(c2,f)]; temporal axis 1/(m C(F,2)) sum_c sum_{f1>f2} [ID(c,f1) - ID(c,f2)]; the IDs"
        + " are projected on the Gram-Schmidt basis of [spatial, temporal]: x = spatial coordinate, y ="
        + " temporal coordinate.");
    double[] layers = IdTables.asDoubles(r.layers().stream().mapToInt(Integer::intValue).toArray());
    h.chart(Charts.byLayer("cosine(spatial axis, temporal axis)", "cosine",
        List.of(Charts.line("cosine", layers, gcol(r, GridLayer::axisCosine), 0))));
    h.chart(Charts.byLayer("R^2 of the projected coordinates", "R^2", List.of(
        Charts.line("x vs column, cell means", layers, gcol(r, l -> l.spatial().cellMeans()), 0),
        Charts.line("y vs frame, cell means", layers, gcol(r, l -> l.temporal().cellMeans()), 1),
        Charts.line("x vs column, per sample", layers, gcol(r, l -> l.spatial().samples()), 2),
        Charts.line("y vs frame, per sample", layers, gcol(r, l -> l.temporal().samples()), 4),
        Charts.dashed("shuffled x, cell means", layers, gcol(r, l -> l.spatial().cellMeansShuffled()), 0),
        Charts.dashed("shuffled y, cell means", layers, gcol(r, l -> l.temporal().cellMeansShuffled()), 1))));
    for (GridLayer l : r.perLayer()) {
      h.heading("Layer " + l.layer() + " (cos " + fmt(l.axisCosine()) + ")");
      h.chart(Charts.grid("projected ID grid, layer " + l.layer(), "spatial coordinate", "temporal coordinate",
          l.x(), l.y()));
    }
    h.heading("Summary").preformatted(r.summary());
    return h.settings(r.provenance(), r.config(), facts(r.model(), r.configHash(), r.layers()));
  }

  private static Map<String, String> facts(String model, String configHash, List<Integer> layers) {
    Map<String, String> facts = new LinkedHashMap<>();
    facts.put("model", model);
    facts.put("config hash", configHash);
    facts.put("layers", layers.toString());
    return facts;
  }

  private static String fits(AxisFit a) {
    return fmt(a.rSquaredFrameMeans()) + " | " + fmt(a.rSquaredSamples()) + " | "
        + fmt(a.rSquaredFrameMeansShuffled()) + " | " + fmt(a.rSquaredSamplesShuffled());
  }

  private static String pct(Estimate e) {
    return e.n() == 0 ? "-" : String.format(Locale.ROOT, "%.1f [%.1f, %.1f]", e.mean(), e.lower(), e.upper());
  }

  private static String fmt(double v) {
    return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%.3f", v);
  }

  private static double[] col(TemporalIdResult r, ToDoubleFunction<LayerIds> f) {
    return r.perLayer().stream().mapToDouble(f).toArray();
  }

  private static double[] gcol(GridResult r, ToDoubleFunction<GridLayer> f) {
    return r.perLayer().stream().mapToDouble(f).toArray();
  }
}
