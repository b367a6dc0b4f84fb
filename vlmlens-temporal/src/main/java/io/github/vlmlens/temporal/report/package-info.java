/**
 * JSON, HTML and plain-text output of the temporal analyses: temporal IDs, temporal steering and
 * the spatiotemporal grid (the temporal mirror swap uses core's
 * {@link io.github.vlmlens.core.report.SwapReport}). Start at
 * {@link io.github.vlmlens.temporal.report.TemporalReport}.
 */
package io.github.vlmlens.temporal.report;
