package io.github.vlmlens.temporal.internal;

import io.github.vlmlens.core.HookedVlm;
import io.github.vlmlens.core.Tokenization;
import io.github.vlmlens.core.VlmInput;
import io.github.vlmlens.temporal.video.AnswerForm;
import io.github.vlmlens.temporal.video.TemporalQuestion;
import io.github.vlmlens.temporal.video.TemporalVideo;
import java.util.List;

/** Video inputs for a model, and the checks that the model reads them as intended. */
public final class VideoInputs {
  private VideoInputs() {}

  /** The video's frames with its question in the model's prompt format. */
  public static VlmInput input(HookedVlm vlm, TemporalVideo video) {
    return VlmInput.ofVideo(video.frames(), vlm.promptFormat().videoPrompt(video.question().text()));
  }

  /**
   * Tokenizes an input and checks that the model gives every frame its own range of image tokens,
   * in time order, and that each object word is in the prompt.
   *
   * @throws IllegalArgumentException naming the model, the frame counts and the prompt otherwise
   */
  public static Tokenization checkedTokenization(HookedVlm vlm, VlmInput input, List<String> words) {
    Tokenization t = vlm.tokenize(input);
    int frames = input.images().size();
    if (t.imageCount() != frames) {
      throw new IllegalArgumentException(
          "model '" + vlm.name() + "' tokenized a " + frames + "-frame video into " + t.imageCount()
              + " image range(s); temporal analyses need one range of image tokens per frame, in time"
              + " order (prompt \"" + input.prompt() + "\")");
    }
    int previousEnd = -1;
    for (int f = 0; f < frames; f++) {
      int[] p = t.imagePositions(f).resolve(t.length());
      if (p.length == 0) {
        throw new IllegalArgumentException(
            "model '" + vlm.name() + "' gave frame " + f + " no image tokens");
      }
      if (p[0] <= previousEnd) {
        throw new IllegalArgumentException(
            "model '" + vlm.name() + "' placed frame " + f + "'s tokens before frame " + (f - 1) + "'s");
      }
      previousEnd = p[p.length - 1];
    }
    for (String w : words) {
      t.word(w); // names the word and the prompt when missing
    }
    return t;
  }

  /**
   * The answer form for a model: {@code form} when given, else capitalised when "Before" and
   * "After" are single tokens of the model (LLaVA-style), else lowercase.
   *
   * @throws IllegalArgumentException when the chosen form's words are not single tokens
   */
  public static AnswerForm answerForm(HookedVlm vlm, AnswerForm form) {
    if (form != null) {
      for (String w : List.of(TemporalQuestion.BEFORE, TemporalQuestion.AFTER)) {
        vlm.answerTokenId(form.apply(w));
      }
      return form;
    }
    try {
      vlm.answerTokenId(AnswerForm.CAPITALISED.apply(TemporalQuestion.BEFORE));
      vlm.answerTokenId(AnswerForm.CAPITALISED.apply(TemporalQuestion.AFTER));
      return AnswerForm.CAPITALISED;
    } catch (IllegalArgumentException e) {
      vlm.answerTokenId(TemporalQuestion.BEFORE);
      vlm.answerTokenId(TemporalQuestion.AFTER);
      return AnswerForm.LOWERCASE;
    }
  }

  /** The layers {@code 0..N} when {@code layers} is empty, else the layers checked against the model. */
  public static List<Integer> resolveLayers(HookedVlm vlm, List<Integer> layers) {
    int n = vlm.numLayers();
    if (layers.isEmpty()) {
      return java.util.stream.IntStream.rangeClosed(0, n).boxed().toList();
    }
    for (int l : layers) {
      if (l < 0 || l > n) {
        throw new IllegalArgumentException(
            "layer " + l + " outside 0.." + n + " of model '" + vlm.name() + "'");
      }
    }
    return List.copyOf(layers);
  }
}
