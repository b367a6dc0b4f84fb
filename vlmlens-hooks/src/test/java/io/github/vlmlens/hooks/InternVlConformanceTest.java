package io.github.vlmlens.hooks;

import io.github.vlmlens.core.HookedVlm;
import io.github.vlmlens.core.RgbImage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;

/** The conformance suite on the Hugging Face-made InternVL fixture (2 tiles + thumbnail per image). */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class InternVlConformanceTest extends ConformanceSuite {
  private HfFixture fx;
  private HookedVlm vlm;

  @BeforeAll
  void load() {
    fx = HfFixture.open("internvl");
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
