package io.github.vlmlens.spatial.real;

import io.github.vlmlens.core.HookedVlm;
import io.github.vlmlens.core.PromptFormat;
import io.github.vlmlens.core.RgbImage;
import io.github.vlmlens.core.RunRequest;
import io.github.vlmlens.core.RunResult;
import io.github.vlmlens.core.RunSpec;
import io.github.vlmlens.core.analysis.ExperimentPlan;
import io.github.vlmlens.core.analysis.Provenance;
import io.github.vlmlens.spatial.scene.ImageTransforms;
import io.github.vlmlens.spatial.scene.PixelBox;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;

/**
 * Per sample: P(GT) on the image, with the subject's box blurred, and with each of {@code R}
 * random boxes of the same size (avoiding both objects) blurred; the random boxes are drawn from a
 * seed mixed from the config's seed and the sample id, so they are the same on every run.
 */
final class SensitivityPlan extends SamplePlan<SensitivityResult.Sample, SensitivityResult> {
  private final HookedVlm vlm;

  /** A plan. */
  public SensitivityPlan(
      HookedVlm vlm, RealConfig config, List<RealSample> samples, int batch,
      BiFunction<List<SensitivityResult.Sample>, Provenance, SensitivityResult> aggregate) {
    super(config, samples, batch, aggregate);
    this.vlm = vlm;
  }

  /** The seed of a sample's random boxes. */
  public static long boxSeed(long seed, String id) {
    return seed * 0x9E3779B97F4A7C15L + id.hashCode();
  }

  /** The whole-pixel box a blur covers: the box's pixels, rounded outward. */
  public static PixelBox pixels(ObjectBox b) {
    int x0 = (int) Math.floor(b.x());
    int y0 = (int) Math.floor(b.y());
    int x1 = (int) Math.ceil(b.x() + b.width());
    int y1 = (int) Math.ceil(b.y() + b.height());
    return PixelBox.of(x0, y0, Math.max(1, x1 - x0), Math.max(1, y1 - y0));
  }

  @Override
  public String experiment() {
    return "bbox-sensitivity";
  }

  @Override
  public Object configuration() {
    Map<String, Object> c = new LinkedHashMap<>();
    c.put("config", config);
    c.put("blurred", "subject");
    return c;
  }





  @Override
  public Class<SensitivityResult.Sample> recordType() {
    return SensitivityResult.Sample.class;
  }

  @Override
  public List<SensitivityResult.Sample> run(List<RealSample> group) {
    PromptFormat format = vlm.promptFormat();
    List<RunRequest> requests = new ArrayList<>();
    List<List<ObjectBox>> randoms = new ArrayList<>();
    for (RealSample s : group) {
      if (!s.hasBoxes()) {
        throw new IllegalArgumentException(s.source() + ": bounding-box sensitivity needs both boxes");
      }
      RgbImage img = SampleInputs.image(s);
      List<ObjectBox> r = RealFormulas.randomBoxes(img.width(), img.height(), s.subjectBox(),
          List.of(s.subjectBox(), s.objectBox()), config.randomBoxes(), boxSeed(config.seed(), s.id()));
      if (r.size() < config.randomBoxes()) {
        throw new IllegalArgumentException(
            s.source() + ": only " + r.size() + " of " + config.randomBoxes() + " random boxes of the subject's size "
                + s.subjectBox() + " fit in the " + img.width() + "x" + img.height() + " image without touching either"
                + " object; use fewer random boxes or drop this sample");
      }
      randoms.add(r);
      RunSpec spec = RunSpec.builder().readWords(gt(s), other(s)).logits(RunSpec.LogitsMode.NONE).build();
      requests.add(RunRequest.of(format.input(img, s.question()), spec));
      requests.add(RunRequest.of(
          format.input(ImageTransforms.blurBox(img, pixels(s.subjectBox()), config.blurRadius()), s.question()), spec));
      for (ObjectBox b : r) {
        requests.add(RunRequest.of(
            format.input(ImageTransforms.blurBox(img, pixels(b), config.blurRadius()), s.question()), spec));
      }
    }
    List<RunResult> rs = SampleInputs.runAll(vlm, requests, batch);
    List<SensitivityResult.Sample> out = new ArrayList<>();
    int k = 0;
    for (int i = 0; i < group.size(); i++) {
      RealSample s = group.get(i);
      RunResult base = rs.get(k++);
      double pBlur = rs.get(k++).prob(gt(s));
      double[] pr = new double[randoms.get(i).size()];
      List<Double> prl = new ArrayList<>();
      for (int j = 0; j < pr.length; j++) {
        pr[j] = rs.get(k++).prob(gt(s));
        prl.add(pr[j]);
      }
      double pGt = base.prob(gt(s));
      out.add(new SensitivityResult.Sample(s.id(), s.relation(), pGt, base.prob(other(s)), pBlur, prl, randoms.get(i),
          RealFormulas.boxSensitivity(pGt, pBlur, pr), fingerprint(s)));
    }
    return out;
  }

  private String gt(RealSample s) {
    return config.answerForm().apply(s.answer());
  }

  private String other(RealSample s) {
    return config.answerForm().apply(s.wrongAnswer());
  }

}
