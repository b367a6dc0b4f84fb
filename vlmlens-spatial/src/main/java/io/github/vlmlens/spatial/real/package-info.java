/**
 * Real images and the paper's failure diagnosis (METHOD.md section 4): data readers for
 * COCO-Spatial (the What'sUp two-object rows over COCO val2017 with the COCO {@code instances}
 * boxes) and for a folder of user images with a manifest ({@link io.github.vlmlens.spatial.real.RealDatasets}),
 * a self-made COCO-format data set with known answers ({@link io.github.vlmlens.spatial.real.SyntheticCoco}),
 * the formulas as pure functions ({@link io.github.vlmlens.spatial.real.RealFormulas},
 * {@link io.github.vlmlens.spatial.real.MannWhitney}) and the analyses on any
 * {@link io.github.vlmlens.core.HookedVlm} ({@link io.github.vlmlens.spatial.real.RealAnalyses}):
 * mirror swap on real images, steering with IDs from synthetic scenes, the ID deviation margin,
 * bounding-box sensitivity, depth, and ID readout accuracy against steerability by layer.
 *
 * <p>Analyses run on core's {@link io.github.vlmlens.core.analysis.ExperimentEngine}: seeded
 * samples, batched runs, a journal, resume, and results with provenance. Reports are rendered by
 * {@link io.github.vlmlens.spatial.real.RealReports}, separately.
 */
package io.github.vlmlens.spatial.real;
