package io.github.vlmlens.hooks;

import io.github.vlmlens.core.HookedVlm;
import io.github.vlmlens.core.RgbImage;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/** The conformance suite on a tiny random LLaVA loaded through {@link HookedVlms}. */
class LlavaConformanceTest extends ConformanceSuite {
  @TempDir static Path dir;
  private static HookedVlm vlm;

  @BeforeAll
  static void load() throws IOException {
    TinyLlava.writeCheckpoint(dir.resolve("tiny"), TinyLlava.config(3), 11);
    vlm = HookedVlms.load(dir.resolve("tiny"));
  }

  @AfterAll
  static void close() {
    vlm.close();
  }

  @Override
  HookedVlm vlm() {
    return vlm;
  }

  @Override
  RgbImage image() {
    return TinyLlava.image(1);
  }

  @Override
  String[] answerWords() {
    return new String[] {"left", "right"};
  }
}
