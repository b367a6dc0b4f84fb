package io.github.vlmlens.temporal.video;

import io.github.vlmlens.core.API;
import io.github.vlmlens.core.RgbImage;
import java.util.List;

/**
 * A synthetic video and the order question asked about it: an {@link ObjectVideo} (two objects,
 * each flashing in one frame) or a {@link SceneVideo} (two background scenes one after the other).
 * Reversing the frames flips the question's answer; this is the temporal mirror swap's
 * counterfactual.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1.0")
public sealed interface TemporalVideo permits ObjectVideo, SceneVideo {
  /** The video's shape. */
  VideoSpec spec();

  /** The frames, in time order. */
  List<RgbImage> frames();

  /** The same video with its frames in reverse order; the question asked stays the same. */
  TemporalVideo reversed();

  /** The order question about this video. */
  TemporalQuestion question();
}
