package io.github.vlmlens.hooks.internal.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.huggingface.tokenizers.jni.CharSpan;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.vlmlens.core.RgbImage;
import io.github.vlmlens.core.Tokenization;
import io.github.vlmlens.core.VlmInput;
import io.github.vlmlens.core.WordSpan;
import io.github.vlmlens.hooks.CheckpointException;
import io.github.vlmlens.hooks.CheckpointFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LlavaTokenizerTest {
  private static final List<String> SPECIALS = List.of("<pad>", "<s>", "<unk>", "<image>");
  private static final List<String> WORDS =
      List.of(
          "Is", "the", "dog", "to", "left", "or", "right", "of", "cat", "?", "Does", "appear",
          "before", "after", "What", "color", "is", "back", "Left", "Right", "\u00e9", ",");
  private static final int PAD = 0;
  private static final int BOS = 1;
  private static final int IMAGE = 3;
  private static final RgbImage IMG = RgbImage.black(4, 4);
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  private Path wordLevel() throws Exception {
    Path file = dir.resolve("tokenizer.json");
    CheckpointFiles.writeWordLevelTokenizer(file, WORDS, SPECIALS);
    return file;
  }

  private static int id(String word) {
    return SPECIALS.size() + WORDS.indexOf(word);
  }

  @Test
  void oneImagePrompt() throws Exception {
    String prompt = "<image>\nIs the dog to the left or right of the cat?";
    try (LlavaTokenizer tok = LlavaTokenizer.load(wordLevel(), IMAGE, 4)) {
      assertEquals("<image>", tok.imageTokenText());
      assertEquals(SPECIALS.size() + WORDS.size(), tok.vocabSize());
      Tokenization t = tok.tokenize(VlmInput.of(IMG, prompt));
      int[] expected = {
        BOS, IMAGE, IMAGE, IMAGE, IMAGE, id("Is"), id("the"), id("dog"), id("to"), id("the"),
        id("left"), id("or"), id("right"), id("of"), id("the"), id("cat"), id("?")
      };
      assertArrayEquals(expected, t.ids());
      assertEquals(1, t.imageCount());
      assertArrayEquals(new int[] {1, 2, 3, 4}, t.imagePositions(0).resolve(t.length()));
      assertEquals(1, java.util.Arrays.stream(t.ids()).filter(i -> i == BOS).count()); // BOS once
      assertEquals("<s>", t.tokens().get(0));
      assertEquals("<image>", t.tokens().get(1));
      assertEquals("dog", t.tokens().get(7));

      WordSpan dog = t.word("dog");
      assertEquals(7, dog.lastToken());
      assertEquals(7, dog.firstToken());
      assertEquals(prompt.indexOf("dog"), dog.charStart());
      assertEquals(prompt.indexOf("dog") + 3, dog.charEnd());
      assertEquals(15, t.lastSubToken("cat"));
      assertEquals(9, t.word("the", 1).lastToken());
      assertEquals(14, t.word("the", 2).lastToken());
      // The placeholder is not a word; punctuation is not a word.
      assertEquals(
          List.of("Is", "the", "dog", "to", "the", "left", "or", "right", "of", "the", "cat"),
          t.words().stream().map(WordSpan::text).collect(Collectors.toList()));
      assertEquals(16, t.lastPosition());
    }
  }

  @Test
  void charSpansAreJavaCharOffsetsNotBytesOrCodePoints() throws Exception {
    // "é" is 2 UTF-8 bytes and 1 char; the emoji is 4 bytes, 2 chars and 1 code point. Either
    // kind of offset confusion would move "dog" off its token.
    String prompt = "<image>\ncaf\u00e9 \uD83D\uDC36 dog's \u00e9 dog?";
    try (LlavaTokenizer tok = LlavaTokenizer.load(wordLevel(), IMAGE, 2)) {
      Tokenization t = tok.tokenize(VlmInput.of(IMG, prompt));
      // The pre-tokenizer isolates punctuation, so "dog's" is dog ' s; unknown pieces are <unk>.
      assertEquals(
          List.of("<s>", "<image>", "<image>", "<unk>", "<unk>", "dog", "<unk>", "<unk>", "\u00e9", "dog", "?"),
          t.tokens());
      WordSpan dog = t.word("dog");
      assertEquals(9, dog.lastToken());
      assertEquals(prompt.lastIndexOf("dog"), dog.charStart());
      WordSpan possessive = t.word("dog's");
      assertEquals(5, possessive.firstToken());
      assertEquals(7, possessive.lastToken());
      assertEquals(prompt.indexOf("dog's"), possessive.charStart());
      // "café" is all <unk>: its span is found (position 3), but reading it as a word is refused.
      assertEquals(3, t.words().get(0).lastToken());
      IllegalArgumentException cafe = assertThrows(IllegalArgumentException.class, () -> t.word("caf\u00e9"));
      assertTrue(cafe.getMessage().contains("not in the tokenizer's vocabulary"), cafe.getMessage());
      // An answer word outside the vocabulary is one token, the unknown one: refused, not read out.
      IllegalArgumentException unknown =
          assertThrows(IllegalArgumentException.class, () -> tok.singleTokenId("Before"));
      assertTrue(
          unknown.getMessage().contains("'Before' is not in the vocabulary")
              && unknown.getMessage().contains("'<unk>'"),
          unknown.getMessage());
      assertEquals(id("dog"), tok.singleTokenId("dog"));
      assertEquals(8, t.word("\u00e9").lastToken());
      assertEquals(
          List.of("caf\u00e9", "dog's", "\u00e9", "dog"),
          t.words().stream().map(WordSpan::text).collect(Collectors.toList()));
    }

    // DJL's raw spans: code points of the input, null for the post-processor's BOS.
    try (HuggingFaceTokenizer raw =
        HuggingFaceTokenizer.newInstance(wordLevel(), Map.of("addSpecialTokens", "true"))) {
      Encoding e = raw.encode("\uD83D\uDC36 dog");
      CharSpan[] spans = e.getCharTokenSpans();
      assertEquals(3, spans.length);
      assertEquals(null, spans[0]);
      assertEquals(0, spans[1].getStart());
      assertEquals(1, spans[1].getEnd()); // one code point, two Java chars
      assertEquals(2, spans[2].getStart());
      assertEquals(5, spans[2].getEnd());
    }
  }

  @Test
  void wordSplitIntoSubTokensEndsAtItsLastSubToken() throws Exception {
    Path file = wordPiece();
    try (LlavaTokenizer tok = LlavaTokenizer.load(file, IMAGE, 3)) {
      Tokenization t = tok.tokenize(VlmInput.of(IMG, "<image>\nWhat color is the backpack?"));
      // <s> img img img What color is the back ##pack ?
      assertEquals("back", t.tokens().get(8));
      assertEquals("##pack", t.tokens().get(9));
      WordSpan w = t.word("backpack");
      assertEquals(8, w.firstToken());
      assertEquals(9, w.lastToken());
      assertEquals(2, w.tokenCount());
      assertEquals(7, t.lastSubToken("the"));

      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> tok.singleTokenId("backpack"));
      assertTrue(e.getMessage().contains("'backpack'"), e.getMessage());
      assertTrue(e.getMessage().contains("back") && e.getMessage().contains("##pack"), e.getMessage());
      assertEquals(id("back"), tok.singleTokenId("back"));
    }
  }

  @Test
  void videoPromptHasOneOrderedRangePerFrame() throws Exception {
    try (LlavaTokenizer tok = LlavaTokenizer.load(wordLevel(), IMAGE, 4)) {
      Tokenization t =
          tok.tokenize(
              VlmInput.ofVideo(List.of(IMG, IMG, IMG), "<video>\nDoes the dog appear before the cat?"));
      assertEquals(3, t.imageCount());
      assertArrayEquals(new int[] {1, 2, 3, 4}, t.imagePositions(0).resolve(t.length()));
      assertArrayEquals(new int[] {5, 6, 7, 8}, t.imagePositions(1).resolve(t.length()));
      assertArrayEquals(new int[] {9, 10, 11, 12}, t.imagePositions(2).resolve(t.length()));
      assertEquals(1 + 12 + 8, t.length());
      assertEquals(id("Does"), t.id(13));
      assertEquals(15, t.lastSubToken("dog"));
      assertFalse(t.words().stream().anyMatch(w -> w.text().equals("video")));
      assertEquals("<video>\n".length(), t.word("Does").charStart());
    }
  }

  @Test
  void severalImagesAndTextOnly() throws Exception {
    try (LlavaTokenizer tok = LlavaTokenizer.load(wordLevel(), IMAGE, 2)) {
      Tokenization t = tok.tokenize(VlmInput.ofImages(List.of(IMG, IMG), "<image> the dog <image> the cat"));
      assertEquals(2, t.imageCount());
      assertArrayEquals(new int[] {1, 2}, t.imagePositions(0).resolve(t.length()));
      assertArrayEquals(new int[] {5, 6}, t.imagePositions(1).resolve(t.length()));
      assertEquals(4, t.lastSubToken("dog"));
      assertEquals(8, t.lastSubToken("cat"));

      Tokenization text = tok.tokenize(VlmInput.text("Is the dog left?"));
      assertEquals(0, text.imageCount());
      assertArrayEquals(new int[] {BOS, id("Is"), id("the"), id("dog"), id("left"), id("?")}, text.ids());
      assertArrayEquals(new int[] {id("Is"), id("the")}, tok.encode("Is the", false));
      assertEquals("left", tok.tokenText(id("left")));
      assertEquals("<pad>", tok.tokenText(PAD));
      assertThrows(IllegalArgumentException.class, () -> tok.tokenText(999));
    }
  }

  @Test
  void placeholderCountThatDisagreesIsAnError() throws Exception {
    // VlmInput itself refuses a prompt whose placeholders do not match its images.
    assertThrows(IllegalArgumentException.class, () -> VlmInput.of(IMG, "the dog"));
    assertThrows(IllegalArgumentException.class, () -> VlmInput.ofImages(List.of(IMG), "<image><image>"));

    // A model whose image token is "<img>": a literal "<img>" in the prompt text becomes a second
    // image token that no placeholder accounts for.
    Path file = dir.resolve("img-tokenizer.json");
    CheckpointFiles.writeWordLevelTokenizer(file, WORDS, List.of("<pad>", "<s>", "<unk>", "<img>"));
    try (LlavaTokenizer tok = LlavaTokenizer.load(file, IMAGE, 2)) {
      assertEquals("<img>", tok.imageTokenText());
      Tokenization ok = tok.tokenize(VlmInput.of(IMG, "<image> the dog"));
      assertArrayEquals(new int[] {BOS, IMAGE, IMAGE, id("the"), id("dog")}, ok.ids());
      assertEquals("<image> the ".length(), ok.word("dog").charStart());
      IllegalArgumentException e =
          assertThrows(
              IllegalArgumentException.class, () -> tok.tokenize(VlmInput.of(IMG, "<image> the <img> dog")));
      assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
      assertTrue(e.getMessage().contains("2 image token"), e.getMessage());
    }
  }

  @Test
  void imageTokenMustBeOneTokenWithThatId() throws Exception {
    Path file = wordLevel();
    // Id 99 does not exist.
    CheckpointException missing =
        assertThrows(CheckpointException.class, () -> LlavaTokenizer.load(file, 99, 4));
    assertTrue(missing.getMessage().contains(file.toString()), missing.getMessage());

    // A tokenizer where "<image>" is not an added token splits it into pieces.
    ObjectNode root = (ObjectNode) JSON.readTree(Files.readString(file));
    ArrayNode added = (ArrayNode) root.get("added_tokens");
    added.remove(3);
    Files.writeString(file, JSON.writeValueAsString(root));
    CheckpointException split = assertThrows(CheckpointException.class, () -> LlavaTokenizer.load(file, IMAGE, 4));
    assertTrue(split.getMessage().contains(file.toString()), split.getMessage());
    assertTrue(split.getMessage().contains("'<image>'"), split.getMessage());

    Path absent = dir.resolve("absent.json");
    CheckpointException e = assertThrows(CheckpointException.class, () -> LlavaTokenizer.load(absent, IMAGE, 4));
    assertTrue(e.getMessage().contains(absent.toString()), e.getMessage());
  }

  @Test
  void sentencePieceAnswerWordsUseTheLeadingSpaceForm() throws Exception {
    Path file = unigram();
    try (LlavaTokenizer tok = LlavaTokenizer.load(file, 2, 3)) {
      int left = tok.singleTokenId("Left");
      assertEquals("\u2581Left", tok.tokenText(left));
      assertEquals("\u2581Right", tok.tokenText(tok.singleTokenId("Right")));
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> tok.singleTokenId("Leftish"));
      assertTrue(e.getMessage().contains("'Leftish'"), e.getMessage());
      assertTrue(e.getMessage().contains("\u2581Left, ish"), e.getMessage());

      Tokenization t = tok.tokenize(VlmInput.of(IMG, "<image>\nIs the dog Left"));
      assertEquals(1, java.util.Arrays.stream(t.ids()).filter(i -> i == 1).count());
      assertEquals(1, t.ids()[0]); // BOS from the post-processor
      assertArrayEquals(new int[] {1, 2, 3}, t.imagePositions(0).resolve(t.length()));
      WordSpan dog = t.word("dog");
      assertEquals("\u2581dog", t.tokens().get(dog.lastToken()));
      assertEquals(1, dog.tokenCount());
      assertEquals("\u2581Left", t.tokens().get(t.lastSubToken("Left")));
      assertEquals(t.lastPosition(), t.lastSubToken("Left"));
    }
  }

  @Test
  void llamaStyleBpeWithPrependNormalizer() throws Exception {
    // The layout of llava-hf's tokenizer.json: normalizer Prepend("\u2581") + Replace(" ", "\u2581"),
    // no pre-tokenizer, BPE with byte fallback, a TemplateProcessing BOS.
    Path file = llamaStyle();
    try (LlavaTokenizer tok = LlavaTokenizer.load(file, 3, 2)) {
      Tokenization t = tok.tokenize(VlmInput.of(IMG, "<image>\nthe dog"));
      assertEquals(List.of("<s>", "<image>", "<image>", "\u2581", "<0x0A>", "the", "\u2581dog"), t.tokens());
      assertEquals(5, t.lastSubToken("the"));
      assertEquals(6, t.lastSubToken("dog"));
      assertEquals(1, t.word("dog").tokenCount());
      assertEquals(10, tok.singleTokenId("dog")); // "\u2581dog", the leading-space form
      assertEquals(List.of("the", "dog"), t.words().stream().map(WordSpan::text).collect(Collectors.toList()));
    }
  }

  /** A small Llama-style tokenizer.json (see {@link #llamaStyleBpeWithPrependNormalizer}). */
  private Path llamaStyle() throws Exception {
    String[] vocab = {
      "<unk>", "<s>", "</s>", "<image>", "\u2581", "d", "o", "g", "\u2581d", "og", "\u2581dog", "t",
      "h", "e", "he", "the", "<0x0A>"
    };
    ObjectNode root = JSON.createObjectNode();
    root.put("version", "1.0");
    root.putNull("truncation");
    root.putNull("padding");
    ArrayNode added = root.putArray("added_tokens");
    for (int i = 0; i < 4; i++) {
      ObjectNode a = added.addObject();
      a.put("id", i);
      a.put("content", vocab[i]);
      a.put("single_word", false);
      a.put("lstrip", false);
      a.put("rstrip", false);
      a.put("normalized", false);
      a.put("special", true);
    }
    ObjectNode norm = root.putObject("normalizer");
    norm.put("type", "Sequence");
    ArrayNode ns = norm.putArray("normalizers");
    ns.addObject().put("type", "Prepend").put("prepend", "\u2581");
    ObjectNode rep = ns.addObject();
    rep.put("type", "Replace");
    rep.putObject("pattern").put("String", " ");
    rep.put("content", "\u2581");
    root.putNull("pre_tokenizer");
    ObjectNode post = root.putObject("post_processor");
    post.put("type", "TemplateProcessing");
    ArrayNode single = post.putArray("single");
    single.addObject().putObject("SpecialToken").put("id", "<s>").put("type_id", 0);
    single.addObject().putObject("Sequence").put("id", "A").put("type_id", 0);
    ArrayNode pair = post.putArray("pair");
    pair.addObject().putObject("SpecialToken").put("id", "<s>").put("type_id", 0);
    pair.addObject().putObject("Sequence").put("id", "A").put("type_id", 0);
    pair.addObject().putObject("Sequence").put("id", "B").put("type_id", 1);
    ObjectNode st = post.putObject("special_tokens").putObject("<s>");
    st.put("id", "<s>");
    st.putArray("ids").add(1);
    st.putArray("tokens").add("<s>");
    root.putNull("decoder");
    ObjectNode model = root.putObject("model");
    model.put("type", "BPE");
    model.putNull("dropout");
    model.put("unk_token", "<unk>");
    model.putNull("continuing_subword_prefix");
    model.putNull("end_of_word_suffix");
    model.put("fuse_unk", true);
    model.put("byte_fallback", true);
    ObjectNode v = model.putObject("vocab");
    for (int i = 0; i < vocab.length; i++) {
      v.put(vocab[i], i);
    }
    ArrayNode merges = model.putArray("merges");
    for (String m : new String[] {"\u2581 d", "o g", "\u2581d og", "h e", "t he"}) {
      merges.add(m);
    }
    Path file = dir.resolve("llama-style.json");
    Files.writeString(file, JSON.writeValueAsString(root));
    return file;
  }

  @Test
  void wordRules() {
    String p = "<image>\nIs the dog's left-hand side red, or 'blue'? 2-3";
    List<int[]> spans = LlavaTokenizer.words(p, List.of(0), 7);
    List<String> words = spans.stream().map(s -> p.substring(s[0], s[1])).collect(Collectors.toList());
    assertEquals(List.of("Is", "the", "dog's", "left-hand", "side", "red", "or", "blue", "2-3"), words);
    assertArrayEquals(new int[] {0, 1, 3}, LlavaTokenizer.codePointToCharOffsets("a\uD83D\uDC36"));
  }

  // -----------------------------------------------------------------------------------------

  /** The word-level tokenizer with its model swapped for WordPiece, so "backpack" is two pieces. */
  private Path wordPiece() throws Exception {
    Path file = wordLevel();
    ObjectNode root = (ObjectNode) JSON.readTree(Files.readString(file));
    ObjectNode model = (ObjectNode) root.get("model");
    ObjectNode vocab = (ObjectNode) model.get("vocab");
    vocab.put("##pack", SPECIALS.size() + WORDS.size());
    model.put("type", "WordPiece");
    model.put("continuing_subword_prefix", "##");
    model.put("max_input_chars_per_word", 100);
    Files.writeString(file, JSON.writeValueAsString(root));
    return file;
  }

  /** A SentencePiece-style Unigram tokenizer with a Metaspace pre-tokenizer and a BOS template. */
  private Path unigram() throws Exception {
    String[][] pieces = {
      {"<unk>", "0"}, {"<s>", "0"}, {"<image>", "0"}, {"\u2581Left", "-1"}, {"\u2581Right", "-1"},
      {"\u2581", "-2"}, {"ish", "-2"}, {"\u2581Is", "-1"}, {"\u2581the", "-1"}, {"\u2581dog", "-1"},
      {"\n", "-2"}
    };
    ObjectNode root = JSON.createObjectNode();
    root.put("version", "1.0");
    root.putNull("truncation");
    root.putNull("padding");
    ArrayNode added = root.putArray("added_tokens");
    for (int i = 0; i < 3; i++) {
      ObjectNode a = added.addObject();
      a.put("id", i);
      a.put("content", pieces[i][0]);
      a.put("single_word", false);
      a.put("lstrip", false);
      a.put("rstrip", false);
      a.put("normalized", false);
      a.put("special", true);
    }
    root.putNull("normalizer");
    ObjectNode pre = root.putObject("pre_tokenizer");
    pre.put("type", "Metaspace");
    pre.put("replacement", "\u2581");
    pre.put("prepend_scheme", "always");
    pre.put("split", true);
    ObjectNode post = root.putObject("post_processor");
    post.put("type", "TemplateProcessing");
    ArrayNode single = post.putArray("single");
    single.addObject().putObject("SpecialToken").put("id", "<s>").put("type_id", 0);
    single.addObject().putObject("Sequence").put("id", "A").put("type_id", 0);
    ArrayNode pair = post.putArray("pair");
    pair.addObject().putObject("SpecialToken").put("id", "<s>").put("type_id", 0);
    pair.addObject().putObject("Sequence").put("id", "A").put("type_id", 0);
    pair.addObject().putObject("Sequence").put("id", "B").put("type_id", 1);
    ObjectNode st = post.putObject("special_tokens").putObject("<s>");
    st.put("id", "<s>");
    st.putArray("ids").add(1);
    st.putArray("tokens").add("<s>");
    root.putNull("decoder");
    ObjectNode model = root.putObject("model");
    model.put("type", "Unigram");
    model.put("unk_id", 0);
    ArrayNode vocab = model.putArray("vocab");
    for (String[] p : pieces) {
      ArrayNode e = vocab.addArray();
      e.add(p[0]);
      e.add(Double.parseDouble(p[1]));
    }
    model.put("byte_fallback", false);
    Path file = dir.resolve("unigram.json");
    Files.writeString(file, JSON.writeValueAsString(root));
    return file;
  }
}
