/**
 * Rendering behind {@link io.github.vlmlens.core.report}: {@code PlotRenderer} draws a
 * {@link io.github.vlmlens.core.report.Plot} with XChart (PNG and SVG), and the swap report's page
 * and terminal summary. Not part of the public API.
 */
package io.github.vlmlens.core.report.internal;
