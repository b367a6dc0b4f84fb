package io.github.vlmlens.hooks.internal.model;

import io.github.vlmlens.core.HookPoint;
import io.github.vlmlens.core.HookedVlm;
import io.github.vlmlens.core.RunRequest;
import io.github.vlmlens.core.RunResult;
import io.github.vlmlens.core.RunSpec;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * No silent NaN: checks every run's readouts and captured values, and where one is not finite
 * finds the first hook point in model order whose values are not (by running that request again
 * capturing every hook point), and says so. Costs a scan of the host arrays when all is well.
 */
public final class FiniteCheck {
  private FiniteCheck() {}

  /**
   * Returns {@code results} when every readout and capture is finite.
   *
   * @throws IllegalStateException naming the request and the first hook point whose activations
   *     are NaN or infinite
   */
  public static List<RunResult> check(
      HookedVlm model, Function<List<RunRequest>, List<RunResult>> raw, List<RunRequest> requests,
      List<RunResult> results) {
    for (int i = 0; i < results.size(); i++) {
      String bad = badPart(results.get(i));
      if (bad != null) {
        throw new IllegalStateException(
            "model '" + model.name() + "', request " + i + ": " + bad + " is not finite (NaN or infinity); "
                + locate(model, raw, requests.get(i)));
      }
    }
    return results;
  }

  private static String badPart(RunResult r) {
    for (Map.Entry<String, Double> e : r.logProbs().entrySet()) {
      if (!Double.isFinite(e.getValue()) && e.getValue() != Double.NEGATIVE_INFINITY) {
        return "the log-probability of '" + e.getKey() + "'";
      }
    }
    for (HookPoint p : r.cache().points()) {
      if (!finite(r.cache().get(p).flat())) {
        return "the captured " + p;
      }
    }
    return null;
  }

  private static String locate(
      HookedVlm model, Function<List<RunRequest>, List<RunResult>> raw, RunRequest request) {
    try {
      RunSpec.Builder b = request.spec().toBuilder().logits(RunSpec.LogitsMode.NONE);
      for (HookPoint p : model.hookPoints()) {
        if (p.toString().endsWith("resid_post") || p.toString().startsWith("vision.") || p.toString().equals("projector.out")
            || p.toString().equals("lm.embed")) {
          b.capture(p);
        }
      }
      RunResult r = raw.apply(List.of(RunRequest.of(request.input(), b.build()))).get(0);
      for (HookPoint p : model.hookPoints()) {
        if (r.cache().contains(p) && !finite(r.cache().get(p).flat())) {
          return "the values first turn non-finite at " + p + " (hook points in model order)";
        }
      }
      return "no captured hook point is non-finite, so it happens after the last block (final norm or unembedding)";
    } catch (RuntimeException e) {
      return "(could not locate the hook point: " + e.getMessage() + ")";
    }
  }

  private static boolean finite(float[] v) {
    for (float x : v) {
      if (!Float.isFinite(x)) {
        return false;
      }
    }
    return true;
  }
}
