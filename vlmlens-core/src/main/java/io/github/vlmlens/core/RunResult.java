package io.github.vlmlens.core;

import com.google.common.collect.ImmutableMap;
import java.util.Map;
import java.util.Objects;

/** What one forward pass returned: readouts at the last position and the captured activations. */
@API(status = API.Status.STABLE, since = "0.1.0")
public final class RunResult {
  private final Tokenization tokenization;
  private final ImmutableMap<String, Double> logProbs;
  private final float[][] logits;
  private final int topTokenId;
  private final String topToken;
  private final ActivationCache cache;

  private RunResult(
      Tokenization tokenization,
      Map<String, Double> logProbs,
      float[][] logits,
      int topTokenId,
      String topToken,
      ActivationCache cache) {
    this.tokenization = tokenization;
    this.logProbs = ImmutableMap.copyOf(logProbs);
    this.logits = logits;
    this.topTokenId = topTokenId;
    this.topToken = topToken;
    this.cache = cache;
  }

  /**
   * A result, as a backend builds it.
   *
   * @param tokenization the run's tokenization
   * @param logProbs answer word to its log-probability at the last position
   * @param logits the returned logits: none ({@code null} or empty), the last row, or every row
   * @param topTokenId the most likely next token at the last position, or -1 when not computed
   * @param topToken its text, or {@code null}
   * @param cache the captured activations
   */
  public static RunResult of(
      Tokenization tokenization,
      Map<String, Double> logProbs,
      float[][] logits,
      int topTokenId,
      String topToken,
      ActivationCache cache) {
    return new RunResult(
        Objects.requireNonNull(tokenization, "tokenization"),
        logProbs,
        logits == null ? new float[0][] : logits,
        topTokenId,
        topToken,
        Objects.requireNonNull(cache, "cache"));
  }

  /** The run's tokenization. */
  public Tokenization tokenization() {
    return tokenization;
  }

  /** The captured activations. */
  public ActivationCache cache() {
    return cache;
  }

  /** Every answer word read out, with its log-probability. */
  public Map<String, Double> logProbs() {
    return logProbs;
  }

  /**
   * The log-probability of an answer word at the last position.
   *
   * @throws IllegalArgumentException when the word was not asked for in the spec
   */
  public double logProb(String word) {
    Double v = logProbs.get(word);
    if (v == null) {
      throw new IllegalArgumentException(
          "answer word '" + word + "' was not read out; the spec asked for " + logProbs.keySet());
    }
    return v;
  }

  /** The probability of an answer word at the last position. */
  public double prob(String word) {
    return Math.exp(logProb(word));
  }

  /** The most likely next token's id at the last position, or -1 when not computed. */
  public int topTokenId() {
    return topTokenId;
  }

  /** The most likely next token's text, or {@code null} when not computed. */
  public String topToken() {
    return topToken;
  }

  /**
   * The logits at the last position.
   *
   * @throws IllegalStateException when the spec asked for no logits
   */
  public float[] lastLogits() {
    if (logits.length == 0) {
      throw new IllegalStateException("no logits were read out; use RunSpec.LogitsMode.LAST or ALL");
    }
    return logits[logits.length - 1].clone();
  }

  /**
   * The logits at every position.
   *
   * @throws IllegalStateException unless the spec asked for {@link RunSpec.LogitsMode#ALL}
   */
  public float[][] allLogits() {
    if (logits.length != tokenization.length()) {
      throw new IllegalStateException("logits at all positions need RunSpec.LogitsMode.ALL");
    }
    float[][] copy = new float[logits.length][];
    for (int i = 0; i < logits.length; i++) {
      copy[i] = logits[i].clone();
    }
    return copy;
  }

  @Override
  public String toString() {
    return "RunResult[" + logProbs + ", top=" + topToken + ", " + cache + "]";
  }
}
