package io.github.vlmlens.core.analysis;

import com.google.common.collect.ImmutableList;
import io.github.vlmlens.core.API;
import io.github.vlmlens.core.VlmInput;
import java.util.List;
import java.util.Objects;

/**
 * One swap sample: an input {@code x}, its counterfactual {@code y}, the two answer words and the
 * object words of the question.
 *
 * <p>The answer words are the exact single-token strings the model is read at (for example
 * {@code "Left"} for LLaVA, {@code "left"} for a model that answers in lower case): the ground
 * truth on {@code x} and the other answer, which is the ground truth on {@code y}. An object word
 * may be a phrase ({@code "traffic light"}): it is matched as consecutive words of the prompt and
 * read at the last sub-token of its last word.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1.0")
public final class SwapSample {
  private final String id;
  private final VlmInput x;
  private final VlmInput y;
  private final String gtAnswer;
  private final String otherAnswer;
  private final ImmutableList<String> objectWords;

  private SwapSample(
      String id, VlmInput x, VlmInput y, String gtAnswer, String otherAnswer, List<String> objectWords) {
    this.id = id;
    this.x = x;
    this.y = y;
    this.gtAnswer = gtAnswer;
    this.otherAnswer = otherAnswer;
    this.objectWords = ImmutableList.copyOf(objectWords);
  }

  /**
   * A sample.
   *
   * @param id a name unique within an experiment (used to resume and in reports)
   * @param x the input
   * @param y its counterfactual
   * @param gtAnswer the answer word that is correct on {@code x}
   * @param otherAnswer the other answer word (correct on {@code y})
   * @param objectWords the object words of the question, in the order they appear
   * @throws IllegalArgumentException for a blank id, equal or blank answer words, or no object
   *     word
   */
  public static SwapSample of(
      String id, VlmInput x, VlmInput y, String gtAnswer, String otherAnswer, List<String> objectWords) {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(x, "x");
    Objects.requireNonNull(y, "y");
    Objects.requireNonNull(gtAnswer, "gtAnswer");
    Objects.requireNonNull(otherAnswer, "otherAnswer");
    Objects.requireNonNull(objectWords, "objectWords");
    if (id.isBlank()) {
      throw new IllegalArgumentException("a swap sample needs a non-blank id");
    }
    if (gtAnswer.isBlank() || otherAnswer.isBlank()) {
      throw new IllegalArgumentException("sample '" + id + "': blank answer word");
    }
    if (gtAnswer.equals(otherAnswer)) {
      throw new IllegalArgumentException(
          "sample '" + id + "': the two answer words are both '" + gtAnswer + "'");
    }
    if (objectWords.isEmpty()) {
      throw new IllegalArgumentException("sample '" + id + "' names no object word");
    }
    for (String w : objectWords) {
      if (Objects.requireNonNull(w, "object word").isBlank()) {
        throw new IllegalArgumentException("sample '" + id + "': blank object word");
      }
    }
    return new SwapSample(id, x, y, gtAnswer, otherAnswer, objectWords);
  }

  /** The sample's id. */
  public String id() {
    return id;
  }

  /** The input. */
  public VlmInput x() {
    return x;
  }

  /** The counterfactual input. */
  public VlmInput y() {
    return y;
  }

  /** The answer word that is correct on {@code x}. */
  public String gtAnswer() {
    return gtAnswer;
  }

  /** The other answer word, correct on {@code y}. */
  public String otherAnswer() {
    return otherAnswer;
  }

  /** The object words of the question, in prompt order. */
  public List<String> objectWords() {
    return objectWords;
  }

  @Override
  public String toString() {
    return "SwapSample[" + id + ", gt=" + gtAnswer + ", objects=" + objectWords + "]";
  }
}
