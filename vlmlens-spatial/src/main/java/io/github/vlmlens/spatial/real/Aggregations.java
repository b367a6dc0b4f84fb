package io.github.vlmlens.spatial.real;

import io.github.vlmlens.core.analysis.Estimate;
import io.github.vlmlens.core.analysis.Provenance;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.commons.math3.stat.inference.WilcoxonSignedRankTest;

/** The aggregations of the real-image analyses and the claims their tests support. */
final class Aggregations {
  /** The smallest group a test is run on. */
  public static final int MIN_GROUP = 5;

  private Aggregations() {}

  /** The ID deviation margin by layer. */
  public static IdMarginResult idMargin(
      String model, List<Integer> layers, RealConfig cfg, List<IdReadout> rs, Provenance p) {
    List<IdMarginResult.Layer> out = new ArrayList<>();
    List<String> claims = new ArrayList<>();
    List<String> warnings = new ArrayList<>();
    long answered = rs.stream().filter(IdReadout::answered).count();
    long correct = rs.stream().filter(IdReadout::correct).count();
    double bonferroni = cfg.alpha() / layers.size();
    for (int l : layers) {
      List<Double> mc = new ArrayList<>();
      List<Double> mw = new ArrayList<>();
      List<Double> ac = new ArrayList<>();
      List<Double> aw = new ArrayList<>();
      int readout = 0;
      for (IdReadout r : rs) {
        IdReadout.Layer c = r.at(l);
        boolean h = r.relation().axis() == Relation.Axis.HORIZONTAL;
        double es = h ? c.extSubjectH() : c.extSubjectV();
        double eo = h ? c.extObjectH() : c.extObjectV();
        double gs = h ? c.gtSubjectH() : c.gtSubjectV();
        double go = h ? c.gtObjectH() : c.gtObjectV();
        double gap = es - eo;
        if (r.relation().isFirst() ? gap < 0 : gap > 0) {
          readout++;
        }
        double margin = RealFormulas.idMargin(es, eo, gs, go);
        if (Double.isNaN(margin) || !r.answered()) {
          continue;
        }
        double aligned = Math.signum(gs - go) * margin;
        (r.correct() ? mc : mw).add(margin);
        (r.correct() ? ac : aw).add(aligned);
      }
      MannWhitney tm = test(mc, mw);
      MannWhitney ta = test(ac, aw);
      out.add(new IdMarginResult.Layer(l, mean(mc), mean(mw), mean(ac), mean(aw), tm, ta,
          rs.isEmpty() ? Double.NaN : (double) readout / rs.size()));
      if (tm != null && tm.pTwoSided() < bonferroni) {
        claims.add(String.format(Locale.ROOT,
            "layer %d: the ID deviation margins of correct answers (mean %.3f) differ from those of wrong answers (mean %.3f): Mann-Whitney %s; significant at alpha %.3g / %d layers (Bonferroni)",
            l, mean(mc), mean(mw), tm.describe(), cfg.alpha(), layers.size()));
      }
      if (ta != null && ta.pTwoSided() < bonferroni) {
        claims.add(String.format(Locale.ROOT,
            "layer %d: the aligned margins (sign(eps_gt) * margin) of correct answers (mean %.3f) differ from wrong ones (mean %.3f): Mann-Whitney %s; Bonferroni over %d layers",
            l, mean(ac), mean(aw), ta.describe(), layers.size()));
      }
    }
    if (claims.isEmpty()) {
      claims.add("no layer: no Mann-Whitney test of margins (correct vs wrong) is significant at alpha "
          + cfg.alpha() + " / " + layers.size() + " layers (Bonferroni), or a group has fewer than " + MIN_GROUP
          + " samples; the margins do not distinguish correct from wrong answers here");
    }
    if (answered < rs.size()) {
      warnings.add((rs.size() - answered) + " samples have no answer read (answer words not single tokens)");
    }
    long noBox = rs.stream().filter(r -> !r.layers().isEmpty() && Double.isNaN(r.layers().get(0).gtSubjectH())).count();
    if (noBox > 0) {
      warnings.add(noBox + " samples have no boxes and no margin");
    }
    if (correct < MIN_GROUP || answered - correct < MIN_GROUP) {
      warnings.add("too few samples for the tests: " + correct + " correct and " + (answered - correct)
          + " wrong (each group needs " + MIN_GROUP + ")");
    }
    return new IdMarginResult(p.model().name(), rs.size(), answered == 0 ? Double.NaN : (double) correct / answered, out,
        claims, warnings, rs, p);
  }

