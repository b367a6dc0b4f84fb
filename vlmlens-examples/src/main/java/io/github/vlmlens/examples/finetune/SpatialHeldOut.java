package io.github.vlmlens.examples.finetune;

import io.github.vlmlens.core.API;
import io.github.vlmlens.core.HookedVlm;
import io.github.vlmlens.core.PromptFormat;
import io.github.vlmlens.core.RunRequest;
import io.github.vlmlens.core.RunResult;
import io.github.vlmlens.core.RunSpec;
import io.github.vlmlens.hooks.train.Evaluation;
import io.github.vlmlens.spatial.scene.Placement;
import io.github.vlmlens.spatial.scene.QuestionAxis;
import io.github.vlmlens.spatial.scene.SceneSampler;
import io.github.vlmlens.spatial.scene.SceneSplit;
import io.github.vlmlens.spatial.scene.SpatialQuestion;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * Held-out accuracy on synthetic scenes: for every held-out part of the split (object pairs never
 * trained on, placements never trained on, both) and every question axis, a fixed seeded set of
 * scenes; a sample is right when the most likely next token over the whole vocabulary is the
 * correct answer word. Reports {@code <part>/<axis>} and {@value #MEAN} (the mean over them).
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.2.0")
public final class SpatialHeldOut implements Evaluation {
  /** The name of the mean accuracy. */
  public static final String MEAN = "held_out_accuracy";
  private static final List<SceneSplit.Part> PARTS =
      List.of(SceneSplit.Part.HELD_OUT_PAIRS, SceneSplit.Part.HELD_OUT_PLACEMENTS, SceneSplit.Part.HELD_OUT_BOTH);

  private final SceneSplit split;
  private final PromptFormat format;
  private final int samples;
  private final long seed;
  private final List<QuestionAxis> axes;

  /**
   * @param samples scenes per part and axis
   * @param seed the seed of the scenes (fixed over the run: every evaluation sees the same ones)
   */
  public SpatialHeldOut(SceneSplit split, PromptFormat format, int samples, long seed, List<QuestionAxis> axes) {
    this.split = split;
    this.format = format;
    this.samples = samples;
    this.seed = seed;
    this.axes = List.copyOf(axes);
  }

  @Override
  public Map<String, Double> evaluate(HookedVlm vlm) {
    Map<String, Double> out = new LinkedHashMap<>();
    double sum = 0;
    for (SceneSplit.Part part : PARTS) {
      SceneSampler sampler = split.sampler(part).withRandomColors(true);
      for (QuestionAxis axis : axes) {
        Random r = new Random(seed * 31 + axis.ordinal());
        List<RunRequest> requests = new ArrayList<>();
        List<String> correct = new ArrayList<>();
        for (Placement p : sampler.sample(seed + axis.ordinal(), samples, axis)) {
          SpatialQuestion q = SpatialQuestion.of(axis, p, r);
          requests.add(RunRequest.of(format.input(p.render(), q.text()), RunSpec.builder().readWords(q.answers()).build()));
          correct.add(q.correctAnswer().orElseThrow());
        }
        List<RunResult> results = vlm.runAll(requests);
        int right = 0;
        for (int i = 0; i < results.size(); i++) {
          if (correct.get(i).equals(results.get(i).topToken())) {
            right++;
          }
        }
        double acc = right / (double) results.size();
        out.put(part.name().toLowerCase(Locale.ROOT) + "/" + axis.name().toLowerCase(Locale.ROOT), acc);
        sum += acc;
      }
    }
    Map<String, Double> withMean = new LinkedHashMap<>();
    withMean.put(MEAN, sum / out.size());
    withMean.putAll(out);
    return withMean;
  }
}
