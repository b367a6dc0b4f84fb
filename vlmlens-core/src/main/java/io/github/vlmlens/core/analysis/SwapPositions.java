package io.github.vlmlens.core.analysis;

import io.github.vlmlens.core.Tokenization;
import io.github.vlmlens.core.WordSpan;
import io.github.vlmlens.core.analysis.internal.Seeds;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.commons.math3.random.RandomGenerator;
import org.apache.commons.math3.random.Well19937c;

/**
 * The positions of each swap set in {@code x} (targets) and {@code y} (sources) of one sample.
 */
final class SwapPositions {
  private final int[] objectX;
  private final Map<SwapSet, int[]> targets;
  private final Map<SwapSet, int[]> sources;

  private SwapPositions(int[] objectX, Map<SwapSet, int[]> targets, Map<SwapSet, int[]> sources) {
    this.objectX = objectX;
    this.targets = targets;
    this.sources = sources;
  }

  /**
   * Finds every requested set's positions.
   *
   * @param seed the config's seed; the control's draw uses it mixed with the sample id
   * @throws IllegalArgumentException naming the sample, the word and the prompt when an object
   *     word is missing, or when {@code x} and {@code y} cannot be matched for a set
   */
  public static SwapPositions of(
      SwapSample s, Tokenization tx, Tokenization ty, List<SwapSet> sets, long seed) {
    return of(s, tx, ty, sets, seed, ImageTokenDefinition.TEXT_STREAM_POSITIONS);
  }

  /**
   * Finds every requested set's positions under a definition of image tokens: with
   * {@link ImageTokenDefinition#CROSS_ATTENTION_STATES} every sequence position is text and
   * {@link SwapSet#ALL_IMAGE} has no text-stream positions (its swap is of the states).
   *
   * @throws IllegalArgumentException as {@link #of(SwapSample, Tokenization, Tokenization, List, long)}
   */
  public static SwapPositions of(
      SwapSample s, Tokenization tx, Tokenization ty, List<SwapSet> sets, long seed, ImageTokenDefinition images) {
    boolean cross = images == ImageTokenDefinition.CROSS_ATTENTION_STATES;
    List<WordSpan[]> objX = objectSpans(s, tx, "x");
    List<WordSpan[]> objY = objectSpans(s, ty, "y");
    int[] lastX = lastTokens(s, objX, "x");
    int[] lastY = lastTokens(s, objY, "y");
    Map<SwapSet, int[]> targets = new EnumMap<>(SwapSet.class);
    Map<SwapSet, int[]> sources = new EnumMap<>(SwapSet.class);
    for (SwapSet set : sets) {
      switch (set) {
        case OBJECT_WORDS:
          targets.put(set, lastX);
          sources.put(set, lastY);
          break;
        case ALL_TEXT: {
          int[] tX = text(tx, cross);
          int[] tY = matched(s, set, tX, text(ty, cross), "text");
          targets.put(set, tX);
          sources.put(set, tY);
          break;
        }
        case ALL_IMAGE: {
          if (cross && tx.imageCount() > 0) {
            if (ty.imageCount() != tx.imageCount()) {
              throw new IllegalArgumentException(
                  "sample '" + s.id() + "': swap set ALL_IMAGE swaps the cross-attention states image by image,"
                      + " but x has " + tx.imageCount() + " image(s) and y " + ty.imageCount());
            }
            // the states are swapped whole, in the cross-attention blocks; no text-stream position
            targets.put(set, new int[0]);
            sources.put(set, new int[0]);
            break;
          }
          int[] iX = tx.imagePositions().resolve(tx.length());
          if (iX.length == 0) {
            throw new IllegalArgumentException(
                "sample '" + s.id() + "': swap set ALL_IMAGE needs image tokens, but x has none: \""
                    + tx.prompt() + "\"");
          }
          int[] iY = matched(s, set, iX, ty.imagePositions().resolve(ty.length()), "image");
          targets.put(set, iX);
          sources.put(set, iY);
          break;
        }
        case CONTROL_TEXT: {
          int[] tX = text(tx, cross);
          int[] tY = matched(s, set, tX, text(ty, cross), "text");
          int[] chosenRanks = controlRanks(s, tx, tX, objX, seed);
          int[] cX = new int[chosenRanks.length];
          int[] cY = new int[chosenRanks.length];
          for (int i = 0; i < chosenRanks.length; i++) {
            cX[i] = tX[chosenRanks[i]];
            cY[i] = tY[chosenRanks[i]];
          }
          targets.put(set, cX);
          sources.put(set, cY);
          break;
        }
        default:
          throw new AssertionError(set);
      }
    }
    return new SwapPositions(lastX, targets, sources);
  }

  /** Text positions: every position when images live outside the text stream. */
  private static int[] text(Tokenization t, boolean everyPosition) {
    return (everyPosition ? io.github.vlmlens.core.Positions.all() : t.textPositions()).resolve(t.length());
  }

  /** The last sub-token of each object word in {@code x}. */
  public int[] objectPositionsX() {
    return objectX.clone();
  }

  /** A set's positions in {@code x}. */
  public int[] targets(SwapSet set) {
    return get(targets, set).clone();
  }

