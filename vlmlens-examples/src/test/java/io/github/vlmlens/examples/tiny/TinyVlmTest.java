package io.github.vlmlens.examples.tiny;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.vlmlens.core.HookPoint;
import io.github.vlmlens.core.HookedVlm;
import io.github.vlmlens.hooks.HookedLlava;
import io.github.vlmlens.spatial.scene.QuestionAxis;
import io.github.vlmlens.spatial.scene.SceneSplit;
import io.github.vlmlens.tiny.TinyVlm;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The bundled tiny VLM loads through the Hugging Face path and answers held-out questions. */
class TinyVlmTest {
  private static HookedVlm vlm;

  @BeforeAll
  static void load() {
    vlm = TinyVlm.load();
  }

  @AfterAll
  static void close() {
    vlm.close();
  }

  @Test
  void hasTheRecipesArchitecture() {
    assertEquals(6, vlm.numLayers());
    assertEquals(128, vlm.hiddenSize());
    assertTrue(vlm.hookPoints().contains(HookPoint.lmResid(6)));
    assertTrue(vlm.hookPoints().contains(HookPoint.projectorOut()));
    assertEquals(TinyVlmRecipe.PROMPT, vlm.promptFormat());
  }

  @Test
  void answersFreshHeldOutQuestionsOfEveryType() {
    // A fresh seed: these scenes were not the ones evaluated during training.
    Map<SceneSplit.Part, Map<QuestionAxis, Double>> acc =
        TrainTinyVlm.evaluate((HookedLlava) vlm, TinyVlmRecipe.split(), 120, 424242);
    for (var part : acc.entrySet()) {
      for (var axis : part.getValue().entrySet()) {
        assertTrue(
            axis.getValue() >= 0.95,
            part.getKey() + " " + axis.getKey() + " accuracy " + axis.getValue() + " in " + acc);
      }
    }
  }
}
