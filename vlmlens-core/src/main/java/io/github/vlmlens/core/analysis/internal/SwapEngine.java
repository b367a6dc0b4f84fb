package io.github.vlmlens.core.analysis.internal;

import io.github.vlmlens.core.ActivationCache;
import io.github.vlmlens.core.HookPoint;
import io.github.vlmlens.core.HookedVlm;
import io.github.vlmlens.core.Intervention;
import io.github.vlmlens.core.Positions;
import io.github.vlmlens.core.RunRequest;
import io.github.vlmlens.core.RunResult;
import io.github.vlmlens.core.RunSpec;
import io.github.vlmlens.core.Tokenization;
import io.github.vlmlens.core.analysis.ShiftFormula;
import io.github.vlmlens.core.analysis.SwapConfig;
import io.github.vlmlens.core.analysis.SwapResult;
import io.github.vlmlens.core.analysis.SwapSample;
import io.github.vlmlens.core.analysis.SwapSet;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;

/**
 * One sample's sweep. Plan: one full run of {@code x} capturing {@code lm.L.resid_post} at every
 * position for every swept layer, and one full run of {@code y} capturing the swap sets'
 * positions, sent as one batch; then, unless the sample is excluded, one run per layer and swap
 * set that resumes from {@code x}'s cached {@code lm.L.resid_post} (so blocks {@code 1..L} and the
 * vision tower are not recomputed) with {@code y}'s vectors patched in at {@code lm.L.resid_post},
 * sent in batches. A patched run whose patch changes nothing ({@code y}'s vectors at the set equal
 * {@code x}'s bit for bit, as for identical text tokens at layer 0) is not sent: its readout is
 * {@code x}'s own, a shift of exactly 0. The caches are dropped when the sample is done.
 */
public final class SwapEngine {
  private final HookedVlm model;
  private final SwapConfig config;
  private final List<Integer> layers;
  private final int batchSize;
  private int lastRequests;

  /**
   * An engine.
   *
   * @throws IllegalArgumentException when a configured layer lies outside {@code 0..N}
   */
  public SwapEngine(HookedVlm model, SwapConfig config, int batchSize) {
    this.model = model;
    this.config = config;
    this.batchSize = batchSize;
    this.layers = resolveLayers(model, config);
  }

  /** The configured layers checked against the model, or {@code 0..N} when none are given. */
  public static List<Integer> resolveLayers(HookedVlm model, SwapConfig config) {
    int n = model.numLayers();
    if (config.layers().isEmpty()) {
      List<Integer> all = new ArrayList<>();
      for (int l = 0; l <= n; l++) {
        all.add(l);
      }
      return List.copyOf(all);
    }
    List<Integer> bad = new ArrayList<>();
    for (int l : config.layers()) {
      if (l > n) {
        bad.add(l);
      }
    }
    if (!bad.isEmpty()) {
      throw new IllegalArgumentException(
          "layer(s) " + bad + " lie outside 0.." + n + " of model '" + model.name()
              + "' (layer 0 is the embedding output, layer L the output of decoder block L)");
    }
    return config.layers();
  }

  /** The layers swept. */
  public List<Integer> layers() {
    return layers;
  }

  /** A sample tokenized, with its swap sets' positions and fingerprint. */
  public static final class Prepared {
    final SwapSample sample;
    final SwapPositions positions;
    final String fingerprint;

    Prepared(SwapSample sample, SwapPositions positions, String fingerprint) {
      this.sample = sample;
      this.positions = positions;
      this.fingerprint = fingerprint;
    }

    /** The sample. */
    public SwapSample sample() {
      return sample;
    }

    /** Its fingerprint. */
    public String fingerprint() {
      return fingerprint;
    }
  }

  /**
   * Tokenizes a sample's inputs and finds its swap sets.
   *
   * @throws IllegalArgumentException naming the sample when an object word is missing or the
   *     inputs cannot be matched
   */
  public Prepared prepare(SwapSample s) {
    Tokenization tx = model.tokenize(s.x());
    Tokenization ty = model.tokenize(s.y());
    List<SwapSet> sets = new ArrayList<>(config.swapSets());
    SwapPositions pos = SwapPositions.of(s, tx, ty, sets, config.seed());
    return new Prepared(s, pos, Fingerprints.sample(s));
  }

  /** The number of requests the last {@link #run} sent (no-op patches are not sent). */
  public int lastRequests() {
    return lastRequests;
  }

