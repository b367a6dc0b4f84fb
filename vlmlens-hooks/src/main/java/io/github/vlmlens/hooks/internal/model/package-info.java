/**
 * The hooked LLaVA network written from raw DJL {@code NDArray} operations (a CLIP vision tower,
 * the multimodal projector and a Llama decoder with Hugging Face's exact semantics), the tensor
 * layout of its checkpoints, and the engine behind {@link io.github.vlmlens.hooks.HookedLlava}
 * that turns a {@link io.github.vlmlens.core.RunSpec} into taps on that network. Every operation
 * takes the run's activation as its receiver, so results live in the run's sub-manager and the
 * model's own manager holds only parameters and cached constant tables.
 */
package io.github.vlmlens.hooks.internal.model;
