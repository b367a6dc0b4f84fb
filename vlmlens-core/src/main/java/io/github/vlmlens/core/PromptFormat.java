package io.github.vlmlens.core;

import java.util.Objects;

/**
 * How a model wants a question wrapped: a template holding {@code {question}} and the visual
 * placeholder, for example {@code "USER: <image>\n{question} ASSISTANT:"} for LLaVA-1.5.
 */
@API(status = API.Status.STABLE, since = "0.1.0")
public final class PromptFormat {
  /** The marker the question replaces. */
  public static final String QUESTION = "{question}";

  private final String template;

  private PromptFormat(String template) {
    this.template = template;
  }

  /**
   * A format from its template.
   *
   * @throws IllegalArgumentException when the template lacks {@code {question}} or the image
   *     placeholder
   */
  public static PromptFormat of(String template) {
    Objects.requireNonNull(template, "template");
    if (!template.contains(QUESTION)) {
      throw new IllegalArgumentException("prompt template lacks " + QUESTION + ": \"" + template + "\"");
    }
    if (!template.contains(VlmInput.IMAGE_PLACEHOLDER)) {
      throw new IllegalArgumentException(
          "prompt template lacks " + VlmInput.IMAGE_PLACEHOLDER + ": \"" + template + "\"");
    }
    return new PromptFormat(template);
  }

  /** The template text. */
  public String template() {
    return template;
  }

  /** The prompt for one image and a question. */
  public String imagePrompt(String question) {
    return template.replace(QUESTION, question);
  }

  /** The prompt for a video: the image placeholder becomes the video placeholder. */
  public String videoPrompt(String question) {
    return imagePrompt(question).replace(VlmInput.IMAGE_PLACEHOLDER, VlmInput.VIDEO_PLACEHOLDER);
  }

  /** A prompt with no visual input: the placeholder and the whitespace after it are removed. */
  public String textOnlyPrompt(String question) {
    return imagePrompt(question).replaceFirst(java.util.regex.Pattern.quote(VlmInput.IMAGE_PLACEHOLDER) + "\\s*", "");
  }

  /** One image and a question. */
  public VlmInput input(RgbImage image, String question) {
    return VlmInput.of(image, imagePrompt(question));
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof PromptFormat && ((PromptFormat) o).template.equals(template);
  }

  @Override
  public int hashCode() {
    return template.hashCode();
  }

  @Override
  public String toString() {
    return template;
  }
}
