/**
 * Reports of analysis results: JSON records (Jackson), a self-contained HTML page with the
 * belief-shift-by-layer plots (XChart, PNG embedded as base64) and a short terminal summary. Start
 * at {@link io.github.vlmlens.core.report.SwapReport}.
 */
package io.github.vlmlens.core.report;
