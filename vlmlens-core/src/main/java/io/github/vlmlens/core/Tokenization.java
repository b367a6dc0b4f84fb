package io.github.vlmlens.core;

import com.google.common.collect.ImmutableList;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * How a model tokenized one {@link VlmInput}: token ids and texts, which positions hold image
 * tokens (per image or video frame), and where each word of the prompt lies.
 *
 * <p>Positions are indexes into the language model's sequence, the same indexes that
 * {@link Positions} and the {@code lm.*} hook points use.
 */
@API(status = API.Status.STABLE, since = "0.1.0")
public final class Tokenization {
  private final String prompt;
  private final int[] ids;
  private final ImmutableList<String> tokens;
  private final int[][] imageRanges;
  private final ImmutableList<WordSpan> words;
  private final boolean[] isImage;
  private final int unknownId;

  private Tokenization(
      String prompt, int[] ids, List<String> tokens, int[][] imageRanges, List<WordSpan> words,
      int unknownId) {
    this.prompt = prompt;
    this.unknownId = unknownId;
    this.ids = ids;
    this.tokens = ImmutableList.copyOf(tokens);
    this.imageRanges = imageRanges;
    this.words = ImmutableList.copyOf(words);
    this.isImage = new boolean[ids.length];
    for (int[] r : imageRanges) {
      for (int p = r[0]; p < r[1]; p++) {
        isImage[p] = true;
      }
    }
  }

  /**
   * A tokenization, as a backend builds it.
   *
   * @param prompt the prompt text (with placeholders) the word offsets refer to
   * @param ids the token ids of the whole sequence, image tokens included
   * @param tokens the text of each token (same length as {@code ids})
   * @param imageRanges for each image or frame in order, {@code {start, end}} (end exclusive)
   * @param words the words of the prompt, in order
   * @throws IllegalArgumentException when lengths disagree or ranges fall outside the sequence
   */
  public static Tokenization of(
      String prompt, int[] ids, List<String> tokens, List<int[]> imageRanges, List<WordSpan> words) {
    return of(prompt, ids, tokens, imageRanges, words, -1);
  }

  /**
   * A tokenization whose tokenizer maps words outside its vocabulary to {@code unknownId}: a word
   * made only of that token is then refused by {@link #word(String, int)} rather than located at
   * the unknown token's position.
   *
   * @param unknownId the tokenizer's unknown-token id, or -1 when it has none
   * @see #of(String, int[], List, List, List)
   */
  public static Tokenization of(
      String prompt, int[] ids, List<String> tokens, List<int[]> imageRanges, List<WordSpan> words,
      int unknownId) {
    Objects.requireNonNull(prompt, "prompt");
    if (ids.length != tokens.size()) {
      throw new IllegalArgumentException(
          ids.length + " token ids but " + tokens.size() + " token texts");
    }
    int[][] ranges = new int[imageRanges.size()][];
    int prevEnd = 0;
    for (int i = 0; i < ranges.length; i++) {
      int[] r = imageRanges.get(i);
      if (r.length != 2 || r[0] < prevEnd || r[1] < r[0] || r[1] > ids.length) {
        throw new IllegalArgumentException(
            "image range " + i + " " + Arrays.toString(r) + " is not ordered inside 0.." + ids.length);
      }
      ranges[i] = r.clone();
      prevEnd = r[1];
    }
    for (WordSpan w : words) {
      if (w.lastToken() >= ids.length) {
        throw new IllegalArgumentException("word " + w + " lies outside " + ids.length + " tokens");
      }
    }
    return new Tokenization(prompt, ids.clone(), tokens, ranges, words, unknownId);
  }

  /** The prompt the word offsets refer to. */
  public String prompt() {
    return prompt;
  }

  /** The sequence length. */
  public int length() {
    return ids.length;
  }

  /** A copy of the token ids. */
  public int[] ids() {
    return ids.clone();
  }

  /** The token id at a position. */
  public int id(int position) {
    checkPosition(position);
    return ids[position];
  }

  /** The text of each token. */
  public List<String> tokens() {
    return tokens;
  }

