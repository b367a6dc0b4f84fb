package io.github.vlmlens.spatial.scene;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableSet;
import io.github.vlmlens.core.API;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;

/**
 * A question about a {@link Placement}, its two answer words and, when defined, the correct one.
 *
 * <p>The questions (B is the object asked about, A the reference):
 *
 * <ul>
 *   <li>{@link QuestionAxis#HORIZONTAL}: "Is the {B} to the left or right of the {A}?", answers
 *       {@code left}/{@code right}; defined when the columns differ.
 *   <li>{@link QuestionAxis#VERTICAL}: "Is the {B} above or below the {A}?", answers
 *       {@code above}/{@code below}; defined when the rows differ.
 *   <li>{@link QuestionAxis#COLOR}: "What color is the {A}, {c1} or {c2}?", one of A's colour and
 *       its 180-degree partner (so the hue-rotated scene flips the answer), in seeded order.
 *   <li>{@link QuestionAxis#NONE} (plain prompt): "Is there a {B} in the image?" ("an" before a
 *       vowel), answers {@code yes}/{@code no}, correct {@code yes}.
 * </ul>
 *
 * <p>Answer words are lowercase single words; the capitalisation or leading space a model's
 * tokenizer wants is the backend's concern. Training and accuracy should use defined questions
 * only; extraction may use every placement.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1.0")
public final class SpatialQuestion {
  private static final List<String> TEMPLATES =
      List.of(
          "Is the {B} to the left or right of the {A}?",
          "Is the {B} above or below the {A}?",
          "What color is the {A}, {C1} or {C2}?",
          "Is there a {B} in the image?",
          "Is there an {B} in the image?");

  /** Words the questions and answers use, lowercased; object names may not be one of them. */
  static final Set<String> RESERVED_WORDS = reservedWords();

  private final QuestionAxis axis;
  private final String text;
  private final ImmutableList<String> answers;
  private final String correct;
  private final ImmutableList<String> objectWords;
  private final String subject;

  private SpatialQuestion(
      QuestionAxis axis, String text, List<String> answers, String correct,
      List<String> objectWords, String subject) {
    this.axis = axis;
    this.text = text;
    this.answers = ImmutableList.copyOf(answers);
    this.correct = correct;
    this.objectWords = ImmutableList.copyOf(objectWords);
    this.subject = subject;
  }

  private static Set<String> reservedWords() {
    Set<String> words = new TreeSet<>();
    for (String t : TEMPLATES) {
      for (String w : words(t.replaceAll("\\{[A-Z0-9]+}", " "))) {
        words.add(w.toLowerCase(Locale.ROOT));
      }
    }
    words.addAll(List.of("left", "right", "above", "below", "yes", "no"));
    for (PaletteColor c : PaletteColor.values()) {
      words.add(c.word());
    }
    return ImmutableSet.copyOf(words);
  }

  private static List<String> words(String s) {
    ImmutableList.Builder<String> out = ImmutableList.builder();
    for (String w : s.split("[^A-Za-z]+")) {
      if (!w.isEmpty()) {
        out.add(w);
      }
    }
    return out.build();
  }

  /** "Is the {B} to the left or right of the {A}?"; correct "left" when B's column is smaller. */
  public static SpatialQuestion leftRight(Placement p) {
    int cb = p.b().cell().column();
    int ca = p.a().cell().column();
    return new SpatialQuestion(
        QuestionAxis.HORIZONTAL,
        "Is the " + p.b().word() + " to the left or right of the " + p.a().word() + "?",
        List.of("left", "right"),
        cb < ca ? "left" : cb > ca ? "right" : null,
        List.of(p.b().word(), p.a().word()),
        p.b().word());
  }

  /** "Is the {B} above or below the {A}?"; correct "above" when B's row is smaller (higher). */
  public static SpatialQuestion aboveBelow(Placement p) {
    int rb = p.b().cell().row();
    int ra = p.a().cell().row();
    return new SpatialQuestion(
        QuestionAxis.VERTICAL,
        "Is the " + p.b().word() + " above or below the " + p.a().word() + "?",
        List.of("above", "below"),
        rb < ra ? "above" : rb > ra ? "below" : null,
        List.of(p.b().word(), p.a().word()),
        p.b().word());
  }

  /**
   * "What color is the {A}, {c1} or {c2}?" with A's colour and its complement, A's colour first
   * when {@code correctFirst}.
   */
  public static SpatialQuestion color(Placement p, boolean correctFirst) {
    String right = p.a().color().word();
    String wrong = p.a().color().complement().word();
    String c1 = correctFirst ? right : wrong;
    String c2 = correctFirst ? wrong : right;
    return new SpatialQuestion(
        QuestionAxis.COLOR,
        "What color is the " + p.a().word() + ", " + c1 + " or " + c2 + "?",
        List.of(c1, c2),
        right,
        List.of(p.a().word()),
        p.a().word());
  }

  /** {@link #color(Placement, boolean)} with the order drawn by {@code random.nextBoolean()}. */
  public static SpatialQuestion color(Placement p, Random random) {
    return color(p, random.nextBoolean());
  }

  /**
   * The plain prompt "Is there a {B} in the image?" ("an" before a vowel); correct "yes".
   */
  public static SpatialQuestion presence(Placement p) {
    String article = "aeiou".indexOf(p.b().word().charAt(0)) >= 0 ? "an" : "a";
    return new SpatialQuestion(
        QuestionAxis.NONE,
        "Is there " + article + " " + p.b().word() + " in the image?",
        List.of("yes", "no"),
        "yes",
        List.of(p.b().word()),
        p.b().word());
  }

  /**
   * The question on {@code axis} about {@code p}; {@code random} orders the colour options and is
   * not used for the other axes.
   */
  public static SpatialQuestion of(QuestionAxis axis, Placement p, Random random) {
    switch (Objects.requireNonNull(axis, "axis")) {
      case HORIZONTAL:
        return leftRight(p);
      case VERTICAL:
        return aboveBelow(p);
      case COLOR:
        return color(p, random);
      default:
        return presence(p);
    }
  }

  /**
   * Every word (maximal run of letters, case kept) that these questions and their answers can
   * contain for objects of {@code library}, sorted: what a word-level tokenizer needs.
   */
  public static List<String> vocabulary(ObjectLibrary library) {
    Set<String> out = new TreeSet<>();
    for (String t : TEMPLATES) {
      out.addAll(words(t.replaceAll("\\{[A-Z0-9]+}", " ")));
    }
    out.addAll(RESERVED_WORDS);
    out.addAll(library.names());
    return ImmutableList.copyOf(out);
  }

  /** What the question asks about. */
  public QuestionAxis axis() {
    return axis;
  }

  /** The question text, without any model-specific prompt wrapping. */
  public String text() {
    return text;
  }

  /** The two answer words, in the order the question offers them. */
  public List<String> answers() {
    return answers;
  }

  /** Whether the question has a correct answer. */
  public boolean isDefined() {
    return correct != null;
  }

  /** The correct answer word; empty when undefined (same column, or same row). */
  public Optional<String> correctAnswer() {
    return Optional.ofNullable(correct);
  }

  /** The other answer word; empty when undefined. */
  public Optional<String> wrongAnswer() {
    if (correct == null) {
      return Optional.empty();
    }
    return Optional.of(answers.get(0).equals(correct) ? answers.get(1) : answers.get(0));
  }

  /** The object words in the order they appear in {@link #text()}. */
  public List<String> objectWords() {
    return objectWords;
  }

  /**
   * The object word whose property is asked: B for spatial and plain questions (where spatial
   * IDs are read), A for colour questions.
   */
  public String subject() {
    return subject;
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof SpatialQuestion)) {
      return false;
    }
    SpatialQuestion q = (SpatialQuestion) o;
    return axis == q.axis && text.equals(q.text) && answers.equals(q.answers)
        && Objects.equals(correct, q.correct) && objectWords.equals(q.objectWords)
        && subject.equals(q.subject);
  }

  @Override
  public int hashCode() {
    return Objects.hash(axis, text, answers, correct, objectWords, subject);
  }

  @Override
  public String toString() {
    return text + " -> " + (correct == null ? "(undefined)" : correct);
  }
}
