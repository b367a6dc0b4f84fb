package io.github.vlmlens.temporal.report;

import io.github.vlmlens.core.analysis.Estimate;
import io.github.vlmlens.core.report.HtmlPage;
import io.github.vlmlens.temporal.grid.GridResult;
import io.github.vlmlens.temporal.grid.GridResult.GridLayer;
import io.github.vlmlens.temporal.ids.TemporalIdResult;
import io.github.vlmlens.temporal.ids.TemporalIdResult.AxisFit;
import io.github.vlmlens.temporal.ids.TemporalIdResult.LayerIds;
import io.github.vlmlens.temporal.internal.Charts;
import io.github.vlmlens.temporal.internal.Charts.Series;
import io.github.vlmlens.temporal.internal.IdTables;
import io.github.vlmlens.temporal.steer.TemporalSteerResult;
import io.github.vlmlens.temporal.steer.TemporalSteerResult.LayerFlips;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;

/** The HTML pages of the temporal results. */
final class ReportPages {
  private ReportPages() {}

  /** The temporal-ID page. */
  static String ids(TemporalIdResult r) {
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
    List<Series> s = new ArrayList<>();
    s.add(new Series("principal, frame means", layers, col(r, l -> l.principal().rSquaredFrameMeans()), false));
    s.add(new Series("principal, per sample", layers, col(r, l -> l.principal().rSquaredSamples()), false));
    s.add(new Series("ordered-difference, per sample", layers,
        col(r, l -> l.orderedDifference().rSquaredSamples()), false));
    s.add(new Series("shuffled, frame means", layers, col(r, l -> l.principal().rSquaredFrameMeansShuffled()), true));
    s.add(new Series("shuffled, per sample", layers, col(r, l -> l.principal().rSquaredSamplesShuffled()), true));
    h.chart(Charts.lines("R^2 of the time-axis projection against the frame index", "layer (0 = embeddings)",
        "R^2", s, "0.00"));
    h.chart(Charts.lines("cosine(principal axis, ordered-difference axis)", "layer (0 = embeddings)", "cosine",
        List.of(new Series("cosine", layers, col(r, LayerIds::axisCosine), false)), "0.00"));
    h.heading("Temporal IDs projected on the principal axis");
    List<Series> coords = new ArrayList<>();
    double[] frames = IdTables.indexes(r.frames());
    for (LayerIds l : r.perLayer()) {
      coords.add(new Series("layer " + l.layer(), frames, l.principal().frameCoordinates(), false));
    }
    h.chart(Charts.lines("<TID(f), principal axis> by frame", "frame", "coordinate", coords, "0.00"));
    h.heading("Table");
    List<List<String>> rows = new ArrayList<>();
    for (LayerIds l : r.perLayer()) {
      rows.add(List.of(String.valueOf(l.layer()), fmt(l.axisCosine()),
          fits(l.principal()), fits(l.orderedDifference()), fmt(l.principal().explainedVariance())));
    }
    h.table(List.of("layer", "cos(axes)", "principal: means | samples | shuffled means | shuffled samples",
        "ordered-difference: same", "variance on principal"), rows);
    h.heading("Summary").preformatted(r.summary());
    return h.render();
  }

