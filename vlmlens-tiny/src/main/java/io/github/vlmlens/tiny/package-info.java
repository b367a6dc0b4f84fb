/**
 * The tiny models bundled with vlmlens, usable from library code with no command-line tool:
 * {@link io.github.vlmlens.tiny.TinyVlm#load()} (the image VLM of the synthetic grid scenes) and
 * {@link io.github.vlmlens.tiny.TinyVideoVlm#load()} (the video VLM of the synthetic videos), each a
 * Hugging Face-layout checkpoint inside this jar, unpacked once to the temp directory and loaded
 * through the same code as any real checkpoint. Their training programs and recipes live in
 * {@code vlmlens-examples}.
 */
package io.github.vlmlens.tiny;
