package io.github.vlmlens.core.analysis;

import io.github.vlmlens.core.API;

/**
 * Which token positions of {@code x} get {@code y}'s residual stream in a swap run.
 *
 * <p>Positions are matched between {@code x} and {@code y} by role (the same object word, the
 * k-th text token, the k-th image token), so the two inputs may differ in length only where that
 * matching stays defined.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1.0")
public enum SwapSet {
  /** The last sub-token of each object word (first occurrence in the prompt). */
  OBJECT_WORDS,
  /** Every text token (every position that is not an image token: BOS and the last included). */
  ALL_TEXT,
  /** Every image (or video frame) token. */
  ALL_IMAGE,
  /**
   * The control: as many text tokens as there are object words, drawn without replacement by a
   * seeded generator (the config's seed mixed with the sample id) among the text tokens that are
   * not a sub-token of an object word, not position 0 (BOS) and not the last position (where the
   * answer is read: swapping it would carry the answer by construction). The same tokens are taken
   * in {@code y} by their rank among {@code y}'s text tokens.
   */
  CONTROL_TEXT
}
