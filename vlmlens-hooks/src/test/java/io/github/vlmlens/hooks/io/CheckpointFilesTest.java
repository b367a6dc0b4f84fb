package io.github.vlmlens.hooks.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.vlmlens.core.RgbImage;
import io.github.vlmlens.core.VlmInput;
import io.github.vlmlens.hooks.CheckpointFiles;
import io.github.vlmlens.hooks.internal.io.LlavaTokenizer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointFilesTest {
  @TempDir Path dir;

  @Test
  void wordLevelTokenizerIdsAndTemplate() throws Exception {
    Path file = dir.resolve("tokenizer.json");
    CheckpointFiles.writeWordLevelTokenizer(
        file, List.of("Left", "Right", "dog"), List.of("<pad>", "<s>", "<unk>", "<image>"));
    JsonNode root = new ObjectMapper().readTree(Files.readString(file));
    assertEquals("WordLevel", root.get("model").get("type").textValue());
    JsonNode vocab = root.get("model").get("vocab");
    assertEquals(0, vocab.get("<pad>").intValue());
    assertEquals(1, vocab.get("<s>").intValue());
    assertEquals(2, vocab.get("<unk>").intValue());
    assertEquals(3, vocab.get("<image>").intValue());
    assertEquals(4, vocab.get("Left").intValue());
    assertEquals(6, vocab.get("dog").intValue());
    assertEquals(4, root.get("added_tokens").size());
    assertTrue(root.get("added_tokens").get(3).get("special").booleanValue());
    assertTrue(root.get("normalizer").isNull()); // no lowercasing
    assertEquals("TemplateProcessing", root.get("post_processor").get("type").textValue());

    try (LlavaTokenizer tok = LlavaTokenizer.load(file, 3, 1)) {
      assertArrayEquals(
          new int[] {1, 3, 6, 4}, tok.tokenize(VlmInput.of(RgbImage.black(2, 2), "<image> dog Left")).ids());
      assertEquals(2, tok.tokenize(VlmInput.text("left")).ids()[1]); // case kept: "left" is unknown
      assertEquals(5, tok.singleTokenId("Right"));
    }
  }

  @Test
  void withoutBosNothingIsPrepended() throws Exception {
    Path file = dir.resolve("tokenizer.json");
    CheckpointFiles.writeWordLevelTokenizer(file, List.of("a", "b"), List.of("<unk>", "<image>"));
    assertTrue(new ObjectMapper().readTree(Files.readString(file)).get("post_processor").isNull());
    try (LlavaTokenizer tok = LlavaTokenizer.load(file, 1, 2)) {
      assertArrayEquals(
          new int[] {1, 1, 2, 3}, tok.tokenize(VlmInput.of(RgbImage.black(2, 2), "<image>a b")).ids());
    }
  }

  @Test
  void badVocabulariesAreRejected() {
    Path file = dir.resolve("tokenizer.json");
    assertThrows(
        IllegalArgumentException.class,
        () -> CheckpointFiles.writeWordLevelTokenizer(file, List.of("a", "a"), List.of("<unk>")));
    assertThrows(
        IllegalArgumentException.class,
        () -> CheckpointFiles.writeWordLevelTokenizer(file, List.of("<unk>"), List.of("<unk>")));
    assertThrows(
        IllegalArgumentException.class,
        () -> CheckpointFiles.writeWordLevelTokenizer(file, List.of("two words"), List.of("<unk>")));
  }
}
