package io.github.vlmlens.spatial.real;

import io.github.vlmlens.core.API;
import java.nio.file.Path;
import java.util.Objects;

/**
 * One two-object question about a real image: "Is the {subject} to the left or right of the
 * {object}?" (or above/below, in front of/behind) with its true answer.
 *
 * <p>The object words read in the prompt are the last words of the names ("plant" of "potted
 * plant"), at their last sub-token; when both are the same word the subject's is its first
 * occurrence and the object's the second.
 *
 * @param id a unique id
 * @param image the image file
 * @param subject the subject's name as the question says it
 * @param object the object's name as the question says it
 * @param relation the true relation of the subject to the object
 * @param question the question text (without the model's prompt wrapping)
 * @param subjectBox the subject's box in image pixels, or {@code null} when unknown
 * @param objectBox the object's box in image pixels, or {@code null} when unknown
 * @param source where the sample came from (file and row), for messages
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1.0")
public record RealSample(
    String id, Path image, String subject, String object, Relation relation, String question,
    ObjectBox subjectBox, ObjectBox objectBox, String source) {

  /** Checks the required fields. */
  public RealSample {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(image, "image");
    Objects.requireNonNull(relation, "relation");
    if (subject == null || subject.isBlank() || object == null || object.isBlank()) {
      throw new IllegalArgumentException("sample '" + id + "' needs a subject and an object name");
    }
    if (question == null || question.isBlank()) {
      question = relation.axis().question(subject, object);
    }
    source = source == null ? id : source;
  }

  /** A sample with the standard question of its relation's axis. */
  public static RealSample of(
      String id, Path image, String subject, String object, Relation relation, ObjectBox subjectBox,
      ObjectBox objectBox, String source) {
    return new RealSample(id, image, subject, object, relation, null, subjectBox, objectBox, source);
  }

  /** Whether both boxes are known. */
  public boolean hasBoxes() {
    return subjectBox != null && objectBox != null;
  }

  /** The subject's word read in the prompt (the last word of its name). */
  public String subjectWord() {
    return lastWord(subject);
  }

  /** The object's word read in the prompt (the last word of its name). */
  public String objectWord() {
    return lastWord(object);
  }

  /** The occurrence of {@link #objectWord()} in the prompt: 1 when it equals the subject's word. */
  public int objectOccurrence() {
    return subjectWord().equals(objectWord()) ? 1 : 0;
  }

  /** The true answer word, lower case. */
  public String answer() {
    return relation.word();
  }

  /** The wrong answer word, lower case. */
  public String wrongAnswer() {
    return relation.opposite().word();
  }

  /** The same sample with the relation (and the answer) of the mirrored image. */
  public RealSample mirrored() {
    return new RealSample(id, image, subject, object, relation.opposite(), question, subjectBox, objectBox, source);
  }

  static String lastWord(String name) {
    String[] w = name.strip().split("\\s+");
    return w[w.length - 1];
  }
}
