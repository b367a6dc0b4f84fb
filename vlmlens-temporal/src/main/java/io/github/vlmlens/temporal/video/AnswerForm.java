package io.github.vlmlens.temporal.video;

import io.github.vlmlens.core.API;
import java.util.Locale;

/**
 * How a model spells its answer words: the questions' answers are lowercase ({@code "before"});
 * LLaVA-style models answer capitalised ({@code "Before"}), the bundled tiny model in lower case.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1.0")
public enum AnswerForm {
  /** As the questions give them: {@code "before"}. */
  LOWERCASE,
  /** First letter capitalised: {@code "Before"}. */
  CAPITALISED;

  /** The answer word in this form. */
  public String apply(String word) {
    if (this == LOWERCASE || word.isEmpty()) {
      return word;
    }
    return word.substring(0, 1).toUpperCase(Locale.ROOT) + word.substring(1);
  }
}
