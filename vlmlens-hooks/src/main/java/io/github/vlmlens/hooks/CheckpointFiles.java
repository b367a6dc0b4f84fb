package io.github.vlmlens.hooks;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.vlmlens.core.API;
import io.github.vlmlens.hooks.internal.io.ImagePreprocessor;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Writers of small Hugging Face checkpoint files, for tests and for training the bundled tiny
 * model: a word-level {@code tokenizer.json} and a CLIP {@code preprocessor_config.json}.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1.0")
public final class CheckpointFiles {
  /** The beginning-of-sequence token the tokenizer's post-processor prepends when it is special. */
  public static final String BOS = "<s>";
  /** The unknown-word token. */
  public static final String UNK = "<unk>";

  private static final JsonMapper MAPPER =
      JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();

  private CheckpointFiles() {}

  /**
   * Writes a word-level {@code tokenizer.json}. Ids: the special tokens first, in the order given
   * (e.g. {@code <pad>=0, <s>=1, <unk>=2, <image>=3}), then the vocabulary in order. Text is split
   * on whitespace and around each punctuation character, with no lowercasing or other
   * normalisation; a word outside the vocabulary becomes {@value #UNK} (which must then be among
   * the special tokens or the vocabulary). When {@value #BOS} is a special token, the
   * post-processor prepends it to every sequence encoded with special tokens.
   *
   * @throws IllegalArgumentException for a duplicate or empty token, or a vocabulary word holding
   *     whitespace
   * @throws IOException when the file cannot be written
   */
  public static void writeWordLevelTokenizer(
      Path file, List<String> vocabulary, List<String> specialTokens) throws IOException {
    Set<String> seen = new HashSet<>();
    ObjectNode root = MAPPER.createObjectNode();
    root.put("version", "1.0");
    root.putNull("truncation");
    root.putNull("padding");
    ArrayNode added = root.putArray("added_tokens");
    ObjectNode vocab = MAPPER.createObjectNode();
    int id = 0;
    for (String s : specialTokens) {
      if (s == null || s.isEmpty() || !seen.add(s)) {
        throw new IllegalArgumentException("special token '" + s + "' is empty or repeated");
      }
      ObjectNode t = added.addObject();
      t.put("id", id);
      t.put("content", s);
      t.put("single_word", false);
      t.put("lstrip", false);
      t.put("rstrip", false);
      t.put("normalized", false);
      t.put("special", true);
      vocab.put(s, id++);
    }
    for (String w : vocabulary) {
      if (w == null || w.isEmpty() || !seen.add(w)) {
        throw new IllegalArgumentException("vocabulary word '" + w + "' is empty or repeated");
      }
      if (w.codePoints().anyMatch(Character::isWhitespace)) {
        throw new IllegalArgumentException("vocabulary word '" + w + "' holds whitespace");
      }
      vocab.put(w, id++);
    }
    root.putNull("normalizer");
    ObjectNode pre = root.putObject("pre_tokenizer");
    pre.put("type", "Sequence");
    ArrayNode steps = pre.putArray("pretokenizers");
    steps.addObject().put("type", "WhitespaceSplit");
    ObjectNode punct = steps.addObject();
    punct.put("type", "Punctuation");
    punct.put("behavior", "Isolated");
    if (specialTokens.contains(BOS)) {
      int bosId = specialTokens.indexOf(BOS);
      ObjectNode post = root.putObject("post_processor");
      post.put("type", "TemplateProcessing");
      ArrayNode single = post.putArray("single");
      single.addObject().putObject("SpecialToken").put("id", BOS).put("type_id", 0);
      single.addObject().putObject("Sequence").put("id", "A").put("type_id", 0);
      ArrayNode pair = post.putArray("pair");
      pair.addObject().putObject("SpecialToken").put("id", BOS).put("type_id", 0);
      pair.addObject().putObject("Sequence").put("id", "A").put("type_id", 0);
      pair.addObject().putObject("Sequence").put("id", "B").put("type_id", 1);
      ObjectNode st = post.putObject("special_tokens").putObject(BOS);
      st.put("id", BOS);
      st.putArray("ids").add(bosId);
      st.putArray("tokens").add(BOS);
    } else {
      root.putNull("post_processor");
    }
    root.putNull("decoder");
    ObjectNode model = root.putObject("model");
    model.put("type", "WordLevel");
    model.set("vocab", vocab);
    model.put("unk_token", UNK);
    String json;
    try {
      json = MAPPER.writeValueAsString(root) + "\n";
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
    Files.writeString(file, json, StandardCharsets.UTF_8);
  }

  /**
   * Writes a {@code preprocessor_config.json} for {@code CLIPImageProcessor}: resize the shortest
   * edge to {@code size} (bicubic), center crop {@code size x size}, rescale by 1/255, normalise
   * with {@code mean} and {@code std} (three values each).
   *
   * @throws IOException when the file cannot be written
   */
  public static void writePreprocessorConfig(Path file, int size, float[] mean, float[] std)
      throws IOException {
    Files.writeString(file, ImagePreprocessor.of(size, mean, std).toJson(), StandardCharsets.UTF_8);
  }
}
