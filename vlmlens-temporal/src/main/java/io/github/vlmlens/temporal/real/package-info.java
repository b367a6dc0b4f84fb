/**
 * User videos (issue 12, "real video input"): a reader for MVBench-style manifests and folders of
 * videos with sidecars or a default question ({@link io.github.vlmlens.temporal.real.VideoData},
 * {@link io.github.vlmlens.temporal.real.VideoEntry}), the temporal mirror swap on them with the
 * reversed frames as the counterfactual ({@link io.github.vlmlens.temporal.real.RealVideoSwap}),
 * and steering their object words with temporal IDs extracted from synthetic videos, against the
 * model's own belief and a same-norm noise control
 * ({@link io.github.vlmlens.temporal.real.RealVideoSteering}). Both run on core's
 * {@link io.github.vlmlens.core.analysis.ExperimentEngine} (journal, resume, provenance).
 *
 * <p>Not offered: extracting temporal IDs from user videos. Extraction needs controlled
 * placements (the subject shown at every frame with the anchor at every other frame, averaged
 * over pairs and positions, and centred per anchor frame), which a set of uncontrolled videos
 * does not give: one placement per video, at frames no annotation states. IDs are extracted from
 * the synthetic videos (on the same model) and applied to user videos.
 */
package io.github.vlmlens.temporal.real;