  /** A set's positions in {@code y}, matched one to one with {@link #targets}. */
  public int[] sources(SwapSet set) {
    return get(sources, set).clone();
  }

  /** Whether the set was computed. */
  public boolean has(SwapSet set) {
    return targets.containsKey(set);
  }

  private static int[] get(Map<SwapSet, int[]> m, SwapSet set) {
    int[] v = m.get(set);
    if (v == null) {
      throw new IllegalArgumentException(set + " was not computed");
    }
    return v;
  }

  /** The k-th text (or image) token of x matched with the k-th of y. */
  private static int[] matched(SwapSample s, SwapSet set, int[] inX, int[] inY, String kind) {
    if (inX.length != inY.length) {
      throw new IllegalArgumentException(
          "sample '" + s.id() + "': swap set " + set + " matches " + kind + " tokens by rank, but x has "
              + inX.length + " and y has " + inY.length + " " + kind + " tokens (x: \""
              + s.x().prompt() + "\", y: \"" + s.y().prompt() + "\")");
    }
    return inY;
  }

  /**
   * The control's ranks among x's text tokens: as many as object words, drawn without replacement
   * (a partial Fisher-Yates shuffle by a Well19937c generator seeded with the config seed mixed
   * with the sample id) from the text tokens that are no sub-token of an object word, not
   * position 0 (BOS) and not the last position; returned in ascending order.
   */
  private static int[] controlRanks(
      SwapSample s, Tokenization tx, int[] textX, List<WordSpan[]> objX, long seed) {
    Set<Integer> excluded = new HashSet<>();
    for (WordSpan[] phrase : objX) {
      for (WordSpan w : phrase) {
        for (int p = w.firstToken(); p <= w.lastToken(); p++) {
          excluded.add(p);
        }
      }
    }
    excluded.add(0);
    excluded.add(tx.lastPosition());
    List<Integer> candidates = new ArrayList<>();
    for (int r = 0; r < textX.length; r++) {
      if (!excluded.contains(textX[r])) {
        candidates.add(r);
      }
    }
    int k = objX.size();
    if (candidates.size() < k) {
      throw new IllegalArgumentException(
          "sample '" + s.id() + "': the control needs " + k + " text tokens that are not object words,"
              + " BOS or the last position, but the prompt has only " + candidates.size() + ": \""
              + tx.prompt() + "\"");
    }
    RandomGenerator rng = new Well19937c(Seeds.mix(seed, Seeds.of(s.id())));
    for (int i = 0; i < k; i++) {
      int j = i + rng.nextInt(candidates.size() - i);
      Collections.swap(candidates, i, j);
    }
    int[] chosen = new int[k];
    for (int i = 0; i < k; i++) {
      chosen[i] = candidates.get(i);
    }
    Arrays.sort(chosen);
    return chosen;
  }

  private static int[] lastTokens(SwapSample s, List<WordSpan[]> spans, String which) {
    int[] out = new int[spans.size()];
    Map<Integer, String> seen = new HashMap<>();
    for (int i = 0; i < out.length; i++) {
      WordSpan[] phrase = spans.get(i);
      out[i] = phrase[phrase.length - 1].lastToken();
      String before = seen.put(out[i], s.objectWords().get(i));
      if (before != null) {
        throw new IllegalArgumentException(
            "sample '" + s.id() + "': object words '" + before + "' and '" + s.objectWords().get(i)
                + "' end on the same token " + out[i] + " of " + which);
      }
    }
    return out;
  }

  /**
   * Each object word (or phrase) matched as consecutive prompt words; a word repeated in the
   * object list takes its next occurrence.
   */
  private static List<WordSpan[]> objectSpans(SwapSample s, Tokenization t, String which) {
    List<WordSpan> words = t.words();
    List<WordSpan[]> out = new ArrayList<>();
    Map<String, Integer> used = new HashMap<>();
    for (String object : s.objectWords()) {
      String[] parts = object.trim().split("\\s+");
      int occurrence = used.merge(object, 1, Integer::sum) - 1;
      int seen = 0;
      WordSpan[] found = null;
      for (int i = 0; i + parts.length <= words.size() && found == null; i++) {
        boolean match = true;
        for (int j = 0; j < parts.length && match; j++) {
          match = words.get(i + j).text().equals(parts[j]);
        }
        if (match) {
          if (seen == occurrence) {
            found = words.subList(i, i + parts.length).toArray(new WordSpan[0]);
          }
          seen++;
        }
      }
      if (found == null) {
        String where = seen == 0
            ? "does not occur in"
            : "occurs " + seen + " time(s), not " + (occurrence + 1) + ", in";
        throw new IllegalArgumentException(
            "sample '" + s.id() + "': object word '" + object + "' " + where + " the prompt of " + which
                + ": \"" + t.prompt() + "\"; its words are "
                + words.stream().map(WordSpan::text).collect(Collectors.joining(", ", "[", "]")));
      }
      for (WordSpan w : found) {
        try {
          t.requireKnown(w);
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException("sample '" + s.id() + "', prompt of " + which + ": " + e.getMessage(), e);
        }
      }
      out.add(found);
    }
    return out;
  }
}
