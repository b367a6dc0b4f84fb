/**
 * The DJL + PyTorch backend of vlmlens: LLaVA-style models built from our own hooked blocks,
 * loaded from checkpoints in the Hugging Face layout ({@code config.json}, sharded
 * {@code *.safetensors}, {@code tokenizer.json}, {@code preprocessor_config.json}) so that a real
 * {@code llava-hf/llava-1.5-7b-hf} directory loads unchanged. {@link io.github.vlmlens.hooks.LlavaConfig}
 * reads and writes the model configuration with Hugging Face's defaults,
 * {@link io.github.vlmlens.hooks.CheckpointFiles} writes small tokenizer and preprocessor files for
 * tests and for training the bundled tiny model, and every problem with a checkpoint on disk is
 * reported as a {@link io.github.vlmlens.hooks.CheckpointException} that names the file and the key
 * or tensor at fault.
 */
package io.github.vlmlens.hooks;
