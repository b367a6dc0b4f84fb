/** The fine-tuning engine's internals: the AdamW update and the state files of a checkpoint. */
package io.github.vlmlens.hooks.train.internal;
