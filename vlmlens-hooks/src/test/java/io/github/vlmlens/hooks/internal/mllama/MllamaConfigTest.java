package io.github.vlmlens.hooks.internal.mllama;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.vlmlens.hooks.CheckpointException;
import io.github.vlmlens.hooks.HfFixture;
import org.junit.jupiter.api.Test;

/** The mllama config in both forms, refused settings, and the llama3 rotary frequencies against HF's. */
class MllamaConfigTest {
  @Test
  void parsesTheFixtureAndItsTransformers4Form() {
    try (HfFixture fx = HfFixture.open("mllama")) {
      MllamaConfig c = MllamaConfig.parse(fx.config(), "config.json");
      assertArrayEquals(new int[] {2}, c.text().crossAttentionLayers());
      assertTrue(c.text().isCrossAttention(2));
      assertNotNull(c.text().llama3());
      assertEquals(8192, c.text().llama3().originalMaxPositions());
      assertEquals(5, c.vision().patchesPerTile());
      assertArrayEquals(new int[] {1, 3}, c.vision().intermediateLayers());
      assertEquals(fx.info.get("special_token_ids").get("<|image|>").asInt(), c.imageTokenId());
      // transformers 4: rope_theta + rope_scaling at the text level
      ObjectNode v4 = fx.config().deepCopy();
      ObjectNode t = (ObjectNode) v4.get("text_config");
      ObjectNode rope = (ObjectNode) t.remove("rope_parameters");
      t.put("rope_theta", rope.remove("rope_theta").doubleValue());
      t.set("rope_scaling", rope);
      MllamaConfig c4 = MllamaConfig.parse(v4, "config.v4.json");
      assertEquals(c.text(), c4.text());
      assertEquals(c.vision(), c4.vision());
    }
  }

  @Test
  void llama3FrequenciesMatchHuggingFace() {
    try (HfFixture fx = HfFixture.open("mllama")) {
      MllamaConfig c = MllamaConfig.parse(fx.config(), "config.json");
      float[] ref = fx.floats("rope_inv_freq");
      float[] got = MllamaRope.inverseFrequencies(c.text().headDim(), c.text().ropeTheta(), c.text().llama3());
      for (int i = 0; i < ref.length; i++) {
        assertEquals(ref[i], got[i], Math.abs(ref[i]) * 2e-7, "inv_freq[" + i + "]");
      }
    }
  }

  @Test
  void unsupportedSettingsNameTheirKey() {
    try (HfFixture fx = HfFixture.open("mllama")) {
      String[][] cases = {
        {"text_config.rope_parameters.rope_type", "rope_parameters", "rope_type", "yarn"},
        {"text_config.rope_parameters.factor", "rope_parameters", "factor", null},
      };
      for (String[] k : cases) {
        ObjectNode cfg = fx.config().deepCopy();
        ObjectNode rope = (ObjectNode) cfg.get("text_config").get(k[1]);
        if (k[3] == null) {
          rope.remove(k[2]);
        } else {
          rope.put(k[2], k[3]);
        }
        CheckpointException e = assertThrows(CheckpointException.class, () -> MllamaConfig.parse(cfg, "config.json"));
        assertTrue(e.getMessage().contains("'" + k[0] + "'"), e.getMessage());
      }
      ObjectNode cfg = fx.config().deepCopy();
      ((ObjectNode) cfg.get("vision_config")).put("vision_output_dim", 17);
      CheckpointException e = assertThrows(CheckpointException.class, () -> MllamaConfig.parse(cfg, "config.json"));
      assertTrue(e.getMessage().contains("'vision_config.vision_output_dim'"), e.getMessage());
      ObjectNode cfg2 = fx.config().deepCopy();
      ((ObjectNode) cfg2.get("text_config")).remove("hidden_size");
      e = assertThrows(CheckpointException.class, () -> MllamaConfig.parse(cfg2, "config.json"));
      assertTrue(e.getMessage().contains("'text_config.hidden_size'"), e.getMessage());
    }
  }
}
