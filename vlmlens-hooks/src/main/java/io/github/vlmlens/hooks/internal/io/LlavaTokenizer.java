package io.github.vlmlens.hooks.internal.io;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.huggingface.tokenizers.jni.CharSpan;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.github.vlmlens.core.RgbImage;
import io.github.vlmlens.core.Tokenization;
import io.github.vlmlens.core.VlmInput;
import io.github.vlmlens.core.WordSpan;
import io.github.vlmlens.hooks.CheckpointException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.ToIntFunction;

/**
 * A Hugging Face {@code tokenizer.json} (through DJL's binding of the Rust tokenizers) that turns a
 * {@link VlmInput} into the {@link Tokenization} a LLaVA model consumes.
 *
 * <p>The whole prompt is tokenized in one call, with special tokens as the tokenizer's own
 * post-processor adds them (so BOS appears exactly when the checkpoint's tokenizer adds it), each
 * {@value VlmInput#IMAGE_PLACEHOLDER} or {@value VlmInput#VIDEO_PLACEHOLDER} replaced by the
 * image token's text. Each image token is then expanded to {@code imageTokensPerImage} copies (a
 * video's single placeholder to {@code frames x imageTokensPerImage}, one range per frame), which
 * gives the same ids as Hugging Face's processor, which repeats the image token in the text before
 * tokenizing.
 *
 * <p>Words are maximal runs of letters and digits in the prompt (an apostrophe or hyphen with a
 * letter or digit on both sides stays inside); placeholders are not words. A word's tokens are those
 * whose character spans overlap it. DJL reports spans in Unicode code points of the tokenized text;
 * they are converted to Java {@code char} offsets, and mapped back to the prompt.
 */
public final class LlavaTokenizer implements AutoCloseable {
  private static final JsonMapper MAPPER = JsonMapper.builder().build();

  private final Path file;
  private final HuggingFaceTokenizer tokenizer;
  private final int imageTokenId;
  private final int imageTokensPerImage;
  private final ToIntFunction<RgbImage> imageTokenCount;
  private final String imageTokenText;
  private final Map<Integer, String> idToToken;
  private final int vocabSize;
  private final int unknownId;
  private VisualTokens visual = VisualTokens.PLAIN;
  private String videoTokenText;

  /**
   * How a family lays visual tokens out beyond the plain expansion of the image token: text
   * around each image's run of image tokens (Gemma 3's {@code "\n\n<start_of_image>"} and
   * {@code "<end_of_image>\n\n"}), a distinct video token (LLaVA-OneVision's {@code <video>}), and
   * per-input token counts (one per image, or per frame of a video).
   *
   * @param imagePrefix text placed before each image's tokens
   * @param imageSuffix text placed after each image's tokens
   * @param videoTokenId the video token, or -1 to expand videos with the image token
   * @param counts the tokens of each image (or frame) of an input, or null for the per-image count
   */
  public record VisualTokens(
      String imagePrefix, String imageSuffix, int videoTokenId, java.util.function.Function<VlmInput, int[]> counts) {
    /** LLaVA's layout: nothing around the image tokens, videos as image tokens. */
    public static final VisualTokens PLAIN = new VisualTokens("", "", -1, null);
  }

  private LlavaTokenizer(
      Path file, HuggingFaceTokenizer tokenizer, int imageTokenId, int imageTokensPerImage,
      ToIntFunction<RgbImage> imageTokenCount, String imageTokenText, Vocabulary vocabulary,
      int vocabSize) {
    this.file = file;
    this.tokenizer = tokenizer;
    this.imageTokenId = imageTokenId;
    this.imageTokensPerImage = imageTokensPerImage;
    this.imageTokenCount = imageTokenCount;
    this.imageTokenText = imageTokenText;
    this.idToToken = vocabulary.idToToken();
    this.unknownId = vocabulary.unknownId();
    this.vocabSize = vocabSize;
  }