  /**
   * Runs one sample.
   *
   * @param force run the patched runs even when the sample is excluded (for cost measurements)
   */
  public SwapResult.Sample run(Prepared p, boolean force) {
    SwapSample s = p.sample;
    SwapPositions pos = p.positions;
    String gt = s.gtAnswer();
    String other = s.otherAnswer();

    RunSpec.Builder xb = RunSpec.builder().readWords(gt, other).logits(RunSpec.LogitsMode.NONE);
    TreeSet<Integer> union = new TreeSet<>();
    for (SwapSet set : config.swapSets()) {
      for (int q : pos.sources(set)) {
        union.add(q);
      }
    }
    Positions yCapture = Positions.of(union);
    RunSpec.Builder yb = RunSpec.builder().readWords(gt, other).logits(RunSpec.LogitsMode.NONE);
    for (int l : layers) {
      xb.capture(HookPoint.lmResid(l));
      yb.capture(HookPoint.lmResid(l), yCapture);
    }
    lastRequests = 2;
    List<RunResult> base =
        model.runAll(List.of(RunRequest.of(s.x(), xb.build()), RunRequest.of(s.y(), yb.build())));
    RunResult rx = base.get(0);
    RunResult ry = base.get(1);
    double xGt = rx.logProb(gt);
    double xOther = rx.logProb(other);
    double yGt = ry.logProb(gt);
    double yOther = ry.logProb(other);
    ShiftFormula f = config.formula();
    double den = f.denominator(xGt, yGt);
    boolean excluded = !(Math.abs(den) >= config.threshold());
    String reason = null;
    if (excluded) {
      reason =
          String.format(
              Locale.ROOT,
              f == ShiftFormula.PROBABILITY
                  ? "|P_x(GT) - P_y(GT)| = %.6g is below the threshold %s"
                  : "|log P_x(GT) - log P_y(GT)| = %.6g is below the threshold %s",
              Math.abs(den), config.threshold());
    }
    Map<SwapSet, List<SwapResult.Readout>> readouts = new LinkedHashMap<>();
    if (!excluded || force) {
      readouts = patchedRuns(s, pos, rx.cache(), ry.cache(), xGt, xOther, yGt, yOther);
    }
    if (excluded) {
      readouts = new LinkedHashMap<>();
    }
    List<Integer> objectPositions = boxed(pos.objectPositionsX());
    List<Integer> controlPositions =
        pos.has(SwapSet.CONTROL_TEXT) ? boxed(pos.targets(SwapSet.CONTROL_TEXT)) : List.of();
    return new SwapResult.Sample(
        s.id(), gt, other, s.objectWords(), p.fingerprint, xGt, xOther, yGt, yOther, den, excluded,
        reason, objectPositions, controlPositions, readouts);
  }

  private Map<SwapSet, List<SwapResult.Readout>> patchedRuns(
      SwapSample s,
      SwapPositions pos,
      ActivationCache xCache,
      ActivationCache yCache,
      double xGt,
      double xOther,
      double yGt,
      double yOther) {
    ShiftFormula f = config.formula();
    boolean otherOk = Math.abs(f.denominator(xOther, yOther)) >= config.threshold();
    Map<SwapSet, SwapResult.Readout[]> slots = new LinkedHashMap<>();
    for (SwapSet set : config.swapSets()) {
      slots.put(set, new SwapResult.Readout[layers.size()]);
    }
    List<RunRequest> requests = new ArrayList<>();
    List<SwapSet> order = new ArrayList<>();
    List<Integer> orderIndex = new ArrayList<>();
    for (int li = 0; li < layers.size(); li++) {
      int l = layers.get(li);
      HookPoint point = HookPoint.lmResid(l);
      for (SwapSet set : config.swapSets()) {
        int[] targets = pos.targets(set);
        int[] sources = pos.sources(set);
        if (unchanged(point, xCache, targets, yCache, sources)) {
          Double otherShift = otherOk ? f.shift(xOther, xOther, yOther) : null;
          slots.get(set)[li] = new SwapResult.Readout(l, xGt, xOther, f.shift(xGt, xGt, yGt), otherShift);
          continue;
        }
        RunSpec spec =
            RunSpec.builder()
                .resumeFrom(xCache, l)
                .intervene(
                    Intervention.patch(point, Positions.of(targets), yCache, Positions.of(sources)))
                .readWords(s.gtAnswer(), s.otherAnswer())
                .logits(RunSpec.LogitsMode.NONE)
                .build();
        requests.add(RunRequest.of(s.x(), spec));
        order.add(set);
        orderIndex.add(li);
      }
    }
    lastRequests += requests.size();
    for (int start = 0; start < requests.size(); start += batchSize) {
      int end = Math.min(requests.size(), start + batchSize);
      List<RunResult> results = model.runAll(requests.subList(start, end));
      if (results.size() != end - start) {
        throw new IllegalStateException(
            "model '" + model.name() + "' returned " + results.size() + " results for "
                + (end - start) + " requests");
      }
      for (int i = start; i < end; i++) {
        RunResult r = results.get(i - start);
        double pGt = r.logProb(s.gtAnswer());
        double pOther = r.logProb(s.otherAnswer());
        Double otherShift = otherOk ? f.shift(xOther, pOther, yOther) : null;
        int li = orderIndex.get(i);
        slots.get(order.get(i))[li] =
            new SwapResult.Readout(layers.get(li), pGt, pOther, f.shift(xGt, pGt, yGt), otherShift);
      }
    }
    Map<SwapSet, List<SwapResult.Readout>> out = new LinkedHashMap<>();
    slots.forEach((set, r) -> out.put(set, Arrays.asList(r)));
    return out;
  }

  /** Whether y's vectors at {@code sources} equal x's at {@code targets} bit for bit. */
  private static boolean unchanged(
      HookPoint point, ActivationCache xCache, int[] targets, ActivationCache yCache, int[] sources) {
    for (int k = 0; k < targets.length; k++) {
      if (!Arrays.equals(xCache.vector(point, targets[k]), yCache.vector(point, sources[k]))) {
        return false;
      }
    }
    return true;
  }

  private static List<Integer> boxed(int[] a) {
    return Arrays.stream(a).boxed().toList();
  }
}
