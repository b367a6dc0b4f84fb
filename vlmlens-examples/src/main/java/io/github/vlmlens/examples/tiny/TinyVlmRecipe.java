package io.github.vlmlens.examples.tiny;

import io.github.vlmlens.core.API;
import io.github.vlmlens.core.PromptFormat;
import io.github.vlmlens.hooks.CheckpointFiles;
import io.github.vlmlens.hooks.LlavaConfig;
import io.github.vlmlens.spatial.scene.GridSpec;
import io.github.vlmlens.spatial.scene.ObjectLibrary;
import io.github.vlmlens.spatial.scene.SceneSplit;
import io.github.vlmlens.spatial.scene.SpatialQuestion;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What the bundled tiny VLM is: its architecture (a LLaVA with a 64 px CLIP-style tower and a
 * 6-block Llama decoder with grouped-query attention), its word-level vocabulary, its prompt
 * format, and the data split it was trained on. The training program and the tests share it.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1.0")
public final class TinyVlmRecipe {
  /** The prompt format: the image tokens, then the question; the answer is the next token. */
  public static final PromptFormat PROMPT = PromptFormat.of("<image>\n{question}");
  /** The special tokens, ids 0..3. */
  public static final List<String> SPECIAL_TOKENS = List.of("<pad>", "<s>", "<unk>", "<image>");
  /** The id of {@code <pad>}. */
  public static final int PAD_ID = 0;
  /** The id of {@code <image>}. */
  public static final int IMAGE_TOKEN_ID = 3;
  /** The seed of the held-out split of object pairs and placements. */
  public static final long SPLIT_SEED = 2026L;
  /** CLIP's normalisation constants, as in {@code CLIPImageProcessor}. */
  public static final float[] IMAGE_MEAN = {0.48145466f, 0.4578275f, 0.40821073f};
  /** CLIP's normalisation constants, as in {@code CLIPImageProcessor}. */
  public static final float[] IMAGE_STD = {0.26862954f, 0.26130258f, 0.27577711f};

  private TinyVlmRecipe() {}

  /** The 4 x 4 grid on a 64 px canvas. */
  public static GridSpec grid() {
    return GridSpec.tiny();
  }

  /** The built-in objects. */
  public static ObjectLibrary objects() {
    return ObjectLibrary.builtIn();
  }

  /** The split of object pairs and placements into training and held-out parts. */
  public static SceneSplit split() {
    return SceneSplit.of(objects(), grid(), SPLIT_SEED);
  }

  /** The word-level vocabulary after the special tokens: every question word and punctuation. */
  public static List<String> vocabulary() {
    List<String> v = new ArrayList<>(SpatialQuestion.vocabulary(objects()));
    v.add("?");
    v.add(",");
    return v;
  }

  /** The architecture, for a vocabulary of {@code vocabSize} tokens (specials included). */
  public static LlavaConfig config(int vocabSize) {
    return config(vocabSize, Integer.getInteger("vlmlens.tiny.patch", 16));
  }

  /** The architecture with a given vision patch size (16: one image token per grid cell). */
  public static LlavaConfig config(int vocabSize, int patchSize) {
    return config(vocabSize, grid().canvasPx(), patchSize);
  }

  /** The tiny architecture for images of {@code imageSize} px cut into patches of {@code patchSize}. */
  static LlavaConfig config(int vocabSize, int imageSize, int patchSize) {
    LlavaConfig.Vision vision =
        LlavaConfig.Vision.builder()
            .hiddenSize(96)
            .intermediateSize(384)
            .numHiddenLayers(3)
            .numAttentionHeads(4)
            .imageSize(imageSize)
            .patchSize(patchSize)
            .numChannels(3)
            .layerNormEps(1e-5)
            .hiddenAct("quick_gelu")
            .build();
    LlavaConfig.Text text =
        LlavaConfig.Text.builder()
            .hiddenSize(128)
            .intermediateSize(384)
            .numHiddenLayers(6)
            .numAttentionHeads(4)
            .numKeyValueHeads(2)
            .rmsNormEps(1e-5)
            .ropeTheta(10000)
            .vocabSize(vocabSize)
            .maxPositionEmbeddings(128)
            .hiddenAct("silu")
            .tieWordEmbeddings(false)
            .bosTokenId(1)
            .eosTokenId(null)
            .padTokenId(PAD_ID)
            .build();
    return LlavaConfig.builder()
        .text(text)
        .vision(vision)
        .imageTokenIndex(IMAGE_TOKEN_ID)
        .projectorHiddenAct("gelu")
        .visionFeatureLayer(-1)
        .visionFeatureSelectStrategy("default")
        .multimodalProjectorBias(true)
        .tieWordEmbeddings(false)
        .build();
  }

  /**
   * Writes the tokenizer, the preprocessor config and {@code vlmlens.json} (the prompt template)
   * into a checkpoint directory.
   */
  public static void writeSupportFiles(Path dir) throws IOException {
    writeSupportFiles(dir, vocabulary(), grid().canvasPx());
  }

  /** The support files of a tiny model with this vocabulary (after the specials) and image side. */
  static void writeSupportFiles(Path dir, List<String> vocabulary, int imageSize) throws IOException {
    Files.createDirectories(dir);
    CheckpointFiles.writeWordLevelTokenizer(dir.resolve("tokenizer.json"), vocabulary, SPECIAL_TOKENS);
    CheckpointFiles.writePreprocessorConfig(
        dir.resolve("preprocessor_config.json"), imageSize, IMAGE_MEAN, IMAGE_STD);
    String json =
        "{\n  \"prompt_template\": \"" + PROMPT.template().replace("\n", "\\n") + "\"\n}\n";
    Files.writeString(dir.resolve("vlmlens.json"), json, StandardCharsets.UTF_8);
  }

  /** The vocabulary size, specials included. */
  public static int vocabSize() {
    return SPECIAL_TOKENS.size() + vocabulary().size();
  }
}
