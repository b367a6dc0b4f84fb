package io.github.vlmlens.core;

import com.google.common.collect.ImmutableList;
import com.google.common.hash.Hasher;
import com.google.common.hash.Hashing;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Objects;

/**
 * What a vision-language model reads in one run: images (or the frames of one video, in time
 * order) and the prompt text.
 *
 * <p>The prompt marks where the visual tokens go with {@value #IMAGE_PLACEHOLDER}, once per image;
 * a video's frames all go where its single {@value #VIDEO_PLACEHOLDER} stands, frame after frame.
 * The backend expands each placeholder to the model's image tokens. Build prompts for a given
 * model with its {@link PromptFormat}.
 */
@API(status = API.Status.STABLE, since = "0.1.0")
public final class VlmInput {
  /** Where an image's tokens go in the prompt. */
  public static final String IMAGE_PLACEHOLDER = "<image>";
  /** Where a video's frame tokens go in the prompt. */
  public static final String VIDEO_PLACEHOLDER = "<video>";

  private final ImmutableList<RgbImage> images;
  private final boolean video;
  private final String prompt;
  /** {@link #fingerprint()}, computed once: every run of this input stamps its cache with it. */
  private volatile String fingerprint;

  private VlmInput(List<RgbImage> images, boolean video, String prompt) {
    this.images = ImmutableList.copyOf(images);
    this.video = video;
    this.prompt = Objects.requireNonNull(prompt, "prompt");
    int expected = video ? 1 : this.images.size();
    int found = count(prompt, video ? VIDEO_PLACEHOLDER : IMAGE_PLACEHOLDER);
    if (found != expected) {
      throw new IllegalArgumentException(
          "prompt has " + found + " " + (video ? VIDEO_PLACEHOLDER : IMAGE_PLACEHOLDER)
              + " placeholder(s) but " + expected + " are needed for " + this.images.size()
              + (video ? " video frame(s)" : " image(s)") + ": \"" + prompt + "\"");
    }
    if (video && this.images.isEmpty()) {
      throw new IllegalArgumentException("a video needs at least one frame");
    }
    if (video && count(prompt, IMAGE_PLACEHOLDER) > 0) {
      throw new IllegalArgumentException(
          "a video prompt cannot also hold " + IMAGE_PLACEHOLDER + ": \"" + prompt + "\"");
    }
  }

  /** A prompt with no image. */
  public static VlmInput text(String prompt) {
    return new VlmInput(List.of(), false, prompt);
  }

  /** One image and a prompt holding one {@value #IMAGE_PLACEHOLDER}. */
  public static VlmInput of(RgbImage image, String prompt) {
    return new VlmInput(List.of(image), false, prompt);
  }

  /** Several images, placed at the placeholders in order. */
  public static VlmInput ofImages(List<RgbImage> images, String prompt) {
    return new VlmInput(images, false, prompt);
  }

  /** The frames of one video, in time order, and a prompt holding one {@value #VIDEO_PLACEHOLDER}. */
  public static VlmInput ofVideo(List<RgbImage> frames, String prompt) {
    return new VlmInput(frames, true, prompt);
  }

  /** The images, or the video frames in time order. */
  public List<RgbImage> images() {
    return images;
  }

  /** Whether the images are the frames of one video. */
  public boolean isVideo() {
    return video;
  }

  /** The prompt text with its placeholders. */
  public String prompt() {
    return prompt;
  }

  /** The same images with another prompt. */
  public VlmInput withPrompt(String newPrompt) {
    return new VlmInput(images, video, newPrompt);
  }

  /** The same prompt with other images (or frames), as many as before. */
  public VlmInput withImages(List<RgbImage> newImages) {
    return new VlmInput(newImages, video, prompt);
  }

  /**
   * A fingerprint of this input (32 hex digits of a 128-bit hash of the prompt, the video flag and
   * every image's size and pixels): equal inputs have equal fingerprints. The runner stamps
   * captured caches with it, so that resuming from another input's cache is refused.
   */
  public String fingerprint() {
    String f = fingerprint;
    if (f == null) {
      f = computeFingerprint();
      fingerprint = f;
    }
    return f;
  }

  private String computeFingerprint() {
    Hasher h = Hashing.murmur3_128().newHasher();
    h.putBoolean(video).putString(prompt, StandardCharsets.UTF_8).putInt(images.size());
    for (RgbImage im : images) {
      h.putInt(im.width()).putInt(im.height());
      for (int px : im.pixelsView()) {
        h.putInt(px);
      }
    }
    return h.hash().toString();
  }

  private static int count(String s, String sub) {
    int n = 0;
    for (int i = s.indexOf(sub); i >= 0; i = s.indexOf(sub, i + sub.length())) {
      n++;
    }
    return n;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof VlmInput
        && ((VlmInput) o).video == video
        && ((VlmInput) o).prompt.equals(prompt)
        && ((VlmInput) o).images.equals(images);
  }

  @Override
  public int hashCode() {
    return Objects.hash(images, video, prompt);
  }

  @Override
  public String toString() {
    return "VlmInput[" + images.size() + (video ? " frames" : " images") + ", \"" + prompt + "\"]";
  }
}
