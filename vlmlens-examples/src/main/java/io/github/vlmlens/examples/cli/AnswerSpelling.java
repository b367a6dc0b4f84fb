package io.github.vlmlens.examples.cli;

import io.github.vlmlens.core.HookedVlm;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine;
import picocli.CommandLine.ParameterException;

/**
 * Picks how a checkpoint spells its answer words from its own tokenizer: capitalised
 * ({@code "Left"}, as LLaVA and Qwen answer) when every capitalised word is one token, else
 * lowercase when every lowercase word is; otherwise the command stops, naming the words.
 */
final class AnswerSpelling {
  private AnswerSpelling() {}

  /**
   * Whether the model's answer words are capitalised.
   *
   * @param words the lowercase answer words the experiment reads
   * @throws ParameterException when neither spelling is one token per word
   */
  static boolean capitalised(HookedVlm vlm, List<String> words, CommandLine cmd) {
    List<String> problems = new ArrayList<>();
    if (allSingleTokens(vlm, words, true, problems)) {
      return true;
    }
    if (allSingleTokens(vlm, words, false, problems)) {
      return false;
    }
    throw new ParameterException(
        cmd, "the answer words " + words + " are not single tokens of " + vlm.name()
            + " in either spelling: " + String.join("; ", problems));
  }

  private static boolean allSingleTokens(
      HookedVlm vlm, List<String> words, boolean capitalise, List<String> problems) {
    for (String w : words) {
      String form = capitalise ? w.substring(0, 1).toUpperCase(Locale.ROOT) + w.substring(1) : w;
      try {
        vlm.answerTokenId(form);
      } catch (IllegalArgumentException e) {
        problems.add(e.getMessage());
        return false;
      }
    }
    return true;
  }
}
