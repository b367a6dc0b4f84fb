/**
 * Reports of analysis results: {@link io.github.vlmlens.core.report.HtmlPage}, the one builder of
 * every vlmlens HTML report (with its Settings section and its charts as SVG and PNG), the
 * library-neutral chart description {@link io.github.vlmlens.core.report.Plot}, and the swap
 * report ({@link io.github.vlmlens.core.report.SwapReport}: JSON, HTML and a terminal summary).
 */
package io.github.vlmlens.core.report;
