/**
 * Fine-tuning of any model this backend loads (families that expose their parameters: LLaVA and
 * Qwen2-VL): the language-model loss on answer tokens (prompt tokens masked), optionally plus the
 * spatial-ID loss of the paper at one layer (METHOD.md section 5); parameters chosen by name
 * patterns; AdamW with warm-up and cosine decay; checkpoints in the Hugging Face layout that load
 * back through the normal loader, with the optimiser state beside them, so a killed run resumes
 * at its last checkpoint and ends bit for bit where an uninterrupted run ends.
 * {@link io.github.vlmlens.hooks.train.FineTuner} is the entry point.
 */
package io.github.vlmlens.hooks.train;