  /** Depth read through the vertical IDs. */
  public static DepthResult depth(
      List<Integer> layers, RealConfig cfg, List<RealSample> samples, List<IdReadout> rs, String accuracyNote,
      Provenance p) {
    Map<String, RealSample> byId = new HashMap<>();
    for (RealSample s : samples) {
      byId.put(s.id(), s);
    }
    List<Double> bf = new ArrayList<>();
    List<Double> bb = new ArrayList<>();
    for (IdReadout r : rs) {
      RealSample s = byId.get(r.id());
      if (s != null && s.hasBoxes()) {
        (r.relation() == Relation.FRONT ? bf : bb).add(s.subjectBox().centerY() - s.objectBox().centerY());
      }
    }
    MannWhitney box = test(bf, bb);
    double bonferroni = cfg.alpha() / layers.size();
    List<DepthResult.Layer> out = new ArrayList<>();
    List<String> diagnosis = new ArrayList<>();
    List<String> warnings = new ArrayList<>();
    for (int l : layers) {
      List<Double> vf = new ArrayList<>();
      List<Double> vb = new ArrayList<>();
      List<Double> hf = new ArrayList<>();
      List<Double> hb = new ArrayList<>();
      for (IdReadout r : rs) {
        IdReadout.Layer c = r.at(l);
        boolean front = r.relation() == Relation.FRONT;
        (front ? vf : vb).add(c.extSubjectV() - c.extObjectV());
        (front ? hf : hb).add(c.extSubjectH() - c.extObjectH());
      }
      MannWhitney tv = test(vf, vb);
      out.add(new DepthResult.Layer(l, mean(vf), mean(vb), tv, test(hf, hb)));
      if (tv != null && tv.pTwoSided() < bonferroni) {
        diagnosis.add(String.format(Locale.ROOT,
            "layer %d: the vertical ID gap separates front from behind (front subjects mean %.3f, behind %.3f, %s along v_L): Mann-Whitney %s; Bonferroni over %d layers",
            l, mean(vf), mean(vb), mean(vf) > mean(vb) ? "front lower" : "front higher", tv.describe(), layers.size()));
      }
    }
    if (diagnosis.isEmpty()) {
      diagnosis.add("no layer: the vertical ID gap does not separate front from behind at alpha " + cfg.alpha()
          + " / " + layers.size() + " layers (Bonferroni), or a group has fewer than " + MIN_GROUP
          + " samples; no evidence that depth is read through the vertical IDs");
    } else if (box != null && box.pTwoSided() < cfg.alpha()) {
      diagnosis.add(String.format(Locale.ROOT,
          "the boxes themselves separate front from behind (subject-minus-object centre height, Mann-Whitney %s): the vertical IDs may carry image height rather than depth",
          box.describe()));
    } else if (box != null) {
      diagnosis.add("the boxes' heights do not separate front from behind (Mann-Whitney " + box.describe()
          + "), so the vertical ID gap is not explained by where the objects sit in the image");
    }
    long nf = rs.stream().filter(r -> r.relation() == Relation.FRONT).count();
    long answered = rs.stream().filter(IdReadout::answered).count();
    long correct = rs.stream().filter(IdReadout::correct).count();
    double acc = answered == 0 ? Double.NaN : (double) correct / answered;
    if (nf < MIN_GROUP || rs.size() - nf < MIN_GROUP) {
      warnings.add("too few samples: " + nf + " front and " + (rs.size() - nf) + " behind (each needs " + MIN_GROUP + ")");
    }
    return new DepthResult(p.model().name(), rs.size(), (int) nf, acc, accuracyNote, box, out, diagnosis, warnings, rs, p);
  }

