/**
 * Synthetic videos for temporal reasoning (METHOD.md section 6): {@link
 * io.github.vlmlens.temporal.video.ObjectVideo}s, where two of the procedurally drawn
 * {@link io.github.vlmlens.temporal.video.VideoObject}s each flash in one frame on a black
 * background, and {@link io.github.vlmlens.temporal.video.SceneVideo}s, where two background
 * {@link io.github.vlmlens.temporal.video.SceneStyle}s follow each other; the order questions
 * about them ({@link io.github.vlmlens.temporal.video.TemporalQuestion}), a seeded split of object
 * pairs, a seeded sampler and the placements temporal-ID extraction enumerates. Everything is
 * deterministic given its seed. Real videos (H.264 in MP4) are read into uniformly sampled frames
 * by {@link io.github.vlmlens.temporal.video.VideoFiles}.
 */
package io.github.vlmlens.temporal.video;
