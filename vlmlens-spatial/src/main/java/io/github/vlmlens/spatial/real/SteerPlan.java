package io.github.vlmlens.spatial.real;

import io.github.vlmlens.core.ActivationCache;
import io.github.vlmlens.core.GenerateSpec;
import io.github.vlmlens.core.HookPoint;
import io.github.vlmlens.core.HookedVlm;
import io.github.vlmlens.core.Intervention;
import io.github.vlmlens.core.Positions;
import io.github.vlmlens.core.PromptFormat;
import io.github.vlmlens.core.RgbImage;
import io.github.vlmlens.core.RunRequest;
import io.github.vlmlens.core.RunResult;
import io.github.vlmlens.core.RunSpec;
import io.github.vlmlens.core.VlmInput;
import io.github.vlmlens.core.analysis.ExperimentPlan;
import io.github.vlmlens.core.analysis.Provenance;
import io.github.vlmlens.core.analysis.Vectors;
import io.github.vlmlens.spatial.ids.SpatialIds;
import io.github.vlmlens.spatial.scene.GridCell;
import io.github.vlmlens.spatial.scene.QuestionAxis;
import io.github.vlmlens.spatial.steer.internal.SteeringVectors;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;

/**
 * Per sample: the unsteered run (answer words, {@code lm.L.resid_post} at every position for
 * every layer) and the text-only run (object words); then per layer an adversarial push with the
 * IDs (the subject toward the side opposite the model's belief, the object the other way, each
 * rescaled to {@code k} times its activation's norm) and the same-norm noise control, each
 * resumed from the cache at its layer; where the model generates, the greedy answers unsteered
 * and under both pushes.
 */
final class SteerPlan extends SamplePlan<RealSteeringResult.Sample, RealSteeringResult> {
  private final HookedVlm vlm;
  private final SpatialIds ids;
  private final List<Integer> layers;
  private final boolean generate;

  /** A plan; {@code generate} says whether to judge by generation. */
  public SteerPlan(
      HookedVlm vlm, SpatialIds ids, RealConfig config, List<Integer> layers, List<RealSample> samples, int batch,
      boolean generate, BiFunction<List<RealSteeringResult.Sample>, Provenance, RealSteeringResult> aggregate) {
    super(config, samples, batch, aggregate);
    this.vlm = vlm;
    this.ids = ids;
    this.layers = layers;
    this.generate = generate;
  }

  @Override
  public String experiment() {
    return "real-steering";
  }

  @Override
  public Object configuration() {
    Map<String, Object> c = new LinkedHashMap<>();
    c.put("config", config);
    c.put("layers", layers);
    c.put("idsModel", ids.model());
    c.put("idsFingerprint", ids.fingerprint());
    c.put("generate", generate);
    return c;
  }





  @Override
  public Class<RealSteeringResult.Sample> recordType() {
    return RealSteeringResult.Sample.class;
  }