  /** Bounding-box sensitivity and its reading. */
  public static SensitivityResult sensitivity(RealConfig cfg, List<SensitivityResult.Sample> rs, Provenance p) {
    List<Double> c = new ArrayList<>();
    List<Double> w = new ArrayList<>();
    double mass = 0;
    for (SensitivityResult.Sample r : rs) {
      (r.correct() ? c : w).add(r.sensitivity());
      mass += (r.pGt() + r.pOther()) / rs.size();
    }
    MannWhitney t = test(c, w);
    Double wz = null;
    if (w.size() >= MIN_GROUP) {
      double[] x = w.stream().mapToDouble(Double::doubleValue).toArray();
      if (Arrays.stream(x).anyMatch(v -> v != 0)) {
        wz = new WilcoxonSignedRankTest().wilcoxonSignedRankTest(x, new double[x.length], x.length <= 30);
      }
    }
    List<String> reading = new ArrayList<>();
    List<String> warnings = new ArrayList<>();
    if (t == null) {
      reading.add(String.format(Locale.ROOT,
          "no reading: %d correct and %d wrong samples; the test needs at least %d in each group", c.size(), w.size(), MIN_GROUP));
    } else if (t.pGreater() < cfg.alpha()) {
      reading.add(String.format(Locale.ROOT,
          "correct answers come with a higher sensitivity to the object's box than wrong ones (mean %.4f vs %.4f; one-sided Mann-Whitney correct > wrong: %s): where the model fails it is less sensitive to blurring the object than to blurring random regions; the paper reads this as a bad vision encoder (LLaVA-1.5-7B: p < 1e-4)",
          mean(c), mean(w), t.describe()));
    } else if (wz != null && wz < cfg.alpha() && mean(w) > 0) {
      reading.add(String.format(Locale.ROOT,
          "wrong answers are not less sensitive to the object's box than correct ones (one-sided Mann-Whitney correct > wrong: %s), and the wrong samples are sensitive to it (mean %.4f > 0, Wilcoxon signed-rank p = %.3g, n = %d): the encoder picks up the object even when the answer is wrong; the paper reads this as a bad cross-modal transfer of spatial information (Llama-3.2-11B-Vision: p = 0.53)",
          t.describe(), mean(w), wz, w.size()));
    } else {
      reading.add(String.format(Locale.ROOT,
          "no reading: correct answers are not shown more sensitive than wrong ones (one-sided Mann-Whitney: %s) and the wrong samples' sensitivity is not shown above 0 (%s)",
          t.describe(), wz == null ? "too few wrong samples or all zero" : String.format(Locale.ROOT, "mean %.4f, Wilcoxon p = %.3g, n = %d", mean(w), wz, w.size())));
    }
    if (!rs.isEmpty() && mass < 0.5) {
      warnings.add(String.format(Locale.ROOT, "little probability on the answer words: mean P(GT) + P(other) = %.3f < 0.5", mass));
    }
    return new SensitivityResult(p.model().name(), rs.size(), rs.isEmpty() ? Double.NaN : (double) c.size() / rs.size(),
        mean(c), mean(w), t, wz, reading, warnings, rs, p);
  }

