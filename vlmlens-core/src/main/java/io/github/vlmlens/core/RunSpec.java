package io.github.vlmlens.core;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableMap;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What one forward pass does: the interventions, what to capture, and what to read out.
 *
 * <p>Readouts are taken at the last position: log-probabilities (log-softmax over the full
 * vocabulary) of named single-token answer words, and optionally the logits. A spec that reads
 * nothing out lets the backend stop after the deepest captured or intervened layer.
 *
 * <p>A spec may resume from a cached residual stream: with {@link Builder#resumeFrom}, the run
 * starts from {@code lm.L.resid_post} taken from an earlier run of the same input (all positions),
 * so only blocks {@code L+1..N} are computed. Interventions and captures at layers {@code <= L}
 * are then an error, except at {@code lm.L.resid_post} itself, which applies to the resumed state.
 */
@API(status = API.Status.STABLE, since = "0.1.0")
public final class RunSpec {

  /** Which logits a run returns besides the answer-word log-probabilities. */
  public enum LogitsMode {
    /** No logits. */
    NONE,
    /** The logits at the last position. */
    LAST,
    /** The logits at every position. */
    ALL
  }

  private static final RunSpec EMPTY = builder().build();

  private final ImmutableList<Intervention> interventions;
  private final ImmutableMap<HookPoint, Positions> captures;
  private final ImmutableList<String> answerWords;
  private final LogitsMode logits;
  private final ActivationCache resumeCache;
  private final int resumeLayer;

  private RunSpec(Builder b) {
    this.interventions = ImmutableList.copyOf(b.interventions);
    this.captures = ImmutableMap.copyOf(b.captures);
    this.answerWords = ImmutableList.copyOf(new LinkedHashSet<>(b.answerWords));
    this.logits = b.logits;
    this.resumeCache = b.resumeCache;
    this.resumeLayer = b.resumeLayer;
  }

  /** A spec that changes nothing, captures nothing and reads out the last-position logits. */
  public static RunSpec empty() {
    return EMPTY;
  }

  /** A new builder. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder holding this spec's settings. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.interventions.addAll(interventions);
    b.captures.putAll(captures);
    b.answerWords.addAll(answerWords);
    b.logits = logits;
    b.resumeCache = resumeCache;
    b.resumeLayer = resumeLayer;
    return b;
  }

  /** The interventions, in application order. */
  public List<Intervention> interventions() {
    return interventions;
  }

  /** What to capture: hook point to positions. */
  public Map<HookPoint, Positions> captures() {
    return captures;
  }

  /** The answer words whose log-probabilities to read at the last position. */
  public List<String> answerWords() {
    return answerWords;
  }

  /** Which logits to return. */
  public LogitsMode logits() {
    return logits;
  }

  /** Whether anything is read out at the end of the model. */
  public boolean hasReadouts() {
    return !answerWords.isEmpty() || logits != LogitsMode.NONE;
  }

  /** The cache to resume from, or {@code null} for a full run. */
  public ActivationCache resumeCache() {
    return resumeCache;
  }

  /** The language-model layer to resume after, or {@code -1} for a full run. */
  public int resumeLayer() {
    return resumeLayer;
  }

  /** Builds a {@link RunSpec}. */
  @API(status = API.Status.STABLE, since = "0.1.0")
  public static final class Builder {
    private final List<Intervention> interventions = new ArrayList<>();
    private final Map<HookPoint, Positions> captures = new LinkedHashMap<>();
    private final List<String> answerWords = new ArrayList<>();
    private LogitsMode logits = LogitsMode.LAST;
    private ActivationCache resumeCache;
    private int resumeLayer = -1;

    private Builder() {}

    /** Adds an intervention; several at one point apply in the order added. */
    public Builder intervene(Intervention intervention) {
      interventions.add(Objects.requireNonNull(intervention, "intervention"));
      return this;
    }

    /** Captures the given positions at a hook point (replacing an earlier capture there). */
    public Builder capture(HookPoint point, Positions positions) {
      captures.put(Objects.requireNonNull(point, "point"), Objects.requireNonNull(positions, "positions"));
      return this;
    }

    /** Captures every position at a hook point. */
    public Builder capture(HookPoint point) {
      return capture(point, Positions.all());
    }

    /** Reads the log-probabilities of these single-token answer words at the last position. */
    public Builder readWords(String... words) {
      for (String w : words) {
        answerWords.add(Objects.requireNonNull(w, "word"));
      }
      return this;
    }

    /** Reads the log-probabilities of these single-token answer words at the last position. */
    public Builder readWords(List<String> words) {
      return readWords(words.toArray(new String[0]));
    }

    /** Which logits to return (default {@link LogitsMode#LAST}). */
    public Builder logits(LogitsMode mode) {
      this.logits = Objects.requireNonNull(mode, "mode");
      return this;
    }

    /**
     * Starts the run from {@code lm.layer.resid_post} in {@code cache} (all positions of an
     * earlier run of the same input) instead of from the embeddings.
     *
     * @throws IllegalArgumentException when the cache lacks that hook point
     */
    public Builder resumeFrom(ActivationCache cache, int layer) {
      Objects.requireNonNull(cache, "cache");
      cache.get(HookPoint.lmResid(layer));
      this.resumeCache = cache;
      this.resumeLayer = layer;
      return this;
    }

    /**
     * The spec.
     *
     * @throws IllegalArgumentException when an intervention or capture lies before the resume
     *     layer
     */
    public RunSpec build() {
      if (resumeCache != null) {
        for (Intervention i : interventions) {
          checkAfterResume(i.point(), "intervention " + i);
        }
        for (HookPoint p : captures.keySet()) {
          checkAfterResume(p, "capture at " + p);
        }
      }
      return new RunSpec(this);
    }

    private void checkAfterResume(HookPoint p, String what) {
      boolean ok =
          p.component() == HookPoint.Component.LM
              && (p.layer() > resumeLayer || (p.layer() == resumeLayer && p.isLmResid()));
      if (!ok) {
        throw new IllegalArgumentException(
            what + " lies before the resume point lm." + resumeLayer + ".resid_post");
      }
    }
  }
}
