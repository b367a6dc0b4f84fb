package io.github.vlmlens.core.analysis;

import io.github.vlmlens.core.API;

/**
 * How the belief shift of a patched run is measured, from the log-probabilities an answer word
 * gets on {@code x}, on the patched run {@code x~} and on the counterfactual {@code y}.
 *
 * <p>A shift of 1 means the patch moved the belief all the way to the counterfactual, 0 not at
 * all. Samples whose denominator is smaller in absolute value than the configured threshold are
 * excluded, never set to 0.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1.0")
public enum ShiftFormula {
  /**
   * The paper's definition (the default): {@code (P_x(w) - P_x~(w)) / (P_x(w) - P_y(w))} on
   * probabilities.
   */
  PROBABILITY,
  /**
   * The authors' scripts' variant: {@code (log P_x(w) - log P_x~(w)) / (log P_x(w) - log P_y(w))}
   * on log-probabilities (natural log); the threshold then applies to the log denominator.
   */
  LOG_PROBABILITY;

  /**
   * The denominator {@code P_x(w) - P_y(w)} (or its log form) for one answer word.
   *
   * @param logPx the word's log-probability on {@code x}
   * @param logPy the word's log-probability on {@code y}
   */
  public double denominator(double logPx, double logPy) {
    return this == PROBABILITY ? Math.exp(logPx) - Math.exp(logPy) : logPx - logPy;
  }

  /**
   * The belief shift for one answer word; infinite or NaN when the denominator is zero (callers
   * apply the threshold first).
   *
   * @param logPx the word's log-probability on {@code x}
   * @param logPPatched its log-probability on the patched run {@code x~}
   * @param logPy its log-probability on {@code y}
   */
  public double shift(double logPx, double logPPatched, double logPy) {
    double numerator = this == PROBABILITY ? Math.exp(logPx) - Math.exp(logPPatched) : logPx - logPPatched;
    return numerator / denominator(logPx, logPy);
  }
}
