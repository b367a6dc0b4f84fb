/**
 * Fine-tuning with the spatial-ID loss on synthetic scenes (METHOD.md section 5): the paper's
 * batches ({@link io.github.vlmlens.examples.finetune.SpatialFinetuneData}), held-out accuracy
 * ({@link io.github.vlmlens.examples.finetune.SpatialHeldOut}) and the fair comparison of a control
 * and a spatial-loss arm on the same initial weights and batches over several seeds
 * ({@link io.github.vlmlens.examples.finetune.FinetuneComparison}).
 */
package io.github.vlmlens.examples.finetune;
