package io.github.vlmlens.spatial.steer;

import io.github.vlmlens.core.analysis.Estimate;
import io.github.vlmlens.core.analysis.Provenance;
import io.github.vlmlens.spatial.scene.GridCell;
import io.github.vlmlens.spatial.scene.QuestionAxis;
import io.github.vlmlens.spatial.scene.internal.Seeds;
import io.github.vlmlens.spatial.steer.SteeringResult.BeliefMap;
import io.github.vlmlens.spatial.steer.SteeringResult.Curve;
import io.github.vlmlens.spatial.steer.SteeringResult.LayerEstimate;
import io.github.vlmlens.spatial.steer.SteeringResult.Readout;
import io.github.vlmlens.spatial.steer.SteeringResult.Sample;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;

/**
 * Turns the scenes' raw values into a {@link SteeringResult}: rates with core's seeded bootstrap
 * ({@link Estimate}), and the belief maps.
 */
final class SteerAggregator {
  private SteerAggregator() {}

  /** Whether a steered belief's sign differs from the unsteered one's (0 is a sign of its own). */
  public static boolean swapped(double baseline, double steered) {
    return Math.signum(baseline) != Math.signum(steered);
  }

  /** Whether a belief picks the correct answer (first answer when positive, second when negative). */
  public static boolean correct(Sample s, double belief) {
    return s.correct().equals(s.first()) ? belief > 0 : belief < 0;
  }

  /** The probability of the second answer among the two: {@code 1 / (1 + exp(belief))}. */
  public static double secondProbability(double belief) {
    return 1 / (1 + Math.exp(belief));
  }

  /** The result. */
  public static SteeringResult aggregate(
      String model, SteeringMode mode, SteerConfig config, String hash, String idsFingerprint, List<Integer> layers,
      int m, GridCell arbitraryCell, List<Sample> samples, Provenance provenance) {
    int correct = 0;
    for (Sample s : samples) {
      if (correct(s, s.baseline())) {
        correct++;
      }
    }
    List<String> scopes = new ArrayList<>();
    for (QuestionAxis a : config.axes()) {
      scopes.add(scope(a));
    }
    if (scopes.size() > 1) {
      scopes.add("all");
    }
    List<Curve> curves = new ArrayList<>();
    List<BeliefMap> maps = new ArrayList<>();
    for (String scope : scopes) {
      List<Sample> in = samples.stream().filter(s -> scope.equals("all") || scope(s.axis()).equals(scope)).toList();
      switch (mode) {
        case ADVERSARIAL:
          curves.add(swapCurve("IDs", "ids", scope, in, layers, config, curves.size()));
          curves.add(swapCurve("noise", "noise", scope, in, layers, config, curves.size()));
          if (config.judgesByGeneration()) {
            curves.add(generatedSwapCurve("IDs (generated answer)", "ids", scope, in, layers, config, curves.size()));
            curves.add(generatedSwapCurve("noise (generated answer)", "noise", scope, in, layers, config, curves.size()));
          }
          break;
        case CROSS_AXIS:
          curves.add(swapCurve("in-axis IDs", "ids", scope, in, layers, config, curves.size()));
          curves.add(swapCurve("cross-axis IDs", "cross", scope, in, layers, config, curves.size()));
          if (config.judgesByGeneration()) {
            curves.add(generatedSwapCurve("in-axis IDs (generated answer)", "ids", scope, in, layers, config, curves.size()));
            curves.add(generatedSwapCurve("cross-axis IDs (generated answer)", "cross", scope, in, layers, config, curves.size()));
          }
          break;
        case ORACLE:
          curves.add(accuracyCurve("mean + ID", "oracle", scope, in, layers, config, curves.size()));
          curves.add(accuracyCurve("mean only", "mean-only", scope, in, layers, config, curves.size()));
          curves.add(accuracyCurve("no intervention", null, scope, in, layers, config, curves.size()));
          break;
        case ARBITRARY:
          if (!scope.equals("all")) {
            QuestionAxis axis = in.isEmpty() ? null : in.get(0).axis();
            for (int l : layers) {
              if (axis != null) {
                maps.add(beliefMap(axis, l, m, arbitraryCell, in));
              }
            }
          }
          break;
        default:
          throw new AssertionError(mode);
      }
    }
    int n = samples.size();
    return new SteeringResult(
        model, mode, config, hash, idsFingerprint, layers, m, n, n == 0 ? Double.NaN : (double) correct / n, curves,
        maps, samples, provenance);
  }

