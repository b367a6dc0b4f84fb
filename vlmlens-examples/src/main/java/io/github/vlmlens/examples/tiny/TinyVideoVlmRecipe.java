package io.github.vlmlens.examples.tiny;

import io.github.vlmlens.core.API;
import io.github.vlmlens.core.PromptFormat;
import io.github.vlmlens.hooks.LlavaConfig;
import io.github.vlmlens.temporal.video.AnswerForm;
import io.github.vlmlens.temporal.video.ObjectPairSplit;
import io.github.vlmlens.temporal.video.TemporalQuestion;
import io.github.vlmlens.temporal.video.VideoSpec;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * What the bundled tiny video VLM is: the tiny LLaVA architecture of {@link TinyVlmRecipe} on
 * 32 px frames cut into four 16 px patches (so an 8-frame video fills 32 image tokens, frame after
 * frame), a word-level vocabulary of the temporal questions with lower-case answers, and the object
 * pair split it was trained on. The training program and the tests share it.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1.0")
public final class TinyVideoVlmRecipe {
  /** The prompt format; a video's frames stand where the image would ({@link PromptFormat#videoPrompt}). */
  public static final PromptFormat PROMPT = TinyVlmRecipe.PROMPT;
  /** How the model spells its answers: {@code before} / {@code after}. */
  public static final AnswerForm ANSWER_FORM = AnswerForm.LOWERCASE;
  /** The seed of the held-out split of object pairs (the temporal analyses' default). */
  public static final long SPLIT_SEED = 2026L;
  /** The vision patch side: one 32 px frame becomes 2 x 2 image tokens. */
  public static final int PATCH_SIZE = 16;

  private TinyVideoVlmRecipe() {}

  /** The videos: 8 frames of 32 px, objects of 14 px ({@link VideoSpec#tiny()}). */
  public static VideoSpec video() {
    return VideoSpec.tiny();
  }

  /** The split of object pairs into training and held-out pairs (a fifth held out). */
  public static ObjectPairSplit split() {
    return ObjectPairSplit.of(SPLIT_SEED);
  }

  /** The word-level vocabulary after the special tokens. */
  public static List<String> vocabulary() {
    return TemporalQuestion.vocabulary(ANSWER_FORM);
  }

  /** The vocabulary size, specials included. */
  public static int vocabSize() {
    return TinyVlmRecipe.SPECIAL_TOKENS.size() + vocabulary().size();
  }

  /** The architecture. */
  public static LlavaConfig config() {
    return TinyVlmRecipe.config(vocabSize(), video().frameSize(), PATCH_SIZE);
  }

  /** Writes the tokenizer, the preprocessor config and {@code vlmlens.json} into a checkpoint directory. */
  public static void writeSupportFiles(Path dir) throws IOException {
    TinyVlmRecipe.writeSupportFiles(dir, vocabulary(), video().frameSize());
  }
}
