package io.github.vlmlens.spatial.scene;

import io.github.vlmlens.core.API;

/**
 * What a {@link SpatialQuestion} asks about, and so which counterfactual flips its answer.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1.0")
public enum QuestionAxis {
  /** Left or right; flipped by mirroring the scene left-right. Defined when the columns differ. */
  HORIZONTAL,
  /** Above or below; flipped by mirroring the scene top-bottom. Defined when the rows differ. */
  VERTICAL,
  /** An object's colour; flipped by a 180-degree hue rotation. Always defined. */
  COLOR,
  /** A plain, non-spatial question (is there a ... in the image?). Always defined. */
  NONE
}