  /** Steering and ID readout accuracy against steerability by layer. */
  public static RealSteeringResult steering(
      String idsModel, List<Integer> layers, RealConfig cfg, boolean generated, String generationNote,
      List<RealSteeringResult.Sample> rs, Provenance p) {
    List<RealSteeringResult.Layer> out = new ArrayList<>();
    List<String> claims = new ArrayList<>();
    List<String> warnings = new ArrayList<>();
    double[] readout = new double[layers.size()];
    double[] steer = new double[layers.size()];
    for (int li = 0; li < layers.size(); li++) {
      int l = layers.get(li);
      double[] si = new double[rs.size()];
      double[] sn = new double[rs.size()];
      int gi = 0;
      int gn = 0;
      int ro = 0;
      for (int k = 0; k < rs.size(); k++) {
        RealSteeringResult.Sample s = rs.get(k);
        RealSteeringResult.LayerRecord r = s.layers().get(li);
        boolean b0 = s.belief() >= 0;
        si[k] = (r.beliefIds() >= 0) != b0 ? 1 : 0;
        sn[k] = (r.beliefNoise() >= 0) != b0 ? 1 : 0;
        if (generated) {
          gi += swappedText(s, r.generatedIds()) ? 1 : 0;
          gn += swappedText(s, r.generatedNoise()) ? 1 : 0;
        }
        if (s.relation().isFirst() ? r.extractedGap() < 0 : r.extractedGap() > 0) {
          ro++;
        }
      }
      Estimate ei = Estimate.of(si, cfg.bootstrapResamples(), 0.95, cfg.seed() + l);
      Estimate en = Estimate.of(sn, cfg.bootstrapResamples(), 0.95, cfg.seed() + 7919L * (l + 1));
      double n = rs.size();
      out.add(new RealSteeringResult.Layer(l, ei, en, generated ? gi / n : Double.NaN, generated ? gn / n : Double.NaN, ro / n));
      readout[li] = ro / n;
      steer[li] = ei.mean() - en.mean();
      if (ei.lower() > en.upper()) {
        claims.add(String.format(Locale.ROOT,
            "layer %d: steering with the IDs swaps %.0f%% of beliefs [%.0f, %.0f] against %.0f%% [%.0f, %.0f] with same-norm noise (95%% bootstrap intervals disjoint, n = %d)%s",
            l, 100 * ei.mean(), 100 * ei.lower(), 100 * ei.upper(), 100 * en.mean(), 100 * en.lower(), 100 * en.upper(),
            rs.size(), generated ? String.format(Locale.ROOT, "; by the generated answer %.0f%% vs %.0f%%", 100.0 * gi / n, 100.0 * gn / n) : ""));
      }
    }
    if (claims.isEmpty()) {
      claims.add("no layer: the IDs' swap rate is not above the noise control's (95% bootstrap intervals overlap everywhere)");
    }
    double rho = RealFormulas.spearman(readout, steer);
    double rhoP = RealFormulas.spearmanPermutationP(readout, steer, cfg.seed());
    if (!Double.isNaN(rhoP) && rhoP < cfg.alpha()) {
      claims.add(String.format(Locale.ROOT,
          "across layers, the ID readout accuracy rises with steerability (Spearman rho = %.2f, one-sided permutation p = %.3g, %d layers)",
          rho, rhoP, layers.size()));
    } else {
      claims.add(String.format(Locale.ROOT,
          "across layers, no significant rank correlation of ID readout accuracy with steerability (Spearman rho = %.2f, one-sided permutation p = %s, %d layers)",
          rho, Double.isNaN(rhoP) ? "n/a" : String.format(Locale.ROOT, "%.3g", rhoP), layers.size()));
    }
    if (rs.size() < 10) {
      warnings.add("only " + rs.size() + " samples: the intervals are wide");
    }
    long correct = rs.stream().filter(RealSteeringResult.Sample::correct).count();
    return new RealSteeringResult(p.model().name(), idsModel, rs.size(), rs.isEmpty() ? Double.NaN : (double) correct / rs.size(),
        out, rho, rhoP, generationNote, claims, warnings, rs, p);
  }

  /** Whether a steered generation moved from the unsteered answer to the other answer word. */
  static boolean swappedText(RealSteeringResult.Sample s, String steered) {
    String before = firstWord(s.generated());
    String after = firstWord(steered);
    String a = s.first().toLowerCase(Locale.ROOT);
    String b = s.second().toLowerCase(Locale.ROOT);
    return (after.equals(a) || after.equals(b)) && !after.equals(before);
  }

  /** The first word of a text, lower case, letters only. */
  public static String firstWord(String text) {
    if (text == null) {
      return "";
    }
    for (String w : text.strip().split("[^A-Za-z]+")) {
      if (!w.isEmpty()) {
        return w.toLowerCase(Locale.ROOT);
      }
    }
    return "";
  }

  private static MannWhitney test(List<Double> a, List<Double> b) {
    if (a.size() < MIN_GROUP || b.size() < MIN_GROUP) {
      return null;
    }
    return MannWhitney.test(a.stream().mapToDouble(Double::doubleValue).toArray(), b.stream().mapToDouble(Double::doubleValue).toArray());
  }

  private static double mean(List<Double> v) {
    return v.isEmpty() ? Double.NaN : v.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
  }
}
