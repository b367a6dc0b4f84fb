package io.github.vlmlens.temporal.real;

import io.github.vlmlens.core.API;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * One user video with its order question, read from a manifest or a folder by {@link VideoData}.
 *
 * @param id the entry's id (unique in its data set)
 * @param video the video file (H.264 in MP4/MOV)
 * @param question the question, as the model is asked it
 * @param candidates the candidate answers, in the file's order
 * @param answer the true answer (one of {@code answerPair}), or {@code null} where the entry is
 *     unlabelled and the model's own preferred answer on the video stands in for it
 * @param answerPair the two candidates that reversing the frames swaps into each other: the answer
 *     on the video and the answer on the reversed video (for an order question {@code before}/{@code
 *     after}; otherwise as the entry's {@code reversed_answer} says)
 * @param objectWords the question's two object words (the words whose activations are swapped or
 *     steered), first-named first
 * @param source where the entry comes from, for messages ({@code "clips.json entry 3"})
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1.0")
public record VideoEntry(
    String id,
    Path video,
    String question,
    List<String> candidates,
    String answer,
    List<String> answerPair,
    List<String> objectWords,
    String source) {

  /**
   * Checks the entry.
   *
   * @throws IllegalArgumentException when the answer pair is not two different candidates, the
   *     answer is not in it, or there are not two object words
   */
  public VideoEntry {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(video, "video");
    Objects.requireNonNull(question, "question");
    Objects.requireNonNull(source, "source");
    candidates = List.copyOf(candidates);
    answerPair = List.copyOf(answerPair);
    objectWords = List.copyOf(objectWords);
    if (answerPair.size() != 2 || answerPair.get(0).equals(answerPair.get(1))
        || !candidates.containsAll(answerPair)) {
      throw new IllegalArgumentException(source + ": the answer pair must be two different candidates, got " + answerPair);
    }
    if (answer != null && !answerPair.contains(answer)) {
      throw new IllegalArgumentException(source + ": answer '" + answer + "' is not in the answer pair " + answerPair);
    }
    if (objectWords.size() != 2) {
      throw new IllegalArgumentException(source + ": two object words are needed, got " + objectWords);
    }
  }

  /** Whether the entry carries its true answer (else the model's own answer stands in). */
  public boolean labelled() {
    return answer != null;
  }

  /** The answer on the reversed video when {@code a} is the answer on the video. */
  public String reversed(String a) {
    if (a.equals(answerPair.get(0))) {
      return answerPair.get(1);
    }
    if (a.equals(answerPair.get(1))) {
      return answerPair.get(0);
    }
    throw new IllegalArgumentException(source + ": '" + a + "' is not in the answer pair " + answerPair);
  }
}
