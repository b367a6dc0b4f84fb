/**
 * The bundled tiny models: the image VLM (its recipe {@link io.github.vlmlens.examples.tiny.TinyVlmRecipe},
 * its training program {@link io.github.vlmlens.examples.tiny.TrainTinyVlm} and the one-call loader
 * {@link io.github.vlmlens.examples.tiny.TinyVlm}) and the video VLM
 * ({@link io.github.vlmlens.examples.tiny.TinyVideoVlmRecipe},
 * {@link io.github.vlmlens.examples.tiny.TrainTinyVideoVlm},
 * {@link io.github.vlmlens.examples.tiny.TinyVideoVlm}), which share one optimisation loop.
 */
package io.github.vlmlens.examples.tiny;
