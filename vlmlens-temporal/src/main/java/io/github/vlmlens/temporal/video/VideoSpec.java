package io.github.vlmlens.temporal.video;

import io.github.vlmlens.core.API;

/**
 * The shape of the synthetic videos: {@code frames} square frames of {@code frameSize} pixels with
 * objects drawn at {@code objectSize} pixels.
 *
 * @param frames the number of frames (at least 2)
 * @param frameSize the frame side in pixels
 * @param objectSize the object side in pixels (at least 4, at most the frame side)
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1.0")
public record VideoSpec(int frames, int frameSize, int objectSize) {
  /** The default number of frames, as the paper's video model reads. */
  public static final int DEFAULT_FRAMES = 8;

  /**
   * Checks the sizes.
   *
   * @throws IllegalArgumentException naming the value out of range
   */
  public VideoSpec {
    if (frames < 2) {
      throw new IllegalArgumentException("a video needs at least 2 frames, got " + frames);
    }
    if (objectSize < 4) {
      throw new IllegalArgumentException("objects need at least 4 px to be drawn, got " + objectSize);
    }
    if (frameSize < objectSize) {
      throw new IllegalArgumentException(
          "frames of " + frameSize + " px cannot hold objects of " + objectSize + " px");
    }
  }

  /** {@code frames} frames of {@code frameSize} px with objects at {@code 7/16} of the side (14 px at 32 px). */
  public static VideoSpec of(int frames, int frameSize) {
    return new VideoSpec(frames, frameSize, Math.max(4, Math.round(frameSize * 7f / 16)));
  }

  /** The tiny video model's videos: 8 frames of 32 px, objects of 14 px. */
  public static VideoSpec tiny() {
    return new VideoSpec(DEFAULT_FRAMES, 32, 14);
  }

  /** The largest top-left coordinate an object can take: {@code frameSize - objectSize}. */
  public int maxOffset() {
    return frameSize - objectSize;
  }

  /** The frame that {@code frame} becomes when the video is reversed: {@code frames - 1 - frame}. */
  public int reversedFrame(int frame) {
    checkFrame(frame);
    return frames - 1 - frame;
  }

  void checkFrame(int frame) {
    if (frame < 0 || frame >= frames) {
      throw new IllegalArgumentException("frame " + frame + " outside 0.." + (frames - 1));
    }
  }
}
