/**
 * The bundled tiny VLM: its recipe ({@link io.github.vlmlens.examples.tiny.TinyVlmRecipe}), the
 * program that trains it ({@link io.github.vlmlens.examples.tiny.TrainTinyVlm}) and the one-call
 * loader ({@link io.github.vlmlens.examples.tiny.TinyVlm}).
 */
package io.github.vlmlens.examples.tiny;
