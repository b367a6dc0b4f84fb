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
  final int length;
  final int images;
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
  /** The index of the sample's first image among the batch's images. */
  int imageOffset;

  Sample(int index, VlmInput input, RunSpec spec, Tokenization tokenization) {
    this.index = index;
    this.input = input;
    this.spec = spec;
    this.tokenization = tokenization;
    this.length = tokenization.length();
    this.images = input.images().size();
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