  @Override
  public List<RealSteeringResult.Sample> run(List<RealSample> group) {
    PromptFormat format = vlm.promptFormat();
    List<RunRequest> base = new ArrayList<>();
    List<VlmInput> inputs = new ArrayList<>();
    List<int[]> pos = new ArrayList<>();
    List<GridCell[]> cells = new ArrayList<>();
    int m = ids.grid().gridSize();
    for (RealSample s : group) {
      if (s.relation().axis() == Relation.Axis.DEPTH) {
        throw new IllegalArgumentException(s.source() + ": steering with spatial IDs asks left/right or above/below questions");
      }
      if (!s.hasBoxes()) {
        throw new IllegalArgumentException(s.source() + ": steering needs both boxes (to place the objects on the ID grid)");
      }
      RgbImage img = SampleInputs.image(s);
      cells.add(new GridCell[] {
          cell(config.gridPoint(s.subjectBox(), img.width(), img.height(), m), m),
          cell(config.gridPoint(s.objectBox(), img.width(), img.height(), m), m)});
      VlmInput x = format.input(img, s.question());
      VlmInput t = VlmInput.text(format.textOnlyPrompt(s.question()));
      int[] px = SampleInputs.objectPositions(s, vlm.tokenize(x));
      int[] pt = SampleInputs.objectPositions(s, vlm.tokenize(t));
      pos.add(px);
      pos.add(pt);
      inputs.add(x);
      RunSpec.Builder bx = RunSpec.builder().readWords(first(s), second(s)).logits(RunSpec.LogitsMode.NONE);
      RunSpec.Builder bt = RunSpec.builder().logits(RunSpec.LogitsMode.NONE);
      for (int l : layers) {
        bx.capture(HookPoint.lmResid(l));
        bt.capture(HookPoint.lmResid(l), Positions.of(pt));
      }
      base.add(RunRequest.of(x, bx.build()));
      base.add(RunRequest.of(t, bt.build()));
    }
    List<RunResult> rs = SampleInputs.runAll(vlm, base, batch);
    List<RunRequest> steered = new ArrayList<>();
    List<List<Intervention[]>> pushes = new ArrayList<>();
    double[] beliefs = new double[group.size()];
    for (int k = 0; k < group.size(); k++) {
      RealSample s = group.get(k);
      RunResult r0 = rs.get(2 * k);
      beliefs[k] = r0.logProb(first(s)) - r0.logProb(second(s));
      ActivationCache cache = r0.cache();
      int[] px = pos.get(2 * k);
      QuestionAxis axis = s.relation().axis() == Relation.Axis.HORIZONTAL ? QuestionAxis.HORIZONTAL : QuestionAxis.VERTICAL;
      boolean subjectToEnd = beliefs[k] >= 0; // believed first (left/above): push the subject right/down
      List<Intervention[]> perLayer = new ArrayList<>();
      for (int l : layers) {
        HookPoint hp = HookPoint.lmResid(l);
        double nS = Vectors.norm(Vectors.of(cache.vector(hp, px[0])));
        double nO = Vectors.norm(Vectors.of(cache.vector(hp, px[1])));
        double[] vS = SteeringVectors.scaled(
            SteeringVectors.push(ids, l, cells.get(k)[0], axis, subjectToEnd), true, config.steerScale(), nS);
        double[] vO = SteeringVectors.scaled(
            SteeringVectors.push(ids, l, cells.get(k)[1], axis, !subjectToEnd), true, config.steerScale(), nO);
        double[] zS = SteeringVectors.noise(vlm.hiddenSize(), Vectors.norm(vS), config.seed(), s.id(), l, 0);
        double[] zO = SteeringVectors.noise(vlm.hiddenSize(), Vectors.norm(vO), config.seed(), s.id(), l, 1);
        Intervention[] iv = {
          Intervention.add(hp, Positions.of(px[0]), Vectors.toFloat(vS)),
          Intervention.add(hp, Positions.of(px[1]), Vectors.toFloat(vO)),
          Intervention.add(hp, Positions.of(px[0]), Vectors.toFloat(zS)),
          Intervention.add(hp, Positions.of(px[1]), Vectors.toFloat(zO))
        };
        perLayer.add(iv);
        for (int which = 0; which < 2; which++) {
          steered.add(RunRequest.of(inputs.get(k), RunSpec.builder().resumeFrom(cache, l)
              .intervene(iv[2 * which]).intervene(iv[2 * which + 1])
              .readWords(first(s), second(s)).logits(RunSpec.LogitsMode.NONE).build()));
        }
      }
      pushes.add(perLayer);
    }
    List<RunResult> ss = SampleInputs.runAll(vlm, steered, batch);
    List<RealSteeringResult.Sample> out = new ArrayList<>();
    int q = 0;
    for (int k = 0; k < group.size(); k++) {
      RealSample s = group.get(k);
      RunResult r0 = rs.get(2 * k);
      RunResult rt = rs.get(2 * k + 1);
      int[] px = pos.get(2 * k);
      int[] pt = pos.get(2 * k + 1);
      String gen0 = generate ? generate(inputs.get(k), null) : "";
      List<RealSteeringResult.LayerRecord> lr = new ArrayList<>();
      for (int li = 0; li < layers.size(); li++) {
        int l = layers.get(li);
        HookPoint hp = HookPoint.lmResid(l);
        RunResult ri = ss.get(q++);
        RunResult rn = ss.get(q++);
        double[] axisVec = s.relation().axis() == Relation.Axis.HORIZONTAL
            ? ids.horizontalAxis(l, io.github.vlmlens.spatial.ids.AxisNormalisation.PAPER)
            : ids.verticalAxis(l, io.github.vlmlens.spatial.ids.AxisNormalisation.PAPER);
        double gS = RealFormulas.coordinate(Vectors.subtract(Vectors.of(r0.cache().vector(hp, px[0])),
            Vectors.of(rt.cache().vector(hp, pt[0]))), axisVec);
        double gO = RealFormulas.coordinate(Vectors.subtract(Vectors.of(r0.cache().vector(hp, px[1])),
            Vectors.of(rt.cache().vector(hp, pt[1]))), axisVec);
        Intervention[] iv = pushes.get(k).get(li);
        String gi = generate ? generate(inputs.get(k), new Intervention[] {iv[0], iv[1]}) : "";
        String gn = generate ? generate(inputs.get(k), new Intervention[] {iv[2], iv[3]}) : "";
        lr.add(new RealSteeringResult.LayerRecord(l,
            ri.logProb(first(s)) - ri.logProb(second(s)), rn.logProb(first(s)) - rn.logProb(second(s)), gi, gn, gS - gO));
      }
      out.add(new RealSteeringResult.Sample(s.id(), s.relation(), first(s), second(s), beliefs[k], gen0,
          SampleInputs.fingerprint(s, config.answerForm(), config.framing()), lr));
    }
    return out;
  }

  private String generate(VlmInput input, Intervention[] iv) {
    GenerateSpec.Builder b = GenerateSpec.builder().maxNewTokens(config.maxNewTokens()).greedy();
    if (iv != null) {
      for (Intervention i : iv) {
        b.intervene(i);
      }
    }
    return vlm.generate(input, b.build()).text();
  }

  private static GridCell cell(double[] uv, int m) {
    int col = Math.max(0, Math.min(m - 1, (int) Math.floor(uv[0])));
    int row = Math.max(0, Math.min(m - 1, (int) Math.floor(uv[1])));
    return GridCell.of(row, col);
  }



}
