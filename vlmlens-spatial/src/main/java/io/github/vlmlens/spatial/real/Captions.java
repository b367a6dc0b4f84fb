package io.github.vlmlens.spatial.real;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses "A {subject} [is] RELATION a {object}" captions and the standard questions. */
final class Captions {
  private static final String ARTICLE = "(?:(?:a|an|the)\\s+)?";
  private static final String RELATIONS =
      "to the left of|to the right of|on the left of|on the right of|left of|right of|above|below|under|in front of|behind";
  private static final Pattern CAPTION = Pattern.compile(
      "^\\s*" + ARTICLE + "(.+?)\\s+(?:is\\s+|are\\s+)?(" + RELATIONS + ")\\s+" + ARTICLE + "(.+?)\\s*[.!]?\\s*$",
      Pattern.CASE_INSENSITIVE);
  private static final Pattern[] QUESTIONS = {
    Pattern.compile("^\\s*is\\s+" + ARTICLE + "(.+?)\\s+to the left or right of\\s+" + ARTICLE + "(.+?)\\s*\\?.*$",
        Pattern.CASE_INSENSITIVE | Pattern.DOTALL),
    Pattern.compile("^\\s*is\\s+" + ARTICLE + "(.+?)\\s+above or below\\s+" + ARTICLE + "(.+?)\\s*\\?.*$",
        Pattern.CASE_INSENSITIVE | Pattern.DOTALL),
    Pattern.compile("^\\s*is\\s+" + ARTICLE + "(.+?)\\s+in front of or behind\\s+" + ARTICLE + "(.+?)\\s*\\?.*$",
        Pattern.CASE_INSENSITIVE | Pattern.DOTALL),
  };

  private Captions() {}

  /** A parsed caption. */
  public record Parsed(String subject, Relation relation, String object) {}

  /**
   * Parses a caption.
   *
   * @throws IllegalArgumentException when no relation vlmlens can phrase is found
   */
  public static Parsed caption(String caption) {
    Matcher m = CAPTION.matcher(caption == null ? "" : caption);
    if (!m.matches()) {
      throw new IllegalArgumentException(
          "cannot phrase \"" + caption + "\" as a two-object question: expected \"A {subject} RELATION a {object}\""
              + " with RELATION one of " + RELATIONS.replace("|", ", "));
    }
    String rel = m.group(2).toLowerCase(Locale.ROOT);
    Relation r;
    if (rel.contains("left")) {
      r = Relation.LEFT;
    } else if (rel.contains("right")) {
      r = Relation.RIGHT;
    } else if (rel.equals("above")) {
      r = Relation.ABOVE;
    } else if (rel.equals("below") || rel.equals("under")) {
      r = Relation.BELOW;
    } else if (rel.equals("in front of")) {
      r = Relation.FRONT;
    } else {
      r = Relation.BEHIND;
    }
    return new Parsed(clean(m.group(1)), r, clean(m.group(3)));
  }

  /** The subject and object of a standard question, or {@code null} when it is not one. */
  public static String[] question(String question, Relation.Axis axis) {
    Matcher m = QUESTIONS[axis.ordinal()].matcher(question);
    return m.matches() ? new String[] {clean(m.group(1)), clean(m.group(2))} : null;
  }

  private static String clean(String s) {
    return s.strip().replaceAll("\\s+", " ").toLowerCase(Locale.ROOT);
  }
}
