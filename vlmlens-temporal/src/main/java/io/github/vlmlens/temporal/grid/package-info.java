/**
 * The spatiotemporal ID grid (METHOD.md section 6): the subject object varies in both its column
 * in the frame and its frame; the horizontal axis is recovered from columns and the time axis from
 * frames, both with the paper's ordered-difference formula, and the grid of IDs is projected onto
 * the plane they span. Start at {@link io.github.vlmlens.temporal.grid.SpatiotemporalGrid}.
 */
package io.github.vlmlens.temporal.grid;