  /**
   * Loads a {@code tokenizer.json}.
   *
   * @param imageTokenId the id of the image token (the config's {@code image_token_index})
   * @param imageTokensPerImage how many image tokens one image becomes
   * @throws CheckpointException naming the file when it is missing or malformed, or when it does
   *     not map the image token's text to exactly the one token {@code imageTokenId}
   */
  public static LlavaTokenizer load(Path tokenizerJson, int imageTokenId, int imageTokensPerImage) {
    if (imageTokensPerImage <= 0) {
      throw new IllegalArgumentException(
          "imageTokensPerImage must be positive, got " + imageTokensPerImage);
    }
    return load(tokenizerJson, imageTokenId, imageTokensPerImage, image -> imageTokensPerImage);
  }

  /**
   * Loads a {@code tokenizer.json} for a model whose image token count depends on the image (for
   * example Qwen2-VL's, which resizes each image to its own grid).
   *
   * @param imageTokenCount how many image tokens an image (or video frame) becomes
   * @throws CheckpointException as {@link #load(Path, int, int)}
   */
  public static LlavaTokenizer load(
      Path tokenizerJson, int imageTokenId, ToIntFunction<RgbImage> imageTokenCount) {
    return load(tokenizerJson, imageTokenId, -1, imageTokenCount);
  }

  /**
   * Loads a {@code tokenizer.json} for a family with its own visual token layout.
   *
   * @param imageTokenCount how many image tokens an image becomes when {@code visual} has no counts
   * @throws CheckpointException as {@link #load(Path, int, int)}, and when the video token is not
   *     one token of the tokenizer
   */
  public static LlavaTokenizer load(
      Path tokenizerJson, int imageTokenId, ToIntFunction<RgbImage> imageTokenCount, VisualTokens visual) {
    Objects.requireNonNull(visual, "visual");
    LlavaTokenizer t = load(tokenizerJson, imageTokenId, -1, imageTokenCount);
    try {
      t.visual = visual;
      if (visual.videoTokenId() >= 0) {
        String text = t.idToToken.get(visual.videoTokenId());
        long[] ids = text == null ? new long[0] : t.encodeRaw(text, false).getIds();
        if (ids.length != 1 || ids[0] != visual.videoTokenId()) {
          throw new CheckpointException(
              "tokenizer file " + tokenizerJson + " does not map the video token id " + visual.videoTokenId()
                  + " ('" + text + "') to exactly one token");
        }
        t.videoTokenText = text;
      }
      return t;
    } catch (RuntimeException e) {
      t.close();
      throw e;
    }
  }

  private static LlavaTokenizer load(
      Path tokenizerJson, int imageTokenId, int imageTokensPerImage,
      ToIntFunction<RgbImage> imageTokenCount) {
    Objects.requireNonNull(tokenizerJson, "tokenizerJson");
    if (!Files.isRegularFile(tokenizerJson)) {
      throw new CheckpointException("tokenizer file " + tokenizerJson + " does not exist");
    }
    Vocabulary vocabulary = readVocabulary(tokenizerJson);
    Map<Integer, String> idToToken = vocabulary.idToToken();
    int vocabSize = idToToken.keySet().stream().mapToInt(Integer::intValue).max().orElse(-1) + 1;
    String imageText = idToToken.get(imageTokenId);
    if (imageText == null) {
      throw new CheckpointException(
          "tokenizer file " + tokenizerJson + " has no token with the image token id "
              + imageTokenId + " (vocabulary size " + vocabSize + ")");
    }
    HuggingFaceTokenizer tok;
    try {
      tok =
          HuggingFaceTokenizer.newInstance(
              tokenizerJson,
              Map.of("addSpecialTokens", "true", "truncation", "false", "padding", "false"));
    } catch (IOException | RuntimeException e) {
      throw new CheckpointException(
          "tokenizer file " + tokenizerJson + " cannot be loaded: " + e.getMessage(), e);
    }
    try {
      Encoding enc = tok.encode(imageText, false, false);
      long[] ids = enc.getIds();
      if (ids.length != 1 || ids[0] != imageTokenId) {
        throw new CheckpointException(
            "tokenizer file " + tokenizerJson + " maps the image token text '" + imageText
                + "' to tokens " + Arrays.toString(enc.getTokens()) + " with ids "
                + Arrays.toString(ids) + "; expected exactly one token with id " + imageTokenId
                + " (is it an added special token?)");
      }
    } catch (RuntimeException e) {
      tok.close();
      throw e;
    }
    return new LlavaTokenizer(
        tokenizerJson, tok, imageTokenId, imageTokensPerImage, imageTokenCount, imageText,
        vocabulary, vocabSize);
  }

