package io.github.vlmlens.core;

import com.google.common.collect.ImmutableList;
import java.util.List;

/**
 * What {@link HookedVlm#generate} produced: the prompt's tokenization, the generated token ids and
 * texts, the decoded text, why it stopped and, when asked, each step's logits.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.2.0")
public final class Generation {
  /** Why generation ended. */
  public enum StopReason {
    /** A stop token was generated (it is included in the ids). */
    STOP_TOKEN,
    /** The token limit was reached. */
    MAX_TOKENS
  }

  private final Tokenization prompt;
  private final int[] ids;
  private final ImmutableList<String> tokens;
  private final String text;
  private final StopReason reason;
  private final float[][] stepLogits;

  private Generation(
      Tokenization prompt, int[] ids, List<String> tokens, String text, StopReason reason, float[][] stepLogits) {
    this.prompt = prompt;
    this.ids = ids.clone();
    this.tokens = ImmutableList.copyOf(tokens);
    this.text = text;
    this.reason = reason;
    this.stepLogits = stepLogits;
  }

  /**
   * A generation, as a backend builds it.
   *
   * @param stepLogits the logits each token was chosen from ({@code [ids.length][vocab]}), or null
   */
  public static Generation of(
      Tokenization prompt, int[] ids, List<String> tokens, String text, StopReason reason, float[][] stepLogits) {
    if (ids.length != tokens.size()) {
      throw new IllegalArgumentException(ids.length + " ids but " + tokens.size() + " token texts");
    }
    if (stepLogits != null && stepLogits.length != ids.length) {
      throw new IllegalArgumentException(ids.length + " ids but " + stepLogits.length + " steps of logits");
    }
    return new Generation(prompt, ids, tokens, text, reason, stepLogits);
  }

  /** The prompt's tokenization. */
  public Tokenization prompt() {
    return prompt;
  }

  /** The generated token ids (a copy), the stop token included when one ended generation. */
  public int[] ids() {
    return ids.clone();
  }

  /** The generated tokens' texts. */
  public List<String> tokens() {
    return tokens;
  }

  /** The generated text, decoded by the model's tokenizer (special tokens skipped). */
  public String text() {
    return text;
  }

  /** Why generation ended. */
  public StopReason stopReason() {
    return reason;
  }

  /**
   * The logits that token {@code step} was chosen from.
   *
   * @throws IllegalStateException when the spec did not keep logits
   */
  public float[] stepLogits(int step) {
    if (stepLogits == null) {
      throw new IllegalStateException("the generation kept no logits (GenerateSpec.Builder.keepLogits)");
    }
    return stepLogits[step].clone();
  }

  @Override
  public String toString() {
    return "Generation[" + ids.length + " tokens, " + reason + ", \"" + text + "\"]";
  }
}
