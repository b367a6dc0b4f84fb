/**
 * Temporal IDs (METHOD.md section 6): the subject's object-word activation {@code lm.L.resid_post}
 * over videos where an anchor object is fixed at one frame and the subject appears at every other
 * frame, centred per anchor frame and averaged to one ID per frame; the time axis (first principal
 * direction, and the analogue of the paper's axis formula) and how linearly the IDs line up with
 * the frame index, against a shuffled-frame baseline. Start at
 * {@link io.github.vlmlens.temporal.ids.TemporalIdExtraction}.
 */
package io.github.vlmlens.temporal.ids;
