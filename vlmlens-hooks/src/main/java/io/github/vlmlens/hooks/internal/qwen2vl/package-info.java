/**
 * Qwen2-VL and Qwen2.5-VL: config parsing in the transformers 4 and 5 forms, the image processor
 * ({@code smart_resize}, PIL bicubic, patch rows in merge-block order), multimodal rotary positions,
 * the vision tower with its merger and the Qwen2 decoder on raw {@code NDArray} operations, behind
 * the runner's {@link io.github.vlmlens.hooks.internal.model.Architecture} seam.
 */
package io.github.vlmlens.hooks.internal.qwen2vl;