  /**
   * A tokenizer.json's id-to-token table (the model's vocabulary plus its added tokens) and the id
   * of its unknown token ({@code model.unk_token} or, for Unigram, {@code model.unk_id}), -1 if none.
   */
  private record Vocabulary(Map<Integer, String> idToToken, int unknownId) {}

  private static Vocabulary readVocabulary(Path file) {
    JsonNode root;
    try {
      root = MAPPER.readTree(Files.readString(file, StandardCharsets.UTF_8));
    } catch (JsonProcessingException e) {
      throw new CheckpointException(
          "tokenizer file " + file + " is not valid JSON: " + e.getOriginalMessage(), e);
    } catch (IOException e) {
      throw new CheckpointException("cannot read tokenizer file " + file + ": " + e, e);
    }
    if (root == null || !root.isObject()) {
      throw new CheckpointException("tokenizer file " + file + " is not a JSON object");
    }
    Map<Integer, String> out = new HashMap<>();
    JsonNode model = root.get("model");
    JsonNode vocab = model == null ? null : model.get("vocab");
    if (vocab == null) {
      throw new CheckpointException("tokenizer file " + file + " has no model.vocab");
    }
    if (vocab.isObject()) {
      for (Map.Entry<String, JsonNode> e : vocab.properties()) {
        if (!e.getValue().canConvertToInt()) {
          throw new CheckpointException(
              "tokenizer file " + file + ": vocabulary id of '" + e.getKey() + "' is not an integer");
        }
        out.put(e.getValue().intValue(), e.getKey());
      }
    } else if (vocab.isArray()) {
      // Unigram: [[piece, score], ...], the id is the index.
      for (int i = 0; i < vocab.size(); i++) {
        JsonNode entry = vocab.get(i);
        if (!entry.isArray() || entry.isEmpty() || !entry.get(0).isTextual()) {
          throw new CheckpointException(
              "tokenizer file " + file + ": vocabulary entry " + i + " is not [piece, score]");
        }
        out.put(i, entry.get(0).textValue());
      }
    } else {
      throw new CheckpointException("tokenizer file " + file + ": model.vocab is neither a map nor a list");
    }
    JsonNode added = root.get("added_tokens");
    if (added != null && added.isArray()) {
      for (JsonNode a : added) {
        JsonNode id = a.get("id");
        JsonNode content = a.get("content");
        if (id != null && id.canConvertToInt() && content != null && content.isTextual()) {
          out.put(id.intValue(), content.textValue());
        }
      }
    }
    int unknownId = -1;
    JsonNode unkId = model.get("unk_id");
    JsonNode unkToken = model.get("unk_token");
    if (unkId != null && unkId.canConvertToInt()) {
      unknownId = unkId.intValue();
    } else if (unkToken != null && unkToken.isTextual()) {
      for (Map.Entry<Integer, String> e : out.entrySet()) {
        if (e.getValue().equals(unkToken.textValue())) {
          unknownId = e.getKey();
        }
      }
    }
    return new Vocabulary(out, unknownId);
  }

