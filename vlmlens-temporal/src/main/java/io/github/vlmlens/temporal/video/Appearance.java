package io.github.vlmlens.temporal.video;

import io.github.vlmlens.core.API;
import java.util.Objects;

/**
 * Where and when an object appears in a video: in frame {@code frame} (0-based), with its
 * top-left pixel at {@code (x, y)}. Objects are visible only in their own frame.
 *
 * @param object the object
 * @param frame the frame it appears in
 * @param x its left column in pixels
 * @param y its top row in pixels
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1.0")
public record Appearance(VideoObject object, int frame, int x, int y) {
  /** Checks that the values are non-negative. */
  public Appearance {
    Objects.requireNonNull(object, "object");
    if (frame < 0 || x < 0 || y < 0) {
      throw new IllegalArgumentException(
          "appearance of '" + object.word() + "' at frame " + frame + ", (" + x + ", " + y
              + ") has a negative value");
    }
  }

  /** The same object at the same place in another frame. */
  public Appearance atFrame(int newFrame) {
    return new Appearance(object, newFrame, x, y);
  }
}
