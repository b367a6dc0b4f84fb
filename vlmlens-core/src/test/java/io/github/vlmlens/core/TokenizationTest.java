package io.github.vlmlens.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class TokenizationTest {
  // "<s> [img img img] Is the hot dog left ?" with "hotdog" split as hot|dog inside one word "hotdogs"
  private static Tokenization sample() {
    String prompt = "<image> Is the hotdogs left of the dog?";
    int[] ids = {1, 9, 9, 9, 20, 21, 22, 23, 24, 25, 26, 21, 27, 28};
    List<String> toks =
        List.of("<s>", "<image>", "<image>", "<image>", "Is", "the", "hot", "dog", "s", "left", "of", "the", "dog", "?");
    List<WordSpan> words =
        List.of(
            WordSpan.of("Is", 8, 10, 4, 4),
            WordSpan.of("the", 11, 14, 5, 5),
            WordSpan.of("hotdogs", 15, 22, 6, 8),
            WordSpan.of("left", 23, 27, 9, 9),
            WordSpan.of("of", 28, 30, 10, 10),
            WordSpan.of("the", 31, 34, 11, 11),
            WordSpan.of("dog", 35, 38, 12, 12));
    return Tokenization.of(prompt, ids, toks, List.of(new int[] {1, 4}), words);
  }

  @Test
  void multiTokenWordIsReadAtItsLastSubToken() {
    Tokenization t = sample();
    assertEquals(8, t.lastSubToken("hotdogs"));
    assertEquals(3, t.word("hotdogs").tokenCount());
    assertEquals(12, t.lastSubToken("dog"));
  }

  @Test
  void nthOccurrence() {
    Tokenization t = sample();
    assertEquals(5, t.lastSubToken("the", 0));
    assertEquals(11, t.lastSubToken("the", 1));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> t.word("the", 2));
    assertTrue(e.getMessage().contains("occurs 2 time(s)"), e.getMessage());
  }

  @Test
  void absentWordNamesWordAndPrompt() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> sample().lastSubToken("cat"));
    assertTrue(e.getMessage().contains("'cat'"), e.getMessage());
    assertTrue(e.getMessage().contains("hotdogs left of the dog?"), e.getMessage());
  }

  @Test
  void imageAndTextPositions() {
    Tokenization t = sample();
    assertArrayEquals(new int[] {1, 2, 3}, t.imagePositions().resolve(t.length()));
    assertArrayEquals(new int[] {1, 2, 3}, t.imagePositions(0).resolve(t.length()));
    assertArrayEquals(
        new int[] {0, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13}, t.textPositions().resolve(t.length()));
    assertTrue(t.isImageToken(2));
    assertFalse(t.isImageToken(4));
    assertEquals(13, t.lastPosition());
    assertThrows(IndexOutOfBoundsException.class, () -> t.imagePositions(1));
    assertThrows(IndexOutOfBoundsException.class, () -> t.isImageToken(14));
  }

  @Test
  void inconsistentPartsAreRejected() {
    assertThrows(
        IllegalArgumentException.class,
        () -> Tokenization.of("x", new int[] {1, 2}, List.of("a"), List.of(), List.of()));
    assertThrows(
        IllegalArgumentException.class,
        () -> Tokenization.of("x", new int[] {1, 2}, List.of("a", "b"), List.of(new int[] {1, 3}), List.of()));
    assertThrows(
        IllegalArgumentException.class,
        () -> Tokenization.of("x", new int[] {1}, List.of("a"), List.of(), List.of(WordSpan.of("x", 0, 1, 0, 1))));
  }

  @Test
  void aWordOutsideTheVocabularyIsRefusedNotReadAtUnk() {
    // "Is zeppelin left" where the tokenizer knows "Is", "left" and maps zeppelin to <unk> (id 0)
    String prompt = "Is zeppelin left <unk>";
    List<WordSpan> words = List.of(
        WordSpan.of("Is", 0, 2, 0, 0), WordSpan.of("zeppelin", 3, 11, 1, 1), WordSpan.of("left", 12, 16, 2, 2),
        WordSpan.of("<unk>", 17, 22, 3, 3));
    Tokenization t = Tokenization.of(prompt, new int[] {5, 0, 7, 0}, List.of("Is", "<unk>", "left", "<unk>"),
        List.of(), words, 0);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> t.lastSubToken("zeppelin"));
    assertTrue(e.getMessage().contains("zeppelin") && e.getMessage().contains("<unk>"), e.getMessage());
    assertEquals(2, t.lastSubToken("left"));
    assertEquals(3, t.lastSubToken("<unk>"), "the unknown token written as itself is a word like any other");
    // without an unknown-token id nothing is refused
    Tokenization plain = Tokenization.of(prompt, new int[] {5, 0, 7, 0}, List.of("Is", "<unk>", "left", "<unk>"),
        List.of(), words);
    assertEquals(1, plain.lastSubToken("zeppelin"));
  }

  @Test
  void inputFingerprintsSeparateImagesPromptsAndVideoAndStampCaches() {
    RgbImage black = RgbImage.black(4, 3);
    RgbImage dot = RgbImage.of(4, 3, new int[] {0, 0, 0, 0, 0, 0xff0000, 0, 0, 0, 0, 0, 0});
    VlmInput a = VlmInput.of(black, "<image> Is it left?");
    assertEquals(a.fingerprint(), VlmInput.of(RgbImage.black(4, 3), "<image> Is it left?").fingerprint());
    assertEquals(32, a.fingerprint().length());
    assertFalse(a.fingerprint().equals(VlmInput.of(dot, "<image> Is it left?").fingerprint()));
    assertFalse(a.fingerprint().equals(a.withPrompt("<image> Is it right?").fingerprint()));
    assertFalse(VlmInput.ofImages(List.of(black, dot), "<image><image> x").fingerprint()
        .equals(VlmInput.ofVideo(List.of(black, dot), "<video> x").fingerprint()));
    ActivationCache c = ActivationCache.of(List.of());
    assertTrue(c.inputFingerprint().isEmpty());
    assertEquals(a.fingerprint(), c.fromInput(a.fingerprint()).inputFingerprint().orElseThrow());
  }
}