  /**
   * The texts of token ids in a {@code tokenizer.json} (vocabulary and added tokens), read without
   * loading the tokenizer.
   *
   * @throws CheckpointException naming the file and the first id it does not have
   */
  public static String[] tokenTexts(Path tokenizerJson, int... ids) {
    Map<Integer, String> vocab = readVocabulary(tokenizerJson).idToToken();
    String[] out = new String[ids.length];
    for (int i = 0; i < ids.length; i++) {
      out[i] = vocab.get(ids[i]);
      if (out[i] == null) {
        throw new CheckpointException("tokenizer file " + tokenizerJson + " has no token with id " + ids[i]);
      }
    }
    return out;
  }

  /** The tokenizer file. */
  public Path file() {
    return file;
  }

  /** The image token id. */
  public int imageTokenId() {
    return imageTokenId;
  }

  /** The image token's text, e.g. {@code "<image>"}. */
  public String imageTokenText() {
    return imageTokenText;
  }

  /**
   * How many image tokens one image (or video frame) becomes, or -1 when it depends on the image
   * (see {@link #imageTokenCount}).
   */
  public int imageTokensPerImage() {
    return imageTokensPerImage;
  }

  /** How many image tokens an image (or video frame) becomes. */
  public int imageTokenCount(RgbImage image) {
    return imageTokenCount.applyAsInt(image);
  }

  /** One more than the largest token id of the vocabulary and the added tokens. */
  public int vocabSize() {
    return vocabSize;
  }

  /**
   * The text of a token id as the vocabulary stores it (e.g. {@code "▁Left"}).
   *
   * @throws IllegalArgumentException for an id the tokenizer does not have
   */
  public String tokenText(int id) {
    String t = idToToken.get(id);
    if (t == null) {
      throw new IllegalArgumentException(
          "token id " + id + " is not in tokenizer file " + file + " (vocabulary size " + vocabSize + ")");
    }
    return t;
  }

  /** The text of token ids, special tokens skipped, as the tokenizer's decoder writes it. */
  public String decode(int[] ids) {
    long[] l = new long[ids.length];
    for (int i = 0; i < ids.length; i++) {
      l[i] = ids[i];
    }
    return tokenizer.decode(l, true);
  }

  /** The ids of a plain text, with or without the tokenizer's special tokens (no image expansion). */
  public int[] encode(String text, boolean addSpecialTokens) {
    return toInts(encodeRaw(text, addSpecialTokens).getIds());
  }

  /**
   * The id of an answer word that is exactly one token when tokenized without special tokens (for
   * SentencePiece tokenizers that is the leading-space form, e.g. {@code "▁Left"}).
   *
   * @throws IllegalArgumentException naming the word and its tokens when it is not one token
   */
  public int singleTokenId(String word) {
    Objects.requireNonNull(word, "word");
    Encoding enc = encodeRaw(word, false);
    long[] ids = enc.getIds();
    if (ids.length != 1) {
      throw new IllegalArgumentException(
          "answer word '" + word + "' is " + ids.length + " tokens " + Arrays.toString(enc.getTokens())
              + " (ids " + Arrays.toString(ids) + ") under tokenizer " + file
              + "; answer words must be single tokens");
    }
    if (ids[0] == unknownId && !word.equals(idToToken.get(unknownId))) {
      throw new IllegalArgumentException(
          "answer word '" + word + "' is not in the vocabulary of tokenizer " + file
              + ": it becomes the unknown token '" + idToToken.get(unknownId) + "' (id " + unknownId + ")");
    }
    return (int) ids[0];
  }

  private Encoding encodeRaw(String text, boolean addSpecialTokens) {
    try {
      return tokenizer.encode(text, addSpecialTokens, false);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(
          "tokenizer " + file + " cannot tokenize \"" + text + "\": " + e.getMessage(), e);
    }
  }

