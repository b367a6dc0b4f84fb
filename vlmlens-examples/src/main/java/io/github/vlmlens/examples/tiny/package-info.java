/**
 * How the bundled tiny models are made: the image VLM's recipe
 * ({@link io.github.vlmlens.examples.tiny.TinyVlmRecipe}) and training program
 * ({@link io.github.vlmlens.examples.tiny.TrainTinyVlm}, {@code vlmlens train-tiny}), the video
 * VLM's ({@link io.github.vlmlens.examples.tiny.TinyVideoVlmRecipe},
 * {@link io.github.vlmlens.examples.tiny.TrainTinyVideoVlm}, {@code vlmlens train-tiny-video}),
 * which share one optimisation loop. The trained checkpoints and their loaders
 * ({@code io.github.vlmlens.tiny.TinyVlm}, {@code TinyVideoVlm}) are in {@code vlmlens-tiny}.
 */
package io.github.vlmlens.examples.tiny;
