package io.github.vlmlens.core.analysis;

import io.github.vlmlens.core.ActivationCache;
import io.github.vlmlens.core.Activations;
import io.github.vlmlens.core.HookPoint;
import io.github.vlmlens.core.HookedVlm;
import io.github.vlmlens.core.Intervention;
import io.github.vlmlens.core.Positions;
import io.github.vlmlens.core.RunRequest;
import io.github.vlmlens.core.RunResult;
import io.github.vlmlens.core.RunSpec;
import io.github.vlmlens.core.Tokenization;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;

/**
 * One sample's sweep, or a group's. Plan: one full run of {@code x} capturing
 * {@code lm.L.resid_post} at every position for every swept layer, and one full run of {@code y}
 * capturing the swap sets' positions, sent batched (a group's samples together); then, unless the sample is excluded, one run per layer and swap
 * set that resumes from {@code x}'s cached {@code lm.L.resid_post} (so blocks {@code 1..L} and the
 * vision tower are not recomputed) with {@code y}'s vectors patched in at {@code lm.L.resid_post},
 * sent in batches of one resume layer each (a group's samples together, so that the backend fills
 * its batches). A patched run whose patch changes nothing ({@code y}'s vectors at the set equal
 * {@code x}'s bit for bit, as for identical text tokens at layer 0) is not sent: its readout is
 * {@code x}'s own, a shift of exactly 0. The caches are dropped when the sample (group) is done.
 *
 * <p>On a model whose images enter through cross-attention blocks
 * ({@link ImageTokenDefinition#CROSS_ATTENTION_STATES}), {@code y}'s run also captures
 * {@code projector.out}, and the "all image tokens" run at layer {@code L} resumes from {@code x}'s
 * {@code lm.L.resid_post} with {@code y}'s states patched into every cross-attention block after
 * {@code L}; with no such block left, or with the same images in {@code x} and {@code y} (the same
 * states), it is not sent.
 */
