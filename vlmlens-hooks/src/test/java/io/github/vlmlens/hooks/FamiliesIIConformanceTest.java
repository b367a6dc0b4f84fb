package io.github.vlmlens.hooks;

import io.github.vlmlens.core.HookedVlm;
import io.github.vlmlens.core.RgbImage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.TestInstance;

/** The conformance suite on the Hugging Face-made Gemma 3 and LLaVA-OneVision fixtures. */
class FamiliesIIConformanceTest {
  abstract static class OnFixture extends ConformanceSuite {
    private HfFixture fx;
    private HookedVlm vlm;

    abstract String family();

    @BeforeAll
    void load() {
      fx = HfFixture.open(family());
      vlm = HookedVlms.load(fx.checkpoint());
    }

    @AfterAll
    void close() {
      vlm.close();
      fx.close();
    }

    @Override
    HookedVlm vlm() {
      return vlm;
    }

    @Override
    RgbImage image() {
      return fx.image();
    }
  }

  @Nested
  @TestInstance(TestInstance.Lifecycle.PER_CLASS)
  class Gemma3 extends OnFixture {
    @Override
    String family() {
      return "gemma3";
    }

    @Override
    String[] answerWords() {
      // single tokens of the fixture's small Gemma-style BPE
      return new String[] {"left", "No"};
    }
  }

  @Nested
  @TestInstance(TestInstance.Lifecycle.PER_CLASS)
  class LlavaOnevision extends OnFixture {
    @Override
    String family() {
      return "llava_onevision";
    }

    @Override
    String[] answerWords() {
      // single tokens of the fixture's small byte-level BPE ("right" is two there)
      return new String[] {"left", "No"};
    }
  }
}
