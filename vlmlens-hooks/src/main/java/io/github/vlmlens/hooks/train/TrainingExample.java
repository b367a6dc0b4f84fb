package io.github.vlmlens.hooks.train;

import io.github.vlmlens.core.API;
import io.github.vlmlens.core.VlmInput;
import java.util.List;
import java.util.Objects;

/**
 * One training sample: an input (image + prompt), the answer the model should give next (a
 * single-token word, as {@link io.github.vlmlens.core.HookedVlm#answerTokenId} reads it), and the
 * anchors of the spatial-ID loss (object words with the target ID of their grid cell).
 *
 * @param input the image(s) and prompt; the answer is appended after the prompt's last token
 * @param answer the answer word; the language-model loss is its cross-entropy (prompt tokens masked)
 * @param anchors the object words the spatial-ID loss reads (may be empty)
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.2.0")
public record TrainingExample(VlmInput input, String answer, List<Anchor> anchors) {
  /** Checks and copies. */
  public TrainingExample {
    Objects.requireNonNull(input, "input");
    Objects.requireNonNull(answer, "answer");
    anchors = List.copyOf(anchors);
  }

  /** A sample without spatial-ID anchors. */
  public static TrainingExample of(VlmInput input, String answer) {
    return new TrainingExample(input, answer, List.of());
  }

  /**
   * An object word whose activation at the spatial-ID layer (read at its last sub-token) should
   * point along {@code target}.
   *
   * @param word the word as it appears in the prompt
   * @param target the target ID (the model's hidden size)
   * @param group anchors of one group are centred together: their mean over the batch is
   *     subtracted before the cosine (the paper's batches share the object pair and A's cell, so
   *     the centred activation is the ID component)
   */
  public record Anchor(String word, float[] target, String group) {
    /** Checks and copies. */
    public Anchor {
      Objects.requireNonNull(word, "word");
      Objects.requireNonNull(group, "group");
      target = target.clone();
    }

    @Override
    public float[] target() {
      return target.clone();
    }
  }
}
