package io.github.vlmlens.temporal.swap;

import com.google.common.collect.Lists;
import io.github.vlmlens.core.API;
import io.github.vlmlens.core.PromptFormat;
import io.github.vlmlens.core.RgbImage;
import io.github.vlmlens.core.VlmInput;
import io.github.vlmlens.core.analysis.SwapSample;
import io.github.vlmlens.temporal.video.AnswerForm;
import io.github.vlmlens.temporal.video.TemporalQuestion;
import io.github.vlmlens.temporal.video.TemporalVideo;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Builds temporal mirror-swap samples: {@code x} is the video's frames with its order question in
 * the model's prompt format ({@link PromptFormat#videoPrompt}), {@code y} the same prompt with the
 * frames in reverse order, which flips the answer. The object words are the question's (the two
 * object names, or the two scene names), and the answer words are {@code before}/{@code after} in
 * the configured {@link AnswerForm}. Instances are immutable.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1.0")
public final class TemporalSwapSamples {
  private final PromptFormat format;
  private final AnswerForm answerForm;

  private TemporalSwapSamples(PromptFormat format, AnswerForm answerForm) {
    this.format = format;
    this.answerForm = answerForm;
  }

  /** Samples in {@code format} with capitalised answer words ({@code "Before"}, as LLaVA answers). */
  public static TemporalSwapSamples of(PromptFormat format) {
    return new TemporalSwapSamples(Objects.requireNonNull(format, "format"), AnswerForm.CAPITALISED);
  }

  /** The same builder with another answer form. */
  public TemporalSwapSamples withAnswerForm(AnswerForm form) {
    return new TemporalSwapSamples(format, Objects.requireNonNull(form, "form"));
  }

  /** The answer form. */
  public AnswerForm answerForm() {
    return answerForm;
  }

  /** The frames in reverse order: the counterfactual of a temporal mirror swap. */
  public static List<RgbImage> reverse(List<RgbImage> frames) {
    return List.copyOf(Lists.reverse(frames));
  }

  /**
   * The sample of one video.
   *
   * @throws IllegalArgumentException when the question has no answer (two objects in one frame)
   */
  public SwapSample sample(String id, TemporalVideo video) {
    Objects.requireNonNull(video, "video");
    TemporalQuestion q = video.question();
    if (!q.isDefined()) {
      throw new IllegalArgumentException(
          "sample '" + id + "': \"" + q.text() + "\" has no answer for " + video
              + " (both objects appear in the same frame)");
    }
    List<RgbImage> frames = video.frames();
    VlmInput x = VlmInput.ofVideo(frames, format.videoPrompt(q.text()));
    VlmInput y = x.withImages(reverse(frames));
    return SwapSample.of(
        id, x, y, answerForm.apply(q.correctAnswer().orElseThrow()),
        answerForm.apply(q.wrongAnswer().orElseThrow()), q.objectWords());
  }

  /**
   * One sample per video, with ids {@code "<prefix>-0000"}, {@code "<prefix>-0001"}, ...
   *
   * @throws IllegalArgumentException naming the index of a video whose question has no answer
   */
  public List<SwapSample> samples(String prefix, List<? extends TemporalVideo> videos) {
    List<SwapSample> out = new ArrayList<>(videos.size());
    for (int i = 0; i < videos.size(); i++) {
      out.add(sample(String.format(Locale.ROOT, "%s-%04d", prefix, i), videos.get(i)));
    }
    return out;
  }
}
