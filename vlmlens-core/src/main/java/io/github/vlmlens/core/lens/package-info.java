/**
 * The logit lens: each layer's residual stream read through the model's final norm and
 * unembedding ({@link io.github.vlmlens.core.HookedVlm#unembed}), at chosen positions, as top
 * tokens per layer and position, a JSON record and an HTML heat map.
 */
package io.github.vlmlens.core.lens;
