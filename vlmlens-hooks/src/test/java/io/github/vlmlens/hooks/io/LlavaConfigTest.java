package io.github.vlmlens.hooks.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.vlmlens.hooks.CheckpointException;
import io.github.vlmlens.hooks.LlavaConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LlavaConfigTest {
  /**
   * The published llava-hf/llava-1.5-7b-hf config.json: it lists only non-default keys, so the
   * Llama and CLIP defaults must fill in the rest.
   */
  static final String LLAVA_15_7B =
      "{\n"
          + "  \"architectures\": [\"LlavaForConditionalGeneration\"],\n"
          + "  \"ignore_index\": -100,\n"
          + "  \"image_token_index\": 32000,\n"
          + "  \"model_type\": \"llava\",\n"
          + "  \"pad_token_id\": 32001,\n"
          + "  \"projector_hidden_act\": \"gelu\",\n"
          + "  \"text_config\": {\n"
          + "    \"_name_or_path\": \"lmsys/vicuna-7b-v1.5\",\n"
          + "    \"architectures\": [\"LlamaForCausalLM\"],\n"
          + "    \"max_position_embeddings\": 4096,\n"
          + "    \"model_type\": \"llama\",\n"
          + "    \"rms_norm_eps\": 1e-05,\n"
          + "    \"torch_dtype\": \"float16\",\n"
          + "    \"vocab_size\": 32064\n"
          + "  },\n"
          + "  \"tie_word_embeddings\": false,\n"
          + "  \"torch_dtype\": \"float16\",\n"
          + "  \"transformers_version\": \"4.36.0.dev0\",\n"
          + "  \"vision_config\": {\n"
          + "    \"hidden_size\": 1024,\n"
          + "    \"image_size\": 336,\n"
          + "    \"intermediate_size\": 4096,\n"
          + "    \"model_type\": \"clip_vision_model\",\n"
          + "    \"num_attention_heads\": 16,\n"
          + "    \"num_hidden_layers\": 24,\n"
          + "    \"patch_size\": 14,\n"
          + "    \"projection_dim\": 768,\n"
          + "    \"vocab_size\": 32000\n"
          + "  },\n"
          + "  \"vision_feature_layer\": -2,\n"
          + "  \"vision_feature_select_strategy\": \"default\",\n"
          + "  \"vocab_size\": 32064\n"
          + "}\n";

  @Test
  void publishedLlava15ConfigGetsEveryDefault(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("config.json");
    Files.writeString(file, LLAVA_15_7B);
    LlavaConfig c = LlavaConfig.read(file);

    assertEquals(576, c.numImageTokens()); // (336 / 14)^2, CLS dropped
    assertEquals(32000, c.imageTokenIndex());
    assertEquals("gelu", c.projectorHiddenAct());
    assertEquals(List.of(-2), c.visionFeatureLayers());
    assertEquals("default", c.visionFeatureSelectStrategy());
    assertTrue(c.multimodalProjectorBias());
    assertEquals(false, c.tieWordEmbeddings());
    assertEquals(576, c.imageSeqLength());

    LlavaConfig.Text t = c.text();
    assertEquals(4096, t.hiddenSize());
    assertEquals(11008, t.intermediateSize());
    assertEquals(32, t.numHiddenLayers());
    assertEquals(32, t.numAttentionHeads());
    assertEquals(32, t.numKeyValueHeads()); // null -> heads
    assertEquals(128, t.headDim()); // null -> 4096 / 32
    assertEquals(1e-5, t.rmsNormEps());
    assertEquals(10000.0, t.ropeTheta());
    assertEquals(32064, t.vocabSize());
    assertEquals(4096, t.maxPositionEmbeddings());
    assertEquals("silu", t.hiddenAct());
    assertEquals(false, t.attentionBias());
    assertEquals(false, t.mlpBias());
    assertEquals(1, t.bosTokenId());
    assertEquals(2, t.eosTokenId());
    assertNull(t.padTokenId());

    LlavaConfig.Vision v = c.vision();
    assertEquals(1024, v.hiddenSize());
    assertEquals(24, v.numHiddenLayers());
    assertEquals(16, v.numAttentionHeads());
    assertEquals(4096, v.intermediateSize());
    assertEquals(336, v.imageSize());
    assertEquals(14, v.patchSize());
    assertEquals(3, v.numChannels());
    assertEquals(1e-5, v.layerNormEps());
    assertEquals("quick_gelu", v.hiddenAct());
  }

  @Test
  void toJsonRoundTripsAndIsHfShaped() throws Exception {
    LlavaConfig c = LlavaConfig.fromJson(LLAVA_15_7B);
    String json = c.toJson();
    assertEquals(c, LlavaConfig.fromJson(json));
    assertEquals(c.hashCode(), LlavaConfig.fromJson(json).hashCode());

    JsonNode n = new ObjectMapper().readTree(json);
    assertEquals("llava", n.get("model_type").textValue());
    assertEquals("LlavaForConditionalGeneration", n.get("architectures").get(0).textValue());
    assertEquals("llama", n.get("text_config").get("model_type").textValue());
    assertEquals("clip_vision_model", n.get("vision_config").get("model_type").textValue());
    assertEquals(-2, n.get("vision_feature_layer").intValue());
    assertEquals(32064, n.get("text_config").get("vocab_size").intValue());
  }

  @Test
  void missingVisionConfigIsClipL336ButAGivenDictFallsBackToClipDefaults() {
    LlavaConfig absent = LlavaConfig.fromJson("{}");
    assertEquals(1024, absent.vision().hiddenSize());
    assertEquals(24, absent.vision().numHiddenLayers());
    assertEquals(16, absent.vision().numAttentionHeads());
    assertEquals(4096, absent.vision().intermediateSize());
    assertEquals(336, absent.vision().imageSize());
    assertEquals(14, absent.vision().patchSize());
    assertEquals(576, absent.numImageTokens());
    // LlamaConfig defaults for an absent text config.
    assertEquals(1e-6, absent.text().rmsNormEps());
    assertEquals(32000, absent.text().vocabSize());
    assertEquals(2048, absent.text().maxPositionEmbeddings());

    LlavaConfig given = LlavaConfig.fromJson("{\"vision_config\": {}}");
    assertEquals(768, given.vision().hiddenSize());
    assertEquals(12, given.vision().numHiddenLayers());
    assertEquals(12, given.vision().numAttentionHeads());
    assertEquals(3072, given.vision().intermediateSize());
    assertEquals(224, given.vision().imageSize());
    assertEquals(32, given.vision().patchSize());
    assertEquals(49, given.numImageTokens()); // (224 / 32)^2
  }

  @Test
  void fullStrategyKeepsCls() {
    LlavaConfig c =
        LlavaConfig.fromJson("{\"vision_feature_select_strategy\": \"full\", \"vision_config\": {}}");
    assertEquals(50, c.numImageTokens());
  }

  @Test
  void aliasesListsAndTying() {
    LlavaConfig c =
        LlavaConfig.fromJson(
            "{\"image_token_id\": 151655, \"vision_feature_layer\": [-2, -5, 3],"
                + " \"text_config\": {\"tie_word_embeddings\": true, \"num_key_value_heads\": 8,"
                + " \"head_dim\": 64}}");
    assertEquals(151655, c.imageTokenIndex());
    assertEquals(List.of(-2, -5, 3), c.visionFeatureLayers());
    assertTrue(c.tieWordEmbeddings()); // the text config's true wins
    assertEquals(8, c.text().numKeyValueHeads());
    assertEquals(64, c.text().headDim());
    LlavaConfig back = LlavaConfig.fromJson(c.toJson());
    assertEquals(c, back);

    LlavaConfig single = LlavaConfig.fromJson("{\"vision_feature_layer\": 5}");
    assertEquals(List.of(5), single.visionFeatureLayers());
  }

  @Test
  void ropeThetaFromEitherPlace() {
    assertEquals(
        500000.0,
        LlavaConfig.fromJson("{\"text_config\": {\"rope_theta\": 500000.0}}").text().ropeTheta());
    assertEquals(
        1000000.0,
        LlavaConfig.fromJson(
                "{\"text_config\": {\"rope_parameters\": {\"rope_type\": \"default\","
                    + " \"rope_theta\": 1000000.0}}}")
            .text()
            .ropeTheta());
  }

  @Test
  void unsupportedFeaturesNameTheKey() {
    assertMessage(
        "{\"text_config\": {\"rope_scaling\": {\"type\": \"linear\", \"factor\": 2.0}}}",
        "text_config.rope_scaling");
    assertMessage(
        "{\"text_config\": {\"rope_parameters\": {\"rope_type\": \"yarn\", \"rope_theta\": 1.0}}}",
        "rope_parameters");
    assertMessage("{\"text_config\": {\"hidden_act\": \"gelu\"}}", "hidden_act");
    assertMessage("{\"vision_config\": {\"hidden_act\": \"relu\"}}", "hidden_act");
    assertMessage("{\"vision_feature_select_strategy\": \"cls\"}", "vision_feature_select_strategy");
    assertMessage("{\"projector_hidden_act\": \"relu\"}", "projector_hidden_act");
    assertMessage("{\"model_type\": \"qwen2_vl\"}", "model_type");
    assertMessage("{\"text_config\": {\"model_type\": \"mistral\"}}", "text_config.model_type");
    assertMessage("{\"vision_config\": {\"model_type\": \"siglip_vision_model\"}}", "vision_config.model_type");
    assertMessage("{\"text_config\": {\"hidden_size\": \"big\"}}", "text_config.hidden_size");
    assertMessage("{\"text_config\": {\"num_key_value_heads\": 5}}", "num_key_value_heads");
    assertMessage("{\"vision_feature_layer\": -26}", "vision_feature_layer");
    assertMessage("{\"vision_feature_layer\": 25}", "vision_feature_layer");
    assertMessage("not json", "not valid JSON");
  }

  @Test
  void readErrorsNameTheFile(@TempDir Path dir) throws Exception {
    Path missing = dir.resolve("nope.json");
    CheckpointException e = assertThrows(CheckpointException.class, () -> LlavaConfig.read(missing));
    assertTrue(e.getMessage().contains(missing.toString()), e.getMessage());

    Path bad = dir.resolve("config.json");
    Files.writeString(bad, "{\"text_config\": {\"num_hidden_layers\": 2.5}}");
    e = assertThrows(CheckpointException.class, () -> LlavaConfig.read(bad));
    assertTrue(e.getMessage().contains(bad.toString()), e.getMessage());
    assertTrue(e.getMessage().contains("text_config.num_hidden_layers"), e.getMessage());
  }

  @Test
  void builderMakesTinyConfigsThatRoundTrip(@TempDir Path dir) throws Exception {
    LlavaConfig tiny =
        LlavaConfig.builder()
            .text(
                LlavaConfig.Text.builder()
                    .hiddenSize(128)
                    .intermediateSize(512)
                    .numHiddenLayers(6)
                    .numAttentionHeads(4)
                    .numKeyValueHeads(2)
                    .vocabSize(200)
                    .maxPositionEmbeddings(256)
                    .rmsNormEps(1e-5)
                    .padTokenId(0)
                    .build())
            .vision(
                LlavaConfig.Vision.builder()
                    .hiddenSize(96)
                    .intermediateSize(384)
                    .numHiddenLayers(3)
                    .numAttentionHeads(4)
                    .imageSize(64)
                    .patchSize(8)
                    .build())
            .imageTokenIndex(3)
            .visionFeatureLayer(-1)
            .build();
    assertEquals(64, tiny.numImageTokens());
    assertEquals(64, tiny.imageSeqLength()); // derived when not set
    assertEquals(32, tiny.text().headDim());
    assertEquals(2, tiny.text().numKeyValueHeads());
    Path file = dir.resolve("config.json");
    tiny.write(file);
    assertEquals(tiny, LlavaConfig.read(file));
    assertEquals(tiny, tiny.toBuilder().build());
    assertEquals(tiny.text(), tiny.text().toBuilder().build());
    assertEquals(tiny.vision(), tiny.vision().toBuilder().build());

    LlavaConfig other = tiny.toBuilder().visionFeatureSelectStrategy("full").build();
    assertNotEquals(tiny, other);
    assertEquals(65, other.numImageTokens());
    assertThrows(
        IllegalArgumentException.class,
        () -> LlavaConfig.Text.builder().hiddenSize(100).numAttentionHeads(3).build());
  }

  private static void assertMessage(String json, String fragment) {
    CheckpointException e = assertThrows(CheckpointException.class, () -> LlavaConfig.fromJson(json));
    assertTrue(e.getMessage().contains(fragment), () -> "'" + fragment + "' not in: " + e.getMessage());
  }
}