final class SwapEngine {
  private final HookedVlm model;
  private final SwapConfig config;
  private final List<Integer> layers;
  private final int batchSize;
  private final ImageTokenDefinition images;
  /** The cross-attention blocks (those with {@code lm.C.cross_states}), ascending. */
  private final List<Integer> crossBlocks = new ArrayList<>();
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
    this.images = ImageTokenDefinition.of(model);
    for (HookPoint p : model.hookPoints()) {
      if (p.site() == HookPoint.Site.CROSS_STATES) {
        crossBlocks.add(p.layer());
      }
    }
    crossBlocks.sort(null);
  }

  /** What "all image tokens" swaps on this engine's model. */
  public ImageTokenDefinition imageTokenDefinition() {
    return images;
  }

  /** Whether the "all image tokens" set is swapped as cross-attention states. */
  private boolean crossStates(SwapSet set) {
    return set == SwapSet.ALL_IMAGE && images == ImageTokenDefinition.CROSS_ATTENTION_STATES;
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
    SwapPositions pos = SwapPositions.of(s, tx, ty, sets, config.seed(), images);
    // Answer words are checked here, before any run or any file is written.
    for (String w : List.of(s.gtAnswer(), s.otherAnswer())) {
      try {
        model.answerTokenId(w);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("sample '" + s.id() + "': " + e.getMessage(), e);
      }
    }
    return new Prepared(s, pos, Fingerprints.sample(s));
  }

  /** The number of requests the last {@link #run} or {@link #runGroup} sent (no-op patches are not sent). */
  public int lastRequests() {
    return lastRequests;
  }

  /**
   * Runs one sample.
   *
   * @param force run the patched runs even when the sample is excluded (for cost measurements)
   */
  public SwapResult.Sample run(Prepared p, boolean force) {
    return runGroup(List.of(p), force).get(0);
  }

  /**
   * Runs a group of samples together, sending the same requests as running them one by one: the
   * full runs of every sample's {@code x} and {@code y} first, then the resumed runs layer by
   * layer, so that one resume layer's runs of all the group's samples batch together. Every
   * {@link HookedVlm#runAll} call holds at most the engine's batch size of requests, and resumed
   * calls hold one resume layer each. The group's caches are held until the group is done.
   *
   * @param force run the patched runs even when a sample is excluded (for cost measurements)
   * @return the samples' results, in the group's order
   */
  public List<SwapResult.Sample> runGroup(List<Prepared> group, boolean force) {
    int g = group.size();
    List<RunRequest> base = new ArrayList<>(2 * g);
    for (Prepared p : group) {
      SwapSample s = p.sample;
      String gt = s.gtAnswer();
      String other = s.otherAnswer();
      RunSpec.Builder xb = RunSpec.builder().readWords(gt, other).logits(RunSpec.LogitsMode.NONE);
      TreeSet<Integer> union = new TreeSet<>();
      for (SwapSet set : config.swapSets()) {
        for (int q : p.positions.sources(set)) {
          union.add(q);
        }
      }
      Positions yCapture = Positions.of(union);
      RunSpec.Builder yb = RunSpec.builder().readWords(gt, other).logits(RunSpec.LogitsMode.NONE);
      for (int l : layers) {
        xb.capture(HookPoint.lmResid(l));
        yb.capture(HookPoint.lmResid(l), yCapture);
      }
      if (config.swapSets().stream().anyMatch(this::crossStates)) {
        yb.capture(HookPoint.projectorOut());
      }
      base.add(RunRequest.of(s.x(), xb.build()));
      base.add(RunRequest.of(s.y(), yb.build()));
    }
    lastRequests = base.size();
    List<RunResult> baseResults = runChunked(base);

    ShiftFormula f = config.formula();
    Pending[] pending = new Pending[g];
    for (int k = 0; k < g; k++) {
      Prepared p = group.get(k);
      SwapSample s = p.sample;
      RunResult rx = baseResults.get(2 * k);
      RunResult ry = baseResults.get(2 * k + 1);
      Pending q = new Pending(p, rx.cache(), ry.cache(), statesOf(ry.cache()));
      q.xGt = rx.logProb(s.gtAnswer());
      q.xOther = rx.logProb(s.otherAnswer());
      q.yGt = ry.logProb(s.gtAnswer());
      q.yOther = ry.logProb(s.otherAnswer());
      q.den = f.denominator(q.xGt, q.yGt);
      q.excluded = !(Math.abs(q.den) >= config.threshold());
      q.otherOk = Math.abs(f.denominator(q.xOther, q.yOther)) >= config.threshold();
      q.patched = !q.excluded || force;
      pending[k] = q;
    }
    patchedRuns(pending);

    List<SwapResult.Sample> out = new ArrayList<>(g);
    for (Pending q : pending) {
      out.add(q.result(f, config.threshold()));
    }
    return out;
  }

  /** One sample of a group between its full runs and its result. */
  private final class Pending {
    final Prepared p;
    final ActivationCache xCache;
    final ActivationCache yCache;
    /** y's states under every cross-attention block's {@code cross_states}, or null. */
    final ActivationCache yStates;
    final Map<SwapSet, SwapResult.Readout[]> slots = new LinkedHashMap<>();
    double xGt;
    double xOther;
    double yGt;
    double yOther;
    double den;
    boolean excluded;
    boolean otherOk;
    boolean patched;

    Pending(Prepared p, ActivationCache xCache, ActivationCache yCache, ActivationCache yStates) {
      this.p = p;
      this.xCache = xCache;
      this.yCache = yCache;
      this.yStates = yStates;
      for (SwapSet set : config.swapSets()) {
        slots.put(set, new SwapResult.Readout[layers.size()]);
      }
    }

    void read(SwapSet set, int li, double pGt, double pOther) {
      ShiftFormula f = config.formula();
      Double otherShift = otherOk ? f.shift(xOther, pOther, yOther) : null;
      slots.get(set)[li] =
          new SwapResult.Readout(layers.get(li), pGt, pOther, f.shift(xGt, pGt, yGt), otherShift);
    }

    SwapResult.Sample result(ShiftFormula f, double threshold) {
      SwapSample s = p.sample;
      String reason = null;
      if (excluded) {
        reason =
            String.format(
                Locale.ROOT,
                f == ShiftFormula.PROBABILITY
                    ? "|P_x(GT) - P_y(GT)| = %.6g is below the threshold %s"
                    : "|log P_x(GT) - log P_y(GT)| = %.6g is below the threshold %s",
                Math.abs(den), threshold);
      }
      Map<SwapSet, List<SwapResult.Readout>> readouts = new LinkedHashMap<>();
      if (!excluded) {
        slots.forEach((set, r) -> readouts.put(set, Arrays.asList(r)));
      }
      SwapPositions pos = p.positions;
      List<Integer> objectPositions = boxed(pos.objectPositionsX());
      List<Integer> controlPositions =
          pos.has(SwapSet.CONTROL_TEXT) ? boxed(pos.targets(SwapSet.CONTROL_TEXT)) : List.of();
      return new SwapResult.Sample(
          s.id(), s.gtAnswer(), s.otherAnswer(), s.objectWords(), p.fingerprint, xGt, xOther, yGt,
          yOther, den, excluded, reason, objectPositions, controlPositions, readouts);
    }
  }

  /**
   * The resumed runs of a group, layer by layer: a patch that changes nothing reads {@code x}'s
   * own readout; the others are sent, one resume layer per {@link HookedVlm#runAll} call.
   */
  private void patchedRuns(Pending[] group) {
    for (int li = 0; li < layers.size(); li++) {
      int l = layers.get(li);
      HookPoint point = HookPoint.lmResid(l);
      List<RunRequest> requests = new ArrayList<>();
      List<Pending> who = new ArrayList<>();
      List<SwapSet> which = new ArrayList<>();
      for (Pending q : group) {
        if (!q.patched) {
          continue;
        }
        SwapSample s = q.p.sample;
        for (SwapSet set : config.swapSets()) {
          RunSpec.Builder b = RunSpec.builder().resumeFrom(q.xCache, l);
          if (crossStates(set)) {
            List<Integer> after = crossBlocks.stream().filter(c -> c > l).toList();
            if (after.isEmpty() || s.x().images().equals(s.y().images())) {
              q.read(set, li, q.xGt, q.xOther);
              continue;
            }
            for (int c : after) {
              b.intervene(Intervention.patch(HookPoint.lmCrossStates(c), Positions.all(), q.yStates));
            }
          } else {
            int[] targets = q.p.positions.targets(set);
            int[] sources = q.p.positions.sources(set);
            if (unchanged(point, q.xCache, targets, q.yCache, sources)) {
              q.read(set, li, q.xGt, q.xOther);
              continue;
            }
            b.intervene(Intervention.patch(point, Positions.of(targets), q.yCache, Positions.of(sources)));
          }
          RunSpec spec = b.readWords(s.gtAnswer(), s.otherAnswer()).logits(RunSpec.LogitsMode.NONE).build();
          requests.add(RunRequest.of(s.x(), spec));
          who.add(q);
          which.add(set);
        }
      }
      lastRequests += requests.size();
      List<RunResult> results = runChunked(requests);
      for (int i = 0; i < results.size(); i++) {
        Pending q = who.get(i);
        RunResult r = results.get(i);
        q.read(which.get(i), li, r.logProb(q.p.sample.gtAnswer()), r.logProb(q.p.sample.otherAnswer()));
      }
    }
  }

  /**
   * y's {@code projector.out} filed under every cross-attention block's {@code cross_states} (no
   * copy), or null when the states are not swapped.
   */
  private ActivationCache statesOf(ActivationCache y) {
    if (!y.contains(HookPoint.projectorOut())) {
      return null;
    }
    Activations states = y.get(HookPoint.projectorOut());
    List<Activations> out = new ArrayList<>();
    for (int c : crossBlocks) {
      out.add(states.at(HookPoint.lmCrossStates(c)));
    }
    return ActivationCache.of(out);
  }

  /** Sends requests in calls of at most the batch size; results in request order. */
  private List<RunResult> runChunked(List<RunRequest> requests) {
    List<RunResult> out = new ArrayList<>(requests.size());
    for (int start = 0; start < requests.size(); start += batchSize) {
      int end = Math.min(requests.size(), start + batchSize);
      List<RunResult> results = model.runAll(requests.subList(start, end));
      if (results.size() != end - start) {
        throw new IllegalStateException(
            "model '" + model.name() + "' returned " + results.size() + " results for "
                + (end - start) + " requests");
      }
      out.addAll(results);
    }
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
