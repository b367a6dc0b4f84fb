/**
 * Checkpoint input and output for the hooks backend (not API): memory-mapped, validated
 * safetensors files and sharded checkpoints with Hugging Face tensor-name canonicalisation, a
 * safetensors writer, the CLIP image preprocessor reproducing Hugging Face's resize (PIL bicubic),
 * center crop, rescale and normalisation bit for bit, and the LLaVA tokenizer wrapper that expands
 * image placeholders into image-token ranges and maps prompt words to their sub-tokens.
 */
package io.github.vlmlens.hooks.internal.io;
