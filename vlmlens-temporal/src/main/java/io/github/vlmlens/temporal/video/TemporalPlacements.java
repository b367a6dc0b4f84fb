package io.github.vlmlens.temporal.video;

import io.github.vlmlens.core.API;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Random;

/**
 * The videos temporal-ID extraction runs over (METHOD.md section 6, the analogue of the spatial
 * grid of section 2): an anchor object fixed at frame {@code f_a}, the subject at every other
 * frame, at several positions. The subject is the first-named object of the question "Does the
 * {subject} appear before or after the {anchor}?", so its word is the one read (as B, the object
 * placed in every cell, is the one read in the spatial setting); every such video has a defined
 * answer.
 *
 * <p>Positions are drawn from {@code new Random(seed)} in a fixed order: per anchor frame, the
 * anchor's top-left position, then for each subject frame in ascending order and each of the
 * {@code positionsPerFrame} repeats, the subject's; each coordinate uniform in
 * {@code 0..frameSize-objectSize}.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1.0")
public final class TemporalPlacements {
  private TemporalPlacements() {}

  /**
   * The subject at every frame but {@code anchorFrame}, {@code positionsPerFrame} times each, in
   * frame order.
   *
   * @throws IllegalArgumentException for equal objects, an anchor frame outside the video or
   *     {@code positionsPerFrame < 1}
   */
  public static List<ObjectVideo> forAnchor(
      VideoSpec spec, VideoObject subject, VideoObject anchor, int anchorFrame, int positionsPerFrame,
      Random random) {
    Objects.requireNonNull(spec, "spec");
    spec.checkFrame(anchorFrame);
    if (positionsPerFrame < 1) {
      throw new IllegalArgumentException("positionsPerFrame must be >= 1, got " + positionsPerFrame);
    }
    int span = spec.maxOffset() + 1;
    Appearance a = new Appearance(anchor, anchorFrame, random.nextInt(span), random.nextInt(span));
    List<ObjectVideo> out = new ArrayList<>();
    for (int f = 0; f < spec.frames(); f++) {
      if (f == anchorFrame) {
        continue;
      }
      for (int k = 0; k < positionsPerFrame; k++) {
        Appearance s = new Appearance(subject, f, random.nextInt(span), random.nextInt(span));
        out.add(ObjectVideo.of(spec, s, a));
      }
    }
    return out;
  }

  /**
   * {@link #forAnchor} for every anchor frame in ascending order, one generator seeded with
   * {@code seed} for all of them.
   */
  public static List<ObjectVideo> all(
      VideoSpec spec, VideoObject subject, VideoObject anchor, int positionsPerFrame, long seed) {
    Random random = new Random(seed);
    List<ObjectVideo> out = new ArrayList<>();
    for (int fa = 0; fa < spec.frames(); fa++) {
      out.addAll(forAnchor(spec, subject, anchor, fa, positionsPerFrame, random));
    }
    return out;
  }
}
