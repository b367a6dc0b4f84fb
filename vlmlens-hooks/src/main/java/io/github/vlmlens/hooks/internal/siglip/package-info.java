/**
 * The SigLIP vision tower (Hugging Face's {@code SiglipVisionModel}) and the fixed-size image
 * processing around it, shared by the families built on it: Gemma 3 and LLaVA-OneVision.
 */
package io.github.vlmlens.hooks.internal.siglip;
