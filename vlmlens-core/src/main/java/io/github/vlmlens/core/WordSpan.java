package io.github.vlmlens.core;

import java.util.Objects;

/**
 * One word of a prompt and the tokens that carry it.
 *
 * <p>A word is a maximal run of letters and digits in the prompt (apostrophes and hyphens inside a
 * word stay with it). {@link #lastToken()} is where vlmlens reads a word's activation: the last
 * sub-token, as in the paper.
 */
@API(status = API.Status.STABLE, since = "0.1.0")
public final class WordSpan {
  private final String text;
  private final int charStart;
  private final int charEnd;
  private final int firstToken;
  private final int lastToken;

  private WordSpan(String text, int charStart, int charEnd, int firstToken, int lastToken) {
    this.text = text;
    this.charStart = charStart;
    this.charEnd = charEnd;
    this.firstToken = firstToken;
    this.lastToken = lastToken;
  }

  /**
   * A word at characters {@code [charStart, charEnd)} of the prompt, carried by tokens
   * {@code firstToken..lastToken} (inclusive).
   */
  public static WordSpan of(String text, int charStart, int charEnd, int firstToken, int lastToken) {
    Objects.requireNonNull(text, "text");
    if (charStart < 0 || charEnd < charStart || firstToken < 0 || lastToken < firstToken) {
      throw new IllegalArgumentException(
          "bad word span for '" + text + "': chars [" + charStart + ", " + charEnd + "), tokens "
              + firstToken + ".." + lastToken);
    }
    return new WordSpan(text, charStart, charEnd, firstToken, lastToken);
  }

  /** The word as it stands in the prompt. */
  public String text() {
    return text;
  }

  /** Its first character's offset in the prompt. */
  public int charStart() {
    return charStart;
  }

  /** One past its last character's offset in the prompt. */
  public int charEnd() {
    return charEnd;
  }

  /** The position of its first sub-token. */
  public int firstToken() {
    return firstToken;
  }

  /** The position of its last sub-token: where the word's activation is read. */
  public int lastToken() {
    return lastToken;
  }

  /** How many tokens carry the word. */
  public int tokenCount() {
    return lastToken - firstToken + 1;
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof WordSpan)) {
      return false;
    }
    WordSpan w = (WordSpan) o;
    return text.equals(w.text)
        && charStart == w.charStart
        && charEnd == w.charEnd
        && firstToken == w.firstToken
        && lastToken == w.lastToken;
  }

  @Override
  public int hashCode() {
    return Objects.hash(text, charStart, charEnd, firstToken, lastToken);
  }

  @Override
  public String toString() {
    return "'" + text + "'@" + (firstToken == lastToken ? "" + lastToken : firstToken + ".." + lastToken);
  }
}
