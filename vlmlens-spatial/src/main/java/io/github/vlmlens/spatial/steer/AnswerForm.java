package io.github.vlmlens.spatial.steer;

import io.github.vlmlens.core.API;
import io.github.vlmlens.spatial.swap.SpatialSwapSamples;

/**
 * How the questions' lowercase answer words ({@code left}, {@code above}) become the single-token
 * strings a model is read at (the answer forms of {@link SpatialSwapSamples}).
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1.0")
public enum AnswerForm {
  /** As the questions give them, in lower case (the bundled tiny model). */
  AS_IS,
  /** First letter capitalised, {@code "Left"} (LLaVA). */
  CAPITALISED;

  /** The form of a lowercase answer word. */
  public String apply(String word) {
    return this == AS_IS ? SpatialSwapSamples.asIs().apply(word) : SpatialSwapSamples.capitalised().apply(word);
  }
}
