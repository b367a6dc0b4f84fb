package io.github.vlmlens.spatial.real;

import io.github.vlmlens.core.HookPoint;
import io.github.vlmlens.core.HookedVlm;
import io.github.vlmlens.core.Positions;
import io.github.vlmlens.core.PromptFormat;
import io.github.vlmlens.core.RgbImage;
import io.github.vlmlens.core.RunRequest;
import io.github.vlmlens.core.RunResult;
import io.github.vlmlens.core.RunSpec;
import io.github.vlmlens.core.Tokenization;
import io.github.vlmlens.core.VlmInput;
import io.github.vlmlens.core.analysis.ExperimentPlan;
import io.github.vlmlens.core.analysis.Provenance;
import io.github.vlmlens.core.analysis.Vectors;
import io.github.vlmlens.spatial.ids.SpatialIds;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;

/**
 * Per sample: the image+text run (reading both answer words where they are single tokens) and
 * the text-only run, both capturing {@code lm.L.resid_post} at the two object words; the
 * extracted coordinates are the difference of the two runs along {@code h_L} and {@code v_L}.
 */
final class IdReadoutPlan<A> extends SamplePlan<IdReadout, A> {
  private final String experiment;
  private final HookedVlm vlm;
  private final SpatialIds ids;
  private final List<Integer> layers;
  private final boolean readAnswers;
  private final IdGeometry geometry;

  /** A plan. */
  public IdReadoutPlan(
      String experiment, HookedVlm vlm, SpatialIds ids, RealConfig config, List<Integer> layers,
      List<RealSample> samples, int batch, boolean readAnswers, BiFunction<List<IdReadout>, Provenance, A> aggregate) {
    super(config, samples, batch, aggregate);
    this.experiment = experiment;
    this.vlm = vlm;
    this.ids = ids;
    this.layers = layers;
    this.readAnswers = readAnswers;
    this.geometry = new IdGeometry(ids, layers);
  }

  @Override
  public String experiment() {
    return experiment;
  }

  @Override
  public Object configuration() {
    Map<String, Object> c = new LinkedHashMap<>();
    c.put("config", config);
    c.put("layers", layers);
    c.put("idsModel", ids.model());
    c.put("idsFingerprint", ids.fingerprint());
    c.put("readAnswers", readAnswers);
    return c;
  }





  @Override
  public Class<IdReadout> recordType() {
    return IdReadout.class;
  }

  @Override
  public List<IdReadout> run(List<RealSample> group) {
    PromptFormat format = vlm.promptFormat();
    List<RunRequest> requests = new ArrayList<>();
    List<int[]> pos = new ArrayList<>();
    List<int[]> size = new ArrayList<>();
    for (RealSample s : group) {
      RgbImage img = SampleInputs.image(s);
      size.add(new int[] {img.width(), img.height()});
      VlmInput x = format.input(img, s.question());
      VlmInput t = VlmInput.text(format.textOnlyPrompt(s.question()));
      int[] px = SampleInputs.objectPositions(s, vlm.tokenize(x));
      int[] pt = SampleInputs.objectPositions(s, vlm.tokenize(t));
      pos.add(px);
      pos.add(pt);
      RunSpec.Builder bx = RunSpec.builder().logits(RunSpec.LogitsMode.NONE);
      RunSpec.Builder bt = RunSpec.builder().logits(RunSpec.LogitsMode.NONE);
      for (int l : layers) {
        bx.capture(HookPoint.lmResid(l), Positions.of(px));
        bt.capture(HookPoint.lmResid(l), Positions.of(pt));
      }
      if (readAnswers) {
        bx.readWords(first(s), second(s));
      }
      requests.add(RunRequest.of(x, bx.build()));
      requests.add(RunRequest.of(t, bt.build()));
    }
    List<RunResult> rs = SampleInputs.runAll(vlm, requests, batch);
    List<IdReadout> out = new ArrayList<>();
    for (int k = 0; k < group.size(); k++) {
      RealSample s = group.get(k);
      RunResult rx = rs.get(2 * k);
      RunResult rt = rs.get(2 * k + 1);
      int[] px = pos.get(2 * k);
      int[] pt = pos.get(2 * k + 1);
      int[] wh = size.get(k);
      double[] uvS = s.subjectBox() == null ? null : config.gridPoint(s.subjectBox(), wh[0], wh[1], geometry.gridSize());
      double[] uvO = s.objectBox() == null ? null : config.gridPoint(s.objectBox(), wh[0], wh[1], geometry.gridSize());
      List<IdReadout.Layer> ls = new ArrayList<>();
      for (int l : layers) {
        HookPoint hp = HookPoint.lmResid(l);
        double[] phiS = Vectors.subtract(Vectors.of(rx.cache().vector(hp, px[0])), Vectors.of(rt.cache().vector(hp, pt[0])));
        double[] phiO = Vectors.subtract(Vectors.of(rx.cache().vector(hp, px[1])), Vectors.of(rt.cache().vector(hp, pt[1])));
        double[] h = geometry.horizontal(l);
        double[] v = geometry.vertical(l);
        ls.add(new IdReadout.Layer(l,
            RealFormulas.coordinate(phiS, h), RealFormulas.coordinate(phiO, h),
            RealFormulas.coordinate(phiS, v), RealFormulas.coordinate(phiO, v),
            uvS == null ? Double.NaN : geometry.gtH(l, uvS), uvO == null ? Double.NaN : geometry.gtH(l, uvO),
            uvS == null ? Double.NaN : geometry.gtV(l, uvS), uvO == null ? Double.NaN : geometry.gtV(l, uvO)));
      }
      double lf = readAnswers ? rx.logProb(first(s)) : Double.NaN;
      double ls2 = readAnswers ? rx.logProb(second(s)) : Double.NaN;
      out.add(new IdReadout(s.id(), s.relation(), first(s), second(s), lf, ls2, fingerprint(s), ls));
    }
    return out;
  }



}
