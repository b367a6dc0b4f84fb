package io.github.vlmlens.temporal.video;

import com.google.common.collect.ImmutableList;
import io.github.vlmlens.core.API;
import io.github.vlmlens.core.RgbImage;
import java.util.List;
import java.util.Objects;

/**
 * A video of two objects on a black background: {@code first} is visible only in its frame and
 * {@code second} only in its own. "Appears" means its (only) visible frame, so reversing the video
 * maps frame {@code f} to {@code F - 1 - f} and flips before/after exactly (objects visible from
 * their frame on would both be visible at the first frame of the reversed video).
 *
 * <p>The question asked is "Does the {first} appear before or after the {second}?" (see
 * {@link TemporalQuestion#objectOrder}); it has an answer when the frames differ. When both share a
 * frame, their boxes may not overlap. Instances are immutable; frames are rendered on each call to
 * {@link #frames()}.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1.0")
public final class ObjectVideo implements TemporalVideo {
  private final VideoSpec spec;
  private final Appearance first;
  private final Appearance second;

  private ObjectVideo(VideoSpec spec, Appearance first, Appearance second) {
    this.spec = spec;
    this.first = first;
    this.second = second;
  }

  /**
   * A video of two different objects.
   *
   * @throws IllegalArgumentException when the objects are the same, a frame or position falls
   *     outside the video, or the two share a frame and overlap
   */
  public static ObjectVideo of(VideoSpec spec, Appearance first, Appearance second) {
    Objects.requireNonNull(spec, "spec");
    Objects.requireNonNull(first, "first");
    Objects.requireNonNull(second, "second");
    if (first.object() == second.object()) {
      throw new IllegalArgumentException(
          "a video needs two different objects, got '" + first.object().word() + "' twice");
    }
    check(spec, first);
    check(spec, second);
    if (first.frame() == second.frame() && overlap(spec, first, second)) {
      throw new IllegalArgumentException(
          "'" + first.object().word() + "' at (" + first.x() + ", " + first.y() + ") and '"
              + second.object().word() + "' at (" + second.x() + ", " + second.y()
              + ") share frame " + first.frame() + " and overlap at " + spec.objectSize() + " px");
    }
    return new ObjectVideo(spec, first, second);
  }

  private static void check(VideoSpec spec, Appearance a) {
    if (a.frame() >= spec.frames()) {
      throw new IllegalArgumentException(
          "'" + a.object().word() + "' appears at frame " + a.frame() + " of a " + spec.frames()
              + "-frame video");
    }
    if (a.x() > spec.maxOffset() || a.y() > spec.maxOffset()) {
      throw new IllegalArgumentException(
          "'" + a.object().word() + "' at (" + a.x() + ", " + a.y() + ") does not fit a "
              + spec.frameSize() + " px frame at " + spec.objectSize() + " px (offsets 0.."
              + spec.maxOffset() + ")");
    }
  }

  private static boolean overlap(VideoSpec spec, Appearance a, Appearance b) {
    int s = spec.objectSize();
    return a.x() < b.x() + s && b.x() < a.x() + s && a.y() < b.y() + s && b.y() < a.y() + s;
  }

  @Override
  public VideoSpec spec() {
    return spec;
  }

  /** The object the question asks about (its word comes first in the question). */
  public Appearance first() {
    return first;
  }

  /** The reference object (its word comes second). */
  public Appearance second() {
    return second;
  }

  /** Whether the question has an answer: the two frames differ. */
  public boolean isDefined() {
    return first.frame() != second.frame();
  }

  @Override
  public List<RgbImage> frames() {
    ImmutableList.Builder<RgbImage> out = ImmutableList.builder();
    int size = spec.frameSize();
    for (int f = 0; f < spec.frames(); f++) {
      int[] px = new int[size * size];
      for (Appearance a : List.of(first, second)) {
        if (a.frame() == f) {
          paint(px, size, a, spec.objectSize());
        }
      }
      out.add(RgbImage.of(size, size, px));
    }
    return out.build();
  }

  private static void paint(int[] px, int size, Appearance a, int objectSize) {
    boolean[] mask = a.object().mask(objectSize);
    for (int y = 0; y < objectSize; y++) {
      for (int x = 0; x < objectSize; x++) {
        if (mask[y * objectSize + x]) {
          px[(a.y() + y) * size + a.x() + x] = a.object().rgb();
        }
      }
    }
  }

  /** The video with frame {@code f} moved to {@code F - 1 - f}; positions stay. */
  @Override
  public ObjectVideo reversed() {
    return new ObjectVideo(
        spec, first.atFrame(spec.reversedFrame(first.frame())),
        second.atFrame(spec.reversedFrame(second.frame())));
  }

  /** "Does the {first} appear before or after the {second}?". */
  @Override
  public TemporalQuestion question() {
    return TemporalQuestion.objectOrder(this);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ObjectVideo
        && ((ObjectVideo) o).spec.equals(spec)
        && ((ObjectVideo) o).first.equals(first)
        && ((ObjectVideo) o).second.equals(second);
  }

  @Override
  public int hashCode() {
    return Objects.hash(spec, first, second);
  }

  @Override
  public String toString() {
    return "ObjectVideo[" + first.object().word() + "@" + first.frame() + ", "
        + second.object().word() + "@" + second.frame() + ", " + spec.frames() + " frames]";
  }
}
