package io.github.vlmlens.hooks;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.vlmlens.core.HookedVlm;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Finding a family by {@code model_type}. */
class HookedVlmsTest {
  @TempDir Path dir;

  @Test
  void llavaLoadsAsHookedLlava() throws IOException {
    TinyLlava.writeCheckpoint(dir.resolve("tiny"), TinyLlava.config(1), 3);
    try (HookedVlm vlm = HookedVlms.load(dir.resolve("tiny"))) {
      assertInstanceOf(HookedLlava.class, vlm);
    }
    assertTrue(HookedVlms.supportedModelTypes().contains("llava"));
  }

  @Test
  void anUnsupportedModelTypeNamesTheSupportedOnes() throws IOException {
    Files.writeString(dir.resolve("config.json"), "{\"model_type\": \"blip-2\"}");
    CheckpointException e = assertThrows(CheckpointException.class, () -> HookedVlms.load(dir));
    assertTrue(e.getMessage().contains("'blip-2' is not supported"), e.getMessage());
    assertTrue(e.getMessage().contains("llava"), e.getMessage());
  }

  @Test
  void aMissingOrBadConfigIsNamed() throws IOException {
    CheckpointException none = assertThrows(CheckpointException.class, () -> HookedVlms.load(dir));
    assertTrue(none.getMessage().contains("has no config.json"), none.getMessage());
    Files.writeString(dir.resolve("config.json"), "{\"architectures\": []}");
    CheckpointException noType = assertThrows(CheckpointException.class, () -> HookedVlms.load(dir));
    assertTrue(noType.getMessage().contains("has no model_type"), noType.getMessage());
    Files.writeString(dir.resolve("config.json"), "{not json");
    CheckpointException bad = assertThrows(CheckpointException.class, () -> HookedVlms.load(dir));
    assertTrue(bad.getMessage().contains("config.json"), bad.getMessage());
  }
}
