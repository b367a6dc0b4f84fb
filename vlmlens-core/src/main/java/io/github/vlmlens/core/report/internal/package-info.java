/**
 * Rendering behind {@link io.github.vlmlens.core.report.SwapReport}: XChart plots, HTML and text.
 * Not part of the public API.
 */
package io.github.vlmlens.core.report.internal;