  /** The steering page. */
  static String steer(TemporalSteerResult r) {
    HtmlPage h = HtmlPage.titled("Temporal steering on " + r.model());
    h.paragraph(r.sampleCount() + " object-order videos; unsteered accuracy " + fmt(r.accuracy())
        + ". Both object words are moved to their mirrored frames: o's word gets TID_L(F-1-f) - TID_L(f)"
        + " added at lm.L.resid_post (" + (r.config().scaling().name().toLowerCase(Locale.ROOT))
        + " scaling, alpha " + r.config().alpha() + "). The control adds random directions of the same norms ("
        + r.config().noiseDraws() + " per run). A belief flips when log P(before) - log P(after) changes sign."
        + " Temporal IDs from model " + r.idsModel() + ".");
    double[] layers = IdTables.asDoubles(r.layers().stream().mapToInt(Integer::intValue).toArray());
    List<Series> s = new ArrayList<>();
    s.add(new Series("temporal IDs", layers, flips(r, l -> l.withIds().mean()), false));
    s.add(new Series("IDs, interval low", layers, flips(r, l -> l.withIds().lower()), true));
    s.add(new Series("IDs, interval high", layers, flips(r, l -> l.withIds().upper()), true));
    s.add(new Series("same-norm noise", layers, flips(r, l -> l.withNoise().mean()), false));
    s.add(new Series("noise, interval low", layers, flips(r, l -> l.withNoise().lower()), true));
    s.add(new Series("noise, interval high", layers, flips(r, l -> l.withNoise().upper()), true));
    h.chart(Charts.lines("% beliefs flipped by layer", "layer (0 = embeddings)", "% flipped", s, "0"));
    List<List<String>> rows = new ArrayList<>();
    for (LayerFlips l : r.perLayer()) {
      rows.add(List.of(String.valueOf(l.layer()), pct(l.withIds()), pct(l.withNoise()), fmt(l.meanAddedNorm())));
    }
    h.table(List.of("layer", "% flipped, IDs", "% flipped, noise", "mean norm added"), rows);
    h.heading("Summary").preformatted(r.summary());
    return h.render();
  }

  /** The spatiotemporal-grid page. */
  static String grid(GridResult r) {
    HtmlPage h = HtmlPage.titled("Spatiotemporal grid on " + r.model());
    h.paragraph(r.sampleCount() + " videos: the subject in each of " + r.config().columns() + " columns and each frame"
        + " but the anchor's, pairs " + r.config().pairs() + ". Spatial axis 1/(F C(m,2)) sum_f sum_{c1>c2}"
        + " [ID(c1,f) - ID(c2,f)]; temporal axis 1/(m C(F,2)) sum_c sum_{f1>f2} [ID(c,f1) - ID(c,f2)]; the IDs"
        + " are projected on the Gram-Schmidt basis of [spatial, temporal]: x = spatial coordinate, y ="
        + " temporal coordinate.");
    double[] layers = IdTables.asDoubles(r.layers().stream().mapToInt(Integer::intValue).toArray());
    h.chart(Charts.lines("cosine(spatial axis, temporal axis)", "layer (0 = embeddings)", "cosine",
        List.of(new Series("cosine", layers, gcol(r, GridLayer::axisCosine), false)), "0.00"));
    List<Series> s = new ArrayList<>();
    s.add(new Series("x vs column, cell means", layers, gcol(r, l -> l.spatial().cellMeans()), false));
    s.add(new Series("y vs frame, cell means", layers, gcol(r, l -> l.temporal().cellMeans()), false));
    s.add(new Series("x vs column, per sample", layers, gcol(r, l -> l.spatial().samples()), false));
    s.add(new Series("y vs frame, per sample", layers, gcol(r, l -> l.temporal().samples()), false));
    s.add(new Series("shuffled x, cell means", layers, gcol(r, l -> l.spatial().cellMeansShuffled()), true));
    s.add(new Series("shuffled y, cell means", layers, gcol(r, l -> l.temporal().cellMeansShuffled()), true));
    h.chart(Charts.lines("R^2 of the projected coordinates", "layer (0 = embeddings)", "R^2", s, "0.00"));
    for (GridLayer l : r.perLayer()) {
      h.heading("Layer " + l.layer() + " (cos " + fmt(l.axisCosine()) + ")");
      h.chart(Charts.grid("projected ID grid, layer " + l.layer(), "spatial coordinate", "temporal coordinate",
          l.x(), l.y()));
    }
    h.heading("Summary").preformatted(r.summary());
    return h.render();
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

  private static double[] flips(TemporalSteerResult r, ToDoubleFunction<LayerFlips> f) {
    return r.perLayer().stream().mapToDouble(f).toArray();
  }

  private static double[] gcol(GridResult r, ToDoubleFunction<GridLayer> f) {
    return r.perLayer().stream().mapToDouble(f).toArray();
  }
}
