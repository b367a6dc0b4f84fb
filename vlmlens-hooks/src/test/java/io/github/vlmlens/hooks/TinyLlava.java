package io.github.vlmlens.hooks;

import io.github.vlmlens.core.RgbImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** The tiny LLaVA configuration and vocabulary the hooks tests share. */
final class TinyLlava {
  static final List<String> SPECIALS = List.of("<pad>", "<s>", "</s>", "<unk>", "<image>");
  static final List<String> WORDS =
      List.of(
          "USER", "ASSISTANT", ":", "?", ".", ",", "Is", "is", "the", "a", "to", "of", "or", "and",
          "left", "right", "above", "below", "Left", "Right", "Yes", "No", "dog", "cat", "car",
          "bus", "red", "blue", "green", "color", "What", "Does", "appear", "before", "after",
          "scene", "indoors", "outdoors", "backpack", "cup", "tree", "house", "bird", "horse",
          "sheep", "cow", "boat", "person", "chair", "table", "ball", "box", "in", "on", "front",
          "behind");
  static final int IMAGE_TOKEN = 4;

  private TinyLlava() {}

  /** Every token: specials first, then the words. */
  static List<String> vocabulary() {
    List<String> v = new ArrayList<>(SPECIALS);
    v.addAll(WORDS);
    return v;
  }

  static int vocabSize() {
    return SPECIALS.size() + WORDS.size();
  }

  /** Image 32 px, patch 8, vision 32 x 2 layers, decoder 64 x {@code layers} layers, 4 heads, 2 kv heads. */
  static LlavaConfig config(int layers) {
    return LlavaConfig.builder()
        .text(
            LlavaConfig.Text.builder()
                .hiddenSize(64)
                .intermediateSize(128)
                .numHiddenLayers(layers)
                .numAttentionHeads(4)
                .numKeyValueHeads(2)
                .rmsNormEps(1e-5)
                .vocabSize(vocabSize())
                .maxPositionEmbeddings(256)
                .bosTokenId(1)
                .eosTokenId(2)
                .padTokenId(0)
                .build())
        .vision(
            LlavaConfig.Vision.builder()
                .hiddenSize(32)
                .intermediateSize(64)
                .numHiddenLayers(2)
                .numAttentionHeads(2)
                .imageSize(32)
                .patchSize(8)
                .build())
        .imageTokenIndex(IMAGE_TOKEN)
        .build();
  }

  static LlavaConfig config() {
    return config(3);
  }

  /** Writes a random checkpoint of {@code config} in the Hugging Face layout, with tokenizer and preprocessor. */
  static Path writeCheckpoint(Path dir, LlavaConfig config, long seed) throws IOException {
    try (LlavaModel m = LlavaModel.initRandom(config, seed, LoadOptions.defaults())) {
      m.save(dir);
    }
    writeTokenizerAndPreprocessor(dir);
    return dir;
  }

  static void writeTokenizerAndPreprocessor(Path dir) throws IOException {
    CheckpointFiles.writeWordLevelTokenizer(dir.resolve("tokenizer.json"), WORDS, SPECIALS);
    CheckpointFiles.writePreprocessorConfig(
        dir.resolve("preprocessor_config.json"),
        32,
        new float[] {0.48145466f, 0.4578275f, 0.40821073f},
        new float[] {0.26862954f, 0.26130258f, 0.27577711f});
  }

  /** A seeded random 32 x 32 image. */
  static RgbImage image(long seed) {
    Random r = new Random(seed);
    int[] px = new int[32 * 32];
    for (int i = 0; i < px.length; i++) {
      px[i] = r.nextInt(1 << 24);
    }
    return RgbImage.of(32, 32, px);
  }
}