  /** The words of the prompt, in order. */
  public List<WordSpan> words() {
    return words;
  }

  /** The number of images or video frames. */
  public int imageCount() {
    return imageRanges.length;
  }

  /** Whether the token at a position is an image token. */
  public boolean isImageToken(int position) {
    checkPosition(position);
    return isImage[position];
  }

  /** The positions of image {@code index}'s (or frame {@code index}'s) tokens, in order. */
  public Positions imagePositions(int index) {
    if (index < 0 || index >= imageRanges.length) {
      throw new IndexOutOfBoundsException(
          "image " + index + " of " + imageRanges.length + " image(s) in \"" + prompt + "\"");
    }
    return Positions.range(imageRanges[index][0], imageRanges[index][1]);
  }

  /** All image-token positions, in order. */
  public Positions imagePositions() {
    List<Integer> out = new ArrayList<>();
    for (int p = 0; p < ids.length; p++) {
      if (isImage[p]) {
        out.add(p);
      }
    }
    return Positions.of(out);
  }

  /** All positions that are not image tokens (special tokens such as BOS included). */
  public Positions textPositions() {
    List<Integer> out = new ArrayList<>();
    for (int p = 0; p < ids.length; p++) {
      if (!isImage[p]) {
        out.add(p);
      }
    }
    return Positions.of(out);
  }

  /** The last position: where answer readouts are taken. */
  public int lastPosition() {
    return ids.length - 1;
  }

  /** The first occurrence of a word. Same as {@code word(word, 0)}. */
  public WordSpan word(String word) {
    return word(word, 0);
  }

  /**
   * The {@code occurrence}-th (0-based) occurrence of a word, matched exactly against the
   * prompt's words.
   *
   * @throws IllegalArgumentException naming the word and the prompt when it is absent, or when
   *     the tokenizer does not know it (its tokens are all the unknown token)
   */
  public WordSpan word(String word, int occurrence) {
    int seen = 0;
    for (WordSpan w : words) {
      if (w.text().equals(word)) {
        if (seen == occurrence) {
          requireKnown(w);
          return w;
        }
        seen++;
      }
    }
    if (seen == 0) {
      throw new IllegalArgumentException(
          "word '" + word + "' does not occur in the prompt \"" + prompt + "\"; its words are "
              + words.stream().map(WordSpan::text).collect(Collectors.joining(", ", "[", "]")));
    }
    throw new IllegalArgumentException(
        "word '" + word + "' occurs " + seen + " time(s) in the prompt \"" + prompt
            + "\"; occurrence " + occurrence + " (0-based) was asked for");
  }

  /** The position of the last sub-token of a word's first occurrence. */
  public int lastSubToken(String word) {
    return word(word, 0).lastToken();
  }

  /** The position of the last sub-token of a word's {@code occurrence}-th occurrence (0-based). */
  public int lastSubToken(String word, int occurrence) {
    return word(word, occurrence).lastToken();
  }

  /**
   * Checks that the tokenizer knows a word of this prompt.
   *
   * @throws IllegalArgumentException naming the word when its tokens are all the tokenizer's
   *     unknown token (a word outside the vocabulary would otherwise be read at {@code <unk>})
   */
  public void requireKnown(WordSpan w) {
    if (unknownId < 0) {
      return;
    }
    for (int p = w.firstToken(); p <= w.lastToken(); p++) {
      if (ids[p] != unknownId) {
        return;
      }
    }
    if (!w.text().equals(tokens.get(w.firstToken()))) {
      throw new IllegalArgumentException(
          "word '" + w.text() + "' is not in the tokenizer's vocabulary: it becomes the unknown token '"
              + tokens.get(w.firstToken()) + "' (id " + unknownId + ") in \"" + prompt
              + "\"; use a word the model knows");
    }
  }

  private void checkPosition(int position) {
    if (position < 0 || position >= ids.length) {
      throw new IndexOutOfBoundsException(
          "position " + position + " outside the sequence of " + ids.length + " tokens");
    }
  }

  @Override
  public String toString() {
    return "Tokenization[" + ids.length + " tokens, " + imageRanges.length + " image(s), \""
        + prompt + "\"]";
  }
}
