package io.github.vlmlens.spatial.ids;

import io.github.vlmlens.core.API;
import io.github.vlmlens.core.HookedVlm;
import io.github.vlmlens.core.analysis.ExperimentEngine;
import io.github.vlmlens.spatial.ids.internal.ModelLayers;
import io.github.vlmlens.spatial.scene.ObjectLibrary;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * Extracts spatial IDs from a model (METHOD.md section 2) and analyses them.
 *
 * <p>For every object pair and every A cell, B is placed in every other cell at every size
 * ({@link io.github.vlmlens.spatial.scene.Placement#enumerateForCell}); one run per placement
 * reads {@code lm.L.resid_post} at B's object word (its last sub-token) for every layer, with no
 * readouts, in batches. {@code Delta} is that activation minus the mean over all placements (cells
 * and sizes) with the same A cell; averaging {@code Delta} over A cells gives per-pair IDs (per
 * size and over sizes), and over pairs the universal IDs {@code ID_L(i, j)}. The axes
 * ({@link AxisNormalisation}), the plane, its linearity against the true positions (on cell means
 * and per sample, beside shuffled-cell baselines), the variance it explains, and the plain-prompt
 * comparison follow ({@link IdExtractionResult}).
 *
 * <p>The runs go through core's {@link ExperimentEngine} (one sample per placement, in batches
 * of the batch size). With an output directory the run is resumable: each finished placement's
 * vectors are journaled there ({@value ExperimentEngine#JOURNAL_FILE}, float32), a later run with
 * the same config, model (weights fingerprint) and scenes resumes after the last finished batch
 * with the same numbers as an uninterrupted run, another model or config is refused, and the run
 * ends by writing {@value SpatialIds#FILE_NAME}, {@code result.json} and {@code report.html}. The
 * result carries its {@link io.github.vlmlens.core.analysis.Provenance}. Instances are immutable.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1.0")
public final class SpatialIdExtraction {
  /** The default number of requests per {@link HookedVlm#runAll} call. */
  public static final int DEFAULT_BATCH_SIZE = 16;

  private final HookedVlm vlm;
  private final IdConfig config;
  private final ObjectLibrary library;
  private final int batchSize;
  private final boolean progressBar;

  private SpatialIdExtraction(
      HookedVlm vlm, IdConfig config, ObjectLibrary library, int batchSize, boolean progressBar) {
    this.vlm = vlm;
    this.config = config;
    this.library = library;
    this.batchSize = batchSize;
    this.progressBar = progressBar;
    ExtractionPlan.check(vlm, config, library);
  }

  /**
   * An extraction with the built-in objects, a progress bar on standard error and batches of
   * {@value #DEFAULT_BATCH_SIZE}.
   *
   * @throws IllegalArgumentException for a layer the model does not have, or a pair naming an
   *     object the library does not have
   */
  public static SpatialIdExtraction of(HookedVlm vlm, IdConfig config) {
    return new SpatialIdExtraction(
        Objects.requireNonNull(vlm, "vlm"), Objects.requireNonNull(config, "config"), ObjectLibrary.builtIn(),
        DEFAULT_BATCH_SIZE, true);
  }

  /** The same extraction drawing its objects from {@code library}. */
  public SpatialIdExtraction withLibrary(ObjectLibrary library) {
    return new SpatialIdExtraction(vlm, config, Objects.requireNonNull(library, "library"), batchSize, progressBar);
  }

  /** The same extraction sending at most {@code n} requests per {@link HookedVlm#runAll} call. */
  public SpatialIdExtraction withBatchSize(int n) {
    if (n < 1) {
      throw new IllegalArgumentException("batch size must be >= 1, got " + n);
    }
    return new SpatialIdExtraction(vlm, config, library, n, progressBar);
  }

  /** The same extraction with the progress bar on standard error on or off. */
  public SpatialIdExtraction withProgressBar(boolean on) {
    return new SpatialIdExtraction(vlm, config, library, batchSize, on);
  }

  /** The config. */
  public IdConfig config() {
    return config;
  }

  /** The layers read on this model. */
  public List<Integer> layers() {
    return ModelLayers.resolve(vlm, config.layers());
  }

  /**
   * Runs the extraction in memory only.
   *
   * @throws IllegalArgumentException when an object word is missing from a prompt (naming the
   *     word and the prompt)
   */
  public ExtractedIds run() {
    return run(null);
  }

  /**
   * Runs (or resumes) the extraction, writing its outputs to {@code outDir}: the units as they
   * finish, then {@value SpatialIds#FILE_NAME}, {@code result.json} and {@code report.html}.
   *
   * @param outDir the output directory, or {@code null} for none
   * @throws IllegalArgumentException as {@link #run()}
   * @throws IllegalStateException when the directory holds a run with another config, model or
   *     scenes, another run holds it, or a journal line fails its checksum
   * @throws java.io.UncheckedIOException when the directory cannot be read or written
   */
  public ExtractedIds run(Path outDir) {
    ExtractionPlan plan = new ExtractionPlan(vlm, config, library);
    ExtractedIds out = ExperimentEngine.on(vlm).withBatchSize(batchSize).withProgressBar(progressBar).run(plan, outDir);
    if (outDir != null) {
      out.ids().save(outDir.resolve(SpatialIds.FILE_NAME));
      IdReport.writeHtml(out.result(), outDir.resolve(IdReport.HTML_FILE));
    }
    return out;
  }
}
