package io.github.vlmlens.temporal.video;

import com.google.common.collect.ImmutableList;
import io.github.vlmlens.core.API;
import io.github.vlmlens.core.RgbImage;
import java.util.List;
import java.util.Objects;

/**
 * A video of two scenes, one after the other: the scene shown first fills frames
 * {@code 0..switchFrame-1}, the other frames {@code switchFrame..F-1}.
 *
 * <p>The question names the scenes in a fixed order, {@code asked} then {@code other}: "Does the
 * scene '{asked}' occur before or after the scene '{other}'?"; {@code askedFirst} says whether
 * {@code asked} is the one shown first. Reversing the video keeps the question and flips the
 * answer. Immutable.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1.0")
public final class SceneVideo implements TemporalVideo {
  private final VideoSpec spec;
  private final SceneStyle asked;
  private final SceneStyle other;
  private final boolean askedFirst;
  private final int switchFrame;

  private SceneVideo(VideoSpec spec, SceneStyle asked, SceneStyle other, boolean askedFirst, int switchFrame) {
    this.spec = spec;
    this.asked = asked;
    this.other = other;
    this.askedFirst = askedFirst;
    this.switchFrame = switchFrame;
  }

  /**
   * A scene video.
   *
   * @param asked the scene named first in the question
   * @param other the scene named second
   * @param askedFirst whether {@code asked} is shown first
   * @param switchFrame the first frame of the second scene shown, in {@code 1..F-1}
   * @throws IllegalArgumentException for equal scenes or a switch frame out of range
   */
  public static SceneVideo of(
      VideoSpec spec, SceneStyle asked, SceneStyle other, boolean askedFirst, int switchFrame) {
    Objects.requireNonNull(spec, "spec");
    Objects.requireNonNull(asked, "asked");
    Objects.requireNonNull(other, "other");
    if (asked == other) {
      throw new IllegalArgumentException("a scene video needs two different scenes, got '" + asked.word() + "' twice");
    }
    if (switchFrame < 1 || switchFrame >= spec.frames()) {
      throw new IllegalArgumentException(
          "the switch frame must lie in 1.." + (spec.frames() - 1) + " so both scenes are shown, got "
              + switchFrame);
    }
    return new SceneVideo(spec, asked, other, askedFirst, switchFrame);
  }

  @Override
  public VideoSpec spec() {
    return spec;
  }

  /** The scene named first in the question. */
  public SceneStyle asked() {
    return asked;
  }

  /** The scene named second in the question. */
  public SceneStyle other() {
    return other;
  }

  /** Whether the scene named first is shown first. */
  public boolean askedFirst() {
    return askedFirst;
  }

  /** The first frame of the second scene shown. */
  public int switchFrame() {
    return switchFrame;
  }

  /** The scene shown in a frame. */
  public SceneStyle sceneAt(int frame) {
    spec.checkFrame(frame);
    SceneStyle shownFirst = askedFirst ? asked : other;
    SceneStyle shownSecond = askedFirst ? other : asked;
    return frame < switchFrame ? shownFirst : shownSecond;
  }

  @Override
  public List<RgbImage> frames() {
    RgbImage a = sceneAt(0).render(spec.frameSize());
    RgbImage b = sceneAt(spec.frames() - 1).render(spec.frameSize());
    ImmutableList.Builder<RgbImage> out = ImmutableList.builder();
    for (int f = 0; f < spec.frames(); f++) {
      out.add(f < switchFrame ? a : b);
    }
    return out.build();
  }

  /** The frames reversed: the scene shown last now comes first, for {@code F - switchFrame} frames. */
  @Override
  public SceneVideo reversed() {
    return new SceneVideo(spec, asked, other, !askedFirst, spec.frames() - switchFrame);
  }

  /** "Does the scene '{asked}' occur before or after the scene '{other}'?". */
  @Override
  public TemporalQuestion question() {
    return TemporalQuestion.sceneOrder(this);
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof SceneVideo)) {
      return false;
    }
    SceneVideo v = (SceneVideo) o;
    return v.spec.equals(spec) && v.asked == asked && v.other == other && v.askedFirst == askedFirst
        && v.switchFrame == switchFrame;
  }

  @Override
  public int hashCode() {
    return Objects.hash(spec, asked, other, askedFirst, switchFrame);
  }

  @Override
  public String toString() {
    return "SceneVideo[" + sceneAt(0).word() + " then " + sceneAt(spec.frames() - 1).word() + " from frame "
        + switchFrame + ", asked '" + asked.word() + "' vs '" + other.word() + "']";
  }
}
