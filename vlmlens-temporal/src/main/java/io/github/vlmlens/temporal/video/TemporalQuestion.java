package io.github.vlmlens.temporal.video;

import com.google.common.collect.ImmutableList;
import io.github.vlmlens.core.API;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeSet;

/**
 * An order question about a video, its answer words ({@code before}, {@code after}, lowercase)
 * and, when defined, the correct one.
 *
 * <ul>
 *   <li>{@link Kind#OBJECT_ORDER}: "Does the {o1} appear before or after the {o2}?"; defined when
 *       the two objects appear in different frames. Object words: {@code o1}, {@code o2}.
 *   <li>{@link Kind#SCENE_ORDER}: "Does the scene '{s1}' occur before or after the scene
 *       '{s2}'?"; always defined. Object words: the two scene names.
 * </ul>
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1.0")
public final class TemporalQuestion {
  /** The answer word when the first-named thing comes first. */
  public static final String BEFORE = "before";
  /** The answer word when it comes second. */
  public static final String AFTER = "after";

  /** What a question asks about. */
  public enum Kind {
    /** The order of two objects' appearances. */
    OBJECT_ORDER,
    /** The order of two scenes. */
    SCENE_ORDER
  }

  private final Kind kind;
  private final String text;
  private final String correct;
  private final ImmutableList<String> objectWords;

  private TemporalQuestion(Kind kind, String text, String correct, List<String> objectWords) {
    this.kind = kind;
    this.text = text;
    this.correct = correct;
    this.objectWords = ImmutableList.copyOf(objectWords);
  }

  /** "Does the {first} appear before or after the {second}?" about an object video. */
  public static TemporalQuestion objectOrder(ObjectVideo video) {
    Objects.requireNonNull(video, "video");
    String o1 = video.first().object().word();
    String o2 = video.second().object().word();
    int f1 = video.first().frame();
    int f2 = video.second().frame();
    return new TemporalQuestion(
        Kind.OBJECT_ORDER,
        "Does the " + o1 + " appear before or after the " + o2 + "?",
        f1 < f2 ? BEFORE : f1 > f2 ? AFTER : null,
        List.of(o1, o2));
  }

  /** "Does the scene '{asked}' occur before or after the scene '{other}'?" about a scene video. */
  public static TemporalQuestion sceneOrder(SceneVideo video) {
    Objects.requireNonNull(video, "video");
    String s1 = video.asked().word();
    String s2 = video.other().word();
    return new TemporalQuestion(
        Kind.SCENE_ORDER,
        "Does the scene '" + s1 + "' occur before or after the scene '" + s2 + "'?",
        video.askedFirst() ? BEFORE : AFTER,
        List.of(s1, s2));
  }

  /**
   * Every token a word-level tokenizer needs for these questions and their answers in
   * {@code form}, sorted: the template words, the answer words, every object and scene name, and
   * the punctuation tokens {@code ?} and {@code '}.
   */
  public static List<String> vocabulary(AnswerForm form) {
    TreeSet<String> out = new TreeSet<>();
    for (String w : "Does the appear before or after scene occur".split(" ")) {
      out.add(w);
    }
    out.add(form.apply(BEFORE));
    out.add(form.apply(AFTER));
    for (VideoObject o : VideoObject.values()) {
      out.add(o.word());
    }
    for (SceneStyle s : SceneStyle.values()) {
      out.add(s.word());
    }
    out.add("?");
    out.add("'");
    return ImmutableList.copyOf(out);
  }

  /** What the question asks about. */
  public Kind kind() {
    return kind;
  }

  /** The question text, without any model-specific prompt wrapping. */
  public String text() {
    return text;
  }

  /** The answer words {@code before} and {@code after}, in the order the question offers them. */
  public List<String> answers() {
    return List.of(BEFORE, AFTER);
  }

  /** Whether the question has a correct answer. */
  public boolean isDefined() {
    return correct != null;
  }

  /** The correct answer word; empty when undefined (both objects in one frame). */
  public Optional<String> correctAnswer() {
    return Optional.ofNullable(correct);
  }

  /** The other answer word; empty when undefined. */
  public Optional<String> wrongAnswer() {
    return correct == null ? Optional.empty() : Optional.of(correct.equals(BEFORE) ? AFTER : BEFORE);
  }

  /** The object (or scene) words in the order they appear in the text. */
  public List<String> objectWords() {
    return objectWords;
  }

  /** The first-named object or scene: the subject, whose word temporal IDs are read at. */
  public String subject() {
    return objectWords.get(0);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TemporalQuestion
        && ((TemporalQuestion) o).kind == kind
        && ((TemporalQuestion) o).text.equals(text)
        && Objects.equals(((TemporalQuestion) o).correct, correct);
  }

  @Override
  public int hashCode() {
    return Objects.hash(kind, text, correct);
  }

  @Override
  public String toString() {
    return text + " -> " + (correct == null ? "(undefined)" : correct);
  }
}
