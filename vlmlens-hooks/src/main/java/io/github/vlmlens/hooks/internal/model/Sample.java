package io.github.vlmlens.hooks.internal.model;

import io.github.vlmlens.core.HookPoint;
import io.github.vlmlens.core.Intervention;
import io.github.vlmlens.core.RunSpec;
import io.github.vlmlens.core.Tokenization;
import io.github.vlmlens.core.VlmInput;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** One validated request of a {@link HookedRunner#runAll} call, and its place in its batch. */
final class Sample {
  final int index;
  final VlmInput input;
  final RunSpec spec;
  final Tokenization tokenization;
  final Architecture.Encoded encoded;
  final int length;
  final int images;
  /** The first language-model position this pass computes (generation steps); 0 otherwise. */
  final int windowStart;
  /**
   * The length that intervention positions resolve against: the sequence length, or for a
   * generation pass the longest sequence the generation may reach.
   */
  int resolveLength;
  /** Answer word to token id, in the spec's order. */
  final Map<String, Integer> answers = new LinkedHashMap<>();
  /** Interventions by hook point, each list in the spec's order. */
  final Map<HookPoint, List<Intervention>> interventions = new LinkedHashMap<>();
  /** Captured positions (resolved) by hook point. */
  final Map<HookPoint, int[]> captures = new LinkedHashMap<>();
  /** The deepest language-model layer touched by an intervention or capture, or -1. */
  int deepestLm = -1;
  /** Whether an intervention or capture lies in the vision tower or the projector. */
  boolean touchesVision;

  /** The sample's row in its batch. */
  int batchRow;
  /** The sample's first row of the batch's flattened language-model activations. */
  long lmBase;
  /** The sample's first row of the batch's flattened vision activations. */
  long visionBase;
  /** The sample's first row of the batch's flattened projector activations. */
  long projectorBase;

  Sample(int index, VlmInput input, RunSpec spec, Tokenization tokenization, Architecture.Encoded encoded) {
    this(index, input, spec, tokenization, encoded, tokenization.length(), 0);
  }

  /**
   * @param length the language model's sequence length (for generation: the prompt and the tokens
   *     generated so far, or the longest sequence when validating)
   * @param windowStart the first position the pass computes (generation steps with a KV cache)
   */
  Sample(
      int index, VlmInput input, RunSpec spec, Tokenization tokenization, Architecture.Encoded encoded,
      int length, int windowStart) {
    this.index = index;
    this.input = input;
    this.spec = spec;
    this.tokenization = tokenization;
    this.encoded = encoded;
    this.length = length;
    this.images = input.images().size();
    this.windowStart = windowStart;
    this.resolveLength = length;
  }

  /** The same validated request for one generation pass over {@code length} positions. */
  Sample forPass(Architecture.Encoded passEncoded, int passLength, int passWindowStart) {
    Sample s = new Sample(index, input, spec, tokenization, passEncoded, passLength, passWindowStart);
    s.resolveLength = Math.max(resolveLength, passLength);
    s.answers.putAll(answers);
    s.interventions.putAll(interventions);
    s.captures.putAll(captures);
    s.deepestLm = deepestLm;
    s.touchesVision = touchesVision;
    return s;
  }

  /**
   * The component whose rows a point's activations have: the projector's for image-state points
   * ({@code projector.out}, {@code lm.L.cross_states}), else the point's own.
   */
  static HookPoint.Component rowSpace(HookPoint p) {
    return p.hasStateRows() ? HookPoint.Component.PROJECTOR : p.component();
  }

  /** Whether a point's rows are the language model's token positions. */
  static boolean tokenRows(HookPoint p) {
    return rowSpace(p) == HookPoint.Component.LM;
  }

  /** The sample's first row among the batch's flattened activations at a point. */
  long base(HookPoint point) {
    switch (rowSpace(point)) {
      case LM:
        return lmBase;
      case VISION:
        return visionBase;
      default:
        return projectorBase;
    }
  }

  void addIntervention(Intervention i) {
    interventions.computeIfAbsent(i.point(), k -> new ArrayList<>()).add(i);
    touch(i.point());
  }

  void addCapture(HookPoint p, int[] positions) {
    captures.put(p, positions);
    touch(p);
  }

  private void touch(HookPoint p) {
    if (p.component() == HookPoint.Component.LM) {
      deepestLm = Math.max(deepestLm, p.layer());
    } else {
      touchesVision = true;
    }
  }

  boolean resumed() {
    return spec.resumeCache() != null;
  }
}
