package io.github.vlmlens.spatial.real;

import io.github.vlmlens.core.API;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * A two-object spatial relation, as in "the SUBJECT is RELATION the OBJECT", with the question
 * vlmlens asks about it and the answer it expects.
 *
 * <ul>
 *   <li>{@link Axis#HORIZONTAL}: "Is the {S} to the left or right of the {O}?", answers
 *       {@code left}/{@code right};
 *   <li>{@link Axis#VERTICAL}: "Is the {S} above or below the {O}?", answers
 *       {@code above}/{@code below};
 *   <li>{@link Axis#DEPTH}: "Is the {S} in front of or behind the {O}?", answers
 *       {@code front}/{@code behind}.
 * </ul>
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1.0")
public enum Relation {
  /** The subject is to the left of the object. */
  LEFT("left", Axis.HORIZONTAL),
  /** The subject is to the right of the object. */
  RIGHT("right", Axis.HORIZONTAL),
  /** The subject is above the object. */
  ABOVE("above", Axis.VERTICAL),
  /** The subject is below the object. */
  BELOW("below", Axis.VERTICAL),
  /** The subject is in front of the object. */
  FRONT("front", Axis.DEPTH),
  /** The subject is behind the object. */
  BEHIND("behind", Axis.DEPTH);

  /** What a relation's question asks about. */
  public enum Axis {
    /** Left or right. */
    HORIZONTAL,
    /** Above or below. */
    VERTICAL,
    /** In front of or behind. */
    DEPTH;

    /** The two answer words, in the order the question offers them. */
    public List<String> answers() {
      switch (this) {
        case HORIZONTAL:
          return List.of("left", "right");
        case VERTICAL:
          return List.of("above", "below");
        default:
          return List.of("front", "behind");
      }
    }

    /** The question about {@code subject} and {@code object}. */
    public String question(String subject, String object) {
      switch (this) {
        case HORIZONTAL:
          return "Is the " + subject + " to the left or right of the " + object + "?";
        case VERTICAL:
          return "Is the " + subject + " above or below the " + object + "?";
        default:
          return "Is the " + subject + " in front of or behind the " + object + "?";
      }
    }
  }

  private final String word;
  private final Axis axis;

  Relation(String word, Axis axis) {
    this.word = word;
    this.axis = axis;
  }

  /** The answer word, lower case ({@code left}, {@code front}). */
  public String word() {
    return word;
  }

  /** The axis asked about. */
  public Axis axis() {
    return axis;
  }

  /** The other relation on the same axis (the answer a mirrored image has). */
  public Relation opposite() {
    switch (this) {
      case LEFT:
        return RIGHT;
      case RIGHT:
        return LEFT;
      case ABOVE:
        return BELOW;
      case BELOW:
        return ABOVE;
      case FRONT:
        return BEHIND;
      default:
        return FRONT;
    }
  }

  /**
   * Whether the answer is the first the question offers ({@code left}, {@code above},
   * {@code front}): the subject sits toward the axis' start.
   */
  public boolean isFirst() {
    return this == LEFT || this == ABOVE || this == FRONT;
  }

  /** The relation whose answer word is {@code word} (any case, surrounding spaces ignored). */
  public static Optional<Relation> ofWord(String word) {
    if (word == null) {
      return Optional.empty();
    }
    String w = word.strip().toLowerCase(Locale.ROOT);
    for (Relation r : values()) {
      if (r.word.equals(w)) {
        return Optional.of(r);
      }
    }
    return Optional.empty();
  }
}
