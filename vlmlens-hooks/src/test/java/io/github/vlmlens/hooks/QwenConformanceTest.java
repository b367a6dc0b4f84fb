package io.github.vlmlens.hooks;

import io.github.vlmlens.core.HookedVlm;
import io.github.vlmlens.core.RgbImage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;

/** The conformance suite on the Hugging Face-made Qwen2-VL and Qwen2.5-VL fixtures. */
class QwenConformanceTest {
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

    @Override
    String[] answerWords() {
      // Single tokens of the fixture's small BPE ("right" is two there).
      return new String[] {"left", "No"};
    }
  }

  @Nested
  @org.junit.jupiter.api.TestInstance(org.junit.jupiter.api.TestInstance.Lifecycle.PER_CLASS)
  class Qwen2Vl extends OnFixture {
    @Override
    String family() {
      return "qwen2_vl";
    }
  }

  @Nested
  @org.junit.jupiter.api.TestInstance(org.junit.jupiter.api.TestInstance.Lifecycle.PER_CLASS)
  class Qwen25Vl extends OnFixture {
    @Override
    String family() {
      return "qwen2_5_vl";
    }
  }
}
