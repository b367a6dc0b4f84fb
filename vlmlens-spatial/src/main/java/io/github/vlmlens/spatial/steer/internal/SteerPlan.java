package io.github.vlmlens.spatial.steer.internal;

import io.github.vlmlens.core.PromptFormat;
import io.github.vlmlens.core.VlmInput;
import io.github.vlmlens.spatial.ids.ObjectPair;
import io.github.vlmlens.spatial.scene.Placement;
import io.github.vlmlens.spatial.scene.SpatialQuestion;

/**
 * One scene to steer: its placement and question, and the answer words as the model reads them.
 * The image is rendered when needed ({@link #input}), not kept.
 *
 * @param id the scene's id
 * @param pair the pair shown
 * @param placement the placement
 * @param question the question
 * @param first the first answer in the answer form
 * @param second the second answer
 * @param correct the correct answer
 */
public record SteerPlan(
    String id, ObjectPair pair, Placement placement, SpatialQuestion question, String first, String second,
    String correct) {

  /** The rendered scene with the question in the model's prompt format. */
  public VlmInput input(PromptFormat format) {
    return format.input(placement.render(), question.text());
  }
}