  static String scope(QuestionAxis a) {
    return a.name().toLowerCase(Locale.ROOT);
  }

  private static Curve swapCurve(
      String name, String kind, String scope, List<Sample> in, List<Integer> layers, SteerConfig c, int index) {
    return curve(name, scope, "swapped", in, layers, c, index,
        l -> s -> swapped(s.baseline(), readout(s, l, kind).belief()) ? 1 : 0);
  }

  /**
   * The share of scenes whose generated answer changes under steering: the steered text names the
   * other answer than the unsteered text (a text naming neither counts as its own answer, as a
   * zero belief does).
   */
  private static Curve generatedSwapCurve(
      String name, String kind, String scope, List<Sample> in, List<Integer> layers, SteerConfig c, int index) {
    return curve(name, scope, "swapped", in, layers, c, index,
        l -> s -> swapped(
            readout(s, -1, SteeringPlan.GENERATED_BASELINE).belief(),
            readout(s, l, kind + SteeringPlan.GENERATED).belief()) ? 1 : 0);
  }

  private static Curve accuracyCurve(
      String name, String kind, String scope, List<Sample> in, List<Integer> layers, SteerConfig c, int index) {
    return curve(name, scope, "accuracy", in, layers, c, index,
        l -> s -> correct(s, kind == null ? s.baseline() : readout(s, l, kind).belief()) ? 1 : 0);
  }

  private static Curve curve(
      String name, String scope, String measure, List<Sample> in, List<Integer> layers, SteerConfig c, int index,
      java.util.function.IntFunction<ToDoubleFunction<Sample>> indicator) {
    List<LayerEstimate> pts = new ArrayList<>();
    for (int l : layers) {
      ToDoubleFunction<Sample> f = indicator.apply(l);
      double[] v = in.stream().mapToDouble(f).toArray();
      long seed = Seeds.mix64(c.seed() ^ Seeds.mix64(index * 100_003L + l));
      pts.add(new LayerEstimate(l, Estimate.of(v, c.bootstrapResamples(), c.confidence(), seed)));
    }
    return new Curve(name, scope, measure, pts);
  }

  private static BeliefMap beliefMap(QuestionAxis axis, int layer, int m, GridCell aCell, List<Sample> in) {
    double[][] sum = new double[m][m];
    double base = 0;
    for (Sample s : in) {
      base += secondProbability(s.baseline()) / in.size();
      for (Readout r : s.readouts()) {
        if (r.layer() == layer && r.kind().equals("target")) {
          sum[r.targetRow()][r.targetColumn()] += secondProbability(r.belief()) / in.size();
        }
      }
    }
    List<List<Double>> rows = new ArrayList<>();
    for (double[] row : sum) {
      List<Double> r = new ArrayList<>();
      for (double v : row) {
        r.add(v);
      }
      rows.add(r);
    }
    String answer = in.get(0).second();
    return new BeliefMap(axis, layer, aCell.row(), aCell.column(), answer, in.size(), base, rows);
  }

  /**
   * A scene's readout of a kind at a layer.
   *
   * @throws IllegalStateException naming the scene when it has none
   */
  static Readout readout(Sample s, int layer, String kind) {
    for (Readout r : s.readouts()) {
      if (r.layer() == layer && r.kind().equals(kind)) {
        return r;
      }
    }
    throw new IllegalStateException("scene '" + s.id() + "' has no '" + kind + "' readout at layer " + layer);
  }
}