  /**
   * Tokenizes an input: ids, token texts, one image-token range per image (per frame for a video)
   * and the prompt's words.
   *
   * @throws IllegalArgumentException naming the tokenizer file when the number of image tokens
   *     the tokenizer produces disagrees with the number of placeholders
   */
  public Tokenization tokenize(VlmInput input) {
    String prompt = input.prompt();
    String placeholder = input.isVideo() ? VlmInput.VIDEO_PLACEHOLDER : VlmInput.IMAGE_PLACEHOLDER;
    List<Integer> phStarts = occurrences(prompt, placeholder);
    int expectedPlaceholders = input.isVideo() ? 1 : input.images().size();
    if (phStarts.size() != expectedPlaceholders) {
      throw new IllegalArgumentException(
          "prompt has " + phStarts.size() + " " + placeholder + " placeholder(s) but "
              + expectedPlaceholders + " are needed: \"" + prompt + "\"");
    }

    // The text handed to the tokenizer: each placeholder replaced by the image token's text.
    boolean videoToken = input.isVideo() && visual.videoTokenId() >= 0;
    int tokenId = videoToken ? visual.videoTokenId() : imageTokenId;
    String tokenText = videoToken ? videoTokenText : imageTokenText;
    String replacement = videoToken ? tokenText : visual.imagePrefix() + tokenText + visual.imageSuffix();
    StringBuilder sb = new StringBuilder(prompt.length());
    int from = 0;
    for (int start : phStarts) {
      sb.append(prompt, from, start).append(replacement);
      from = start + placeholder.length();
    }
    sb.append(prompt, from, prompt.length());
    String text = sb.toString();
    int delta = replacement.length() - placeholder.length();

    Encoding enc = encodeRaw(text, true);
    long[] encIds = enc.getIds();
    String[] encTokens = enc.getTokens();
    CharSpan[] spans = enc.getCharTokenSpans();
    int imageTokens = 0;
    for (long id : encIds) {
      if (id == tokenId) {
        imageTokens++;
      }
    }
    if (imageTokens != phStarts.size()) {
      throw new IllegalArgumentException(
          "tokenizer " + file + " produced " + imageTokens + " image token(s) (id " + tokenId
              + ", '" + tokenText + "') for a prompt with " + phStarts.size() + " "
              + placeholder + " placeholder(s): \"" + prompt + "\"");
    }

    // Expand the image tokens; map each encoding index to its final position.
    int frames = input.isVideo() ? input.images().size() : 1;
    int[] counts = new int[input.images().size()];
    int[] given = visual.counts() == null ? null : visual.counts().apply(input);
    if (given != null && given.length != counts.length) {
      throw new IllegalStateException(given.length + " token counts for " + counts.length + " images");
    }
    int expanded = 0;
    for (int i = 0; i < counts.length; i++) {
      counts[i] = given != null ? given[i] : imageTokenCount.applyAsInt(input.images().get(i));
      expanded += counts[i];
    }
    int total = encIds.length - imageTokens + expanded;
    int[] ids = new int[total];
    List<String> tokens = new ArrayList<>(total);
    List<int[]> ranges = new ArrayList<>();
    int[] finalPos = new int[encIds.length];
    int pos = 0;
    int image = 0;
    for (int i = 0; i < encIds.length; i++) {
      finalPos[i] = pos;
      if (encIds[i] == tokenId) {
        for (int f = 0; f < frames; f++) {
          int n = counts[image++];
          ranges.add(new int[] {pos, pos + n});
          for (int k = 0; k < n; k++) {
            ids[pos] = tokenId;
            tokens.add(tokenText);
            pos++;
          }
        }
      } else {
        ids[pos] = Math.toIntExact(encIds[i]);
        tokens.add(encTokens[i]);
        pos++;
      }
    }

    // Token spans in char (UTF-16) offsets of `text`; null for tokens with no span.
    int[] cpToChar = codePointToCharOffsets(text);
    List<WordSpan> words = new ArrayList<>();
    for (int[] w : words(prompt, phStarts, placeholder.length())) {
      int shift = 0;
      for (int start : phStarts) {
        if (start < w[0]) {
          shift += delta;
        }
      }
      int ws = w[0] + shift;
      int we = w[1] + shift;
      int first = -1;
      int last = -1;
      for (int i = 0; i < encIds.length; i++) {
        CharSpan s = spans[i];
        if (s == null || encIds[i] == tokenId) {
          continue;
        }
        int ts = charOffset(cpToChar, s.getStart());
        int te = charOffset(cpToChar, s.getEnd());
        if (ts < we && te > ws) {
          if (first < 0) {
            first = i;
          }
          last = i;
        }
      }
      String wordText = prompt.substring(w[0], w[1]);
      if (first < 0) {
        throw new IllegalArgumentException(
            "no token of tokenizer " + file + " covers the word '" + wordText + "' at characters "
                + w[0] + ".." + w[1] + " of \"" + prompt + "\"");
      }
      words.add(WordSpan.of(wordText, w[0], w[1], finalPos[first], finalPos[last]));
    }
    return Tokenization.of(prompt, ids, tokens, ranges, words, unknownId);
  }

