package io.github.vlmlens.hooks.internal.qwen2vl;

import io.github.vlmlens.hooks.HfFixture;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.vlmlens.hooks.CheckpointException;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Config parsing in both forms, and the settings it refuses (hand-written configs). */
class Qwen2VlConfigTest {

  /** A transformers-5 Qwen2-VL config (nested text_config, rope_parameters). */
  static ObjectNode v5() {
    return (ObjectNode) HfFixture.MAPPER.valueToTree(java.util.Map.of(
        "model_type", "qwen2_vl",
        "image_token_id", 90,
        "video_token_id", 91,
        "vision_start_token_id", 92,
        "vision_end_token_id", 93,
        "text_config", java.util.Map.of(
            "vocab_size", 128, "hidden_size", 64, "intermediate_size", 96, "num_hidden_layers", 2,
            "num_attention_heads", 4, "num_key_value_heads", 2, "rms_norm_eps", 1e-6,
            "rope_parameters", java.util.Map.of("rope_type", "default", "rope_theta", 1e6, "mrope_section", List.of(2, 3, 3))),
        "vision_config", java.util.Map.of(
            "depth", 2, "embed_dim", 16, "hidden_size", 64, "num_heads", 2, "mlp_ratio", 2,
            "patch_size", 14, "spatial_merge_size", 2, "temporal_patch_size", 2)));
  }

  /** The same config in the published transformers-4 form (flat text keys, rope_scaling). */
  static ObjectNode v4() {
    ObjectNode c = v5();
    ObjectNode text = (ObjectNode) c.remove("text_config");
    ObjectNode rope = (ObjectNode) text.remove("rope_parameters");
    c.setAll(text);
    c.put("rope_theta", 1e6);
    ObjectNode scaling = c.putObject("rope_scaling");
    scaling.put("type", "mrope");
    scaling.set("mrope_section", rope.get("mrope_section"));
    ((ObjectNode) c.get("vision_config")).put("in_chans", 3);
    return c;
  }

  private static Qwen2VlConfig parse(JsonNode n) {
    return Qwen2VlConfig.parse(n, "config.json");
  }

  private static String error(JsonNode n) {
    return assertThrows(CheckpointException.class, () -> parse(n)).getMessage();
  }

  @Test
  void bothFormsParseToTheSameSettings() {
    for (ObjectNode c : List.of(v5(), v4())) {
      Qwen2VlConfig q = parse(c);
      assertEquals("qwen2_vl", q.modelType());
      assertEquals(64, q.text().hiddenSize());
      assertEquals(16, q.text().headDim());
      assertEquals(2, q.text().numKeyValueHeads());
      assertEquals(1e6, q.text().ropeTheta());
      assertEquals(1e-6, q.text().rmsNormEps());
      assertArrayEquals(new int[] {2, 3, 3}, q.text().mropeSection());
      assertEquals(16, q.vision().width());
      assertEquals(64, q.vision().outHiddenSize());
      assertEquals(32, q.vision().intermediateSize());
      assertEquals("quick_gelu", q.vision().hiddenAct());
      assertEquals(3 * 2 * 14 * 14, q.vision().patchDim());
      assertEquals(90, q.imageTokenId());
      assertFalse(q.tieWordEmbeddings());
      assertTrue(q.vision().fullAttention(1), "Qwen2-VL blocks all attend to the whole image");
    }
  }

  @Test
  void qwen25VisionKeys() {
    ObjectNode c = v5();
    c.put("model_type", "qwen2_5_vl");
    ObjectNode v = c.putObject("vision_config");
    v.put("depth", 4).put("hidden_size", 16).put("out_hidden_size", 64).put("intermediate_size", 32)
        .put("num_heads", 2).put("patch_size", 14).put("spatial_merge_size", 2).put("temporal_patch_size", 2)
        .put("window_size", 56);
    v.putArray("fullatt_block_indexes").add(1).add(3);
    ((ObjectNode) c.get("text_config")).put("tie_word_embeddings", true);
    Qwen2VlConfig q = parse(c);
    assertTrue(q.isQwen25());
    assertEquals("silu", q.vision().hiddenAct());
    assertEquals(32, q.vision().intermediateSize());
    assertFalse(q.vision().fullAttention(0));
    assertTrue(q.vision().fullAttention(3));
    assertTrue(q.tieWordEmbeddings(), "a text_config tie_word_embeddings ties the head (as transformers 5 does)");
    v.remove("window_size");
    assertTrue(error(c).contains("vision_config.window_size"));
  }

  @Test
  void unsupportedSettingsNameTheirKey() {
    ObjectNode c = v4();
    ((ObjectNode) c.get("rope_scaling")).put("type", "yarn");
    assertTrue(error(c).contains("'rope_scaling.type'"), error(c));

    c = v5();
    ((ObjectNode) c.get("text_config").get("rope_parameters")).put("rope_type", "dynamic");
    assertTrue(error(c).contains("'text_config.rope_parameters.rope_type'"), error(c));

    c = v5();
    ((ObjectNode) c.get("text_config")).put("use_sliding_window", true);
    assertTrue(error(c).contains("'text_config.use_sliding_window'"), error(c));

    c = v4();
    c.put("use_sliding_window", true);
    assertTrue(error(c).contains("'use_sliding_window'"), error(c));

    c = v5();
    ((ObjectNode) c.get("text_config").get("rope_parameters")).putArray("mrope_section").add(2).add(2).add(2);
    assertTrue(error(c).contains("mrope_section"), error(c));

    c = v5();
    c.put("model_type", "qwen3_vl");
    assertTrue(error(c).contains("'model_type'"), error(c));
  }

  @Test
  void missingSizesAreErrorsNamingTheKey() {
    ObjectNode c = v5();
    ((ObjectNode) c.get("text_config")).remove("hidden_size");
    assertTrue(error(c).contains("'text_config.hidden_size': missing"), error(c));

    c = v4();
    c.remove("num_key_value_heads");
    assertTrue(error(c).contains("'num_key_value_heads': missing"), error(c));

    c = v5();
    ((ObjectNode) c.get("vision_config")).remove("embed_dim");
    assertTrue(error(c).contains("'vision_config.embed_dim': missing"), error(c));

    c = v5();
    ((ObjectNode) c.get("vision_config")).put("hidden_size", 32);
    assertTrue(error(c).contains("'vision_config.hidden_size'"), error(c));

    c = v5();
    c.put("image_token_id", 500);
    assertTrue(error(c).contains("'image_token_id'"), error(c));
  }
}
