package io.github.vlmlens.spatial.steer;

import io.github.vlmlens.core.API;
import io.github.vlmlens.core.HookedVlm;
import io.github.vlmlens.core.analysis.ExperimentEngine;
import io.github.vlmlens.spatial.ids.SpatialIds;
import io.github.vlmlens.spatial.scene.ObjectLibrary;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * Steering with spatial IDs (METHOD.md section 3) on synthetic grid scenes: adversarial steering
 * against a same-norm noise control, arbitrary steering to every cell, cross-axis steering, and
 * oracle injection ({@link SteeringMode}).
 *
 * <p>The vectors are differences of the universal IDs, {@code alpha * (ID_L(i, j') - ID_L(i, j))}
 * or the same difference rescaled to {@code k} times the unsteered activation's norm
 * ({@link ScaleMode}), added to {@code lm.L.resid_post} at an object word's last sub-token. Per
 * scene, one unsteered run captures the residual stream of every layer steered, and every steered
 * run resumes from it at its layer, in batches.
 *
 * <p>The scenes run through core's {@link ExperimentEngine}. With an output directory the run is
 * resumable like core's swap experiment: each finished scene is appended to
 * {@value ExperimentEngine#JOURNAL_FILE}; a later run with the same mode, config, model (weights
 * fingerprint) and IDs resumes with the same numbers as an uninterrupted run, and another model or
 * config is refused; the run ends by writing {@code result.json} and {@code report.html}. The result
 * carries its {@link io.github.vlmlens.core.analysis.Provenance}. Instances are immutable.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1.0")
public final class Steering {
  /** The default number of requests per {@link HookedVlm#runAll} call. */
  public static final int DEFAULT_BATCH_SIZE = 16;

  private final HookedVlm vlm;
  private final SpatialIds ids;
  private final SteerConfig config;
  private final ObjectLibrary library;
  private final int batchSize;
  private final boolean progressBar;

  private Steering(
      HookedVlm vlm, SpatialIds ids, SteerConfig config, ObjectLibrary library, int batchSize, boolean progressBar) {
    this.vlm = vlm;
    this.ids = ids;
    this.config = config.resolvedFor(ids);
    this.library = library;
    this.batchSize = batchSize;
    this.progressBar = progressBar;
    engine(); // checks the IDs, layers and pairs against the model and library
  }

  /**
   * Steering of {@code vlm} with {@code ids}, the built-in objects, a progress bar on standard error
   * and batches of {@value #DEFAULT_BATCH_SIZE}.
   *
   * @throws IllegalArgumentException when the IDs were not extracted from {@code vlm} (their weights
   *     fingerprint is another model's, or unknown: see {@link SpatialIds#requireFrom}), the IDs'
   *     width differs from the model's hidden size, a layer is not held by the IDs or not one of
   *     the model's, no pair is given or held, or a pair names an object the library does not have
   */
  public static Steering of(HookedVlm vlm, SpatialIds ids, SteerConfig config) {
    return of(vlm, ids, config, false);
  }

  /**
   * As {@link #of(HookedVlm, SpatialIds, SteerConfig)}, with {@code allowForeignIds} true accepting
   * IDs extracted from another model (or of unknown origin) of the same width.
   */
  public static Steering of(HookedVlm vlm, SpatialIds ids, SteerConfig config, boolean allowForeignIds) {
    Objects.requireNonNull(ids, "ids").requireFrom(Objects.requireNonNull(vlm, "vlm"), allowForeignIds);
    return new Steering(
        Objects.requireNonNull(vlm, "vlm"), Objects.requireNonNull(ids, "ids"), Objects.requireNonNull(config, "config"),
        ObjectLibrary.builtIn(), DEFAULT_BATCH_SIZE, true);
  }

  /** The same experiment drawing its objects from {@code library}. */
  public Steering withLibrary(ObjectLibrary library) {
    return new Steering(vlm, ids, config, Objects.requireNonNull(library, "library"), batchSize, progressBar);
  }

  /** The same experiment sending at most {@code n} requests per {@link HookedVlm#runAll} call. */
  public Steering withBatchSize(int n) {
    if (n < 1) {
      throw new IllegalArgumentException("batch size must be >= 1, got " + n);
    }
    return new Steering(vlm, ids, config, library, n, progressBar);
  }

  /** The same experiment with the progress bar on standard error on or off. */
  public Steering withProgressBar(boolean on) {
    return new Steering(vlm, ids, config, library, batchSize, on);
  }

  /** The config, its defaults made explicit for the IDs ({@link SteerConfig#resolvedFor}). */
  public SteerConfig config() {
    return config;
  }

  /** The layers steered. */
  public List<Integer> layers() {
    return engine().layers();
  }

  /**
   * Runs one experiment in memory only.
   *
   * @throws IllegalArgumentException when no scene has an answer, an object word is missing from
   *     a prompt, or (for {@link SteeringMode#ORACLE}) the IDs lack a pair's centring means
   */
  public SteeringResult run(SteeringMode mode) {
    return run(mode, null);
  }

  /**
   * Runs (or resumes) one experiment, writing its outputs to {@code outDir}.
   *
   * @param mode the experiment
   * @param outDir the output directory, or {@code null} for none
   * @throws IllegalArgumentException as {@link #run(SteeringMode)}
   * @throws IllegalStateException when the directory holds another run
   * @throws java.io.UncheckedIOException when the directory cannot be read or written
   */
  public SteeringResult run(SteeringMode mode, Path outDir) {
    SteeringPlan plan = engine().withMode(Objects.requireNonNull(mode, "mode"));
    SteeringResult result =
        ExperimentEngine.on(vlm).withBatchSize(batchSize).withProgressBar(progressBar).run(plan, outDir);
    if (outDir != null) {
      SteeringReport.writeHtml(result, outDir.resolve(SteeringReport.HTML_FILE));
    }
    return result;
  }

  private SteeringPlan engine() {
    return new SteeringPlan(vlm, ids, config, library, batchSize);
  }
}