  private static int charOffset(int[] cpToChar, int cp) {
    if (cp < 0) {
      return 0;
    }
    return cp >= cpToChar.length ? cpToChar[cpToChar.length - 1] : cpToChar[cp];
  }

  /** {@code out[k]} = the char offset of code point {@code k}; {@code out[count]} = length. */
  static int[] codePointToCharOffsets(String s) {
    int n = s.codePointCount(0, s.length());
    int[] out = new int[n + 1];
    int c = 0;
    for (int k = 0; k < n; k++) {
      out[k] = c;
      c += Character.charCount(s.codePointAt(c));
    }
    out[n] = s.length();
    return out;
  }

  private static List<Integer> occurrences(String s, String sub) {
    List<Integer> out = new ArrayList<>();
    for (int i = s.indexOf(sub); i >= 0; i = s.indexOf(sub, i + sub.length())) {
      out.add(i);
    }
    return out;
  }

  /**
   * The words of a prompt as {@code {start, end}} char offsets: maximal runs of letters and digits,
   * an apostrophe or hyphen between two letters or digits staying inside; characters inside a
   * placeholder belong to no word.
   */
  static List<int[]> words(String prompt, List<Integer> placeholderStarts, int placeholderLength) {
    boolean[] masked = new boolean[prompt.length()];
    for (int start : placeholderStarts) {
      Arrays.fill(masked, start, start + placeholderLength, true);
    }
    List<int[]> out = new ArrayList<>();
    int i = 0;
    int n = prompt.length();
    while (i < n) {
      if (!isWordChar(prompt, i, masked)) {
        i += Character.charCount(prompt.codePointAt(i));
        continue;
      }
      int start = i;
      while (i < n) {
        if (isWordChar(prompt, i, masked)) {
          i += Character.charCount(prompt.codePointAt(i));
        } else if (isJoiner(prompt.charAt(i)) && !masked[i] && i + 1 < n
            && isWordChar(prompt, i + 1, masked)) {
          i += 1;
        } else {
          break;
        }
      }
      out.add(new int[] {start, i});
    }
    return out;
  }

  private static boolean isWordChar(String s, int i, boolean[] masked) {
    return !masked[i] && Character.isLetterOrDigit(s.codePointAt(i));
  }

  private static boolean isJoiner(char c) {
    return c == '\'' || c == '\u2019' || c == '-';
  }

  private static int[] toInts(long[] ids) {
    int[] out = new int[ids.length];
    for (int i = 0; i < ids.length; i++) {
      out[i] = Math.toIntExact(ids[i]);
    }
    return out;
  }

  /** Frees the native tokenizer. */
  @Override
  public void close() {
    tokenizer.close();
  }

  @Override
  public String toString() {
    return "LlavaTokenizer[" + file + ", image token " + imageTokenId + " '" + imageTokenText + "'"
        + (imageTokensPerImage > 0 ? " x " + imageTokensPerImage : "") + "]";
  }
}
