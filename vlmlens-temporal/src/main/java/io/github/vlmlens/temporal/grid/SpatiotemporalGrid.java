package io.github.vlmlens.temporal.grid;

import io.github.vlmlens.core.API;
import io.github.vlmlens.core.HookedVlm;
import io.github.vlmlens.core.analysis.ExperimentEngine;
import io.github.vlmlens.core.analysis.RunJournal;
import io.github.vlmlens.core.analysis.Vectors;
import io.github.vlmlens.temporal.internal.VideoInputs;
import io.github.vlmlens.temporal.internal.WordCaptures;
import io.github.vlmlens.temporal.video.Appearance;
import io.github.vlmlens.temporal.video.ObjectVideo;
import io.github.vlmlens.temporal.video.VideoObject;
import io.github.vlmlens.temporal.video.VideoSpec;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Random;

/**
 * The spatiotemporal ID grid on one model (the CLI's {@code spatiotemporal-grid}).
 *
 * <p>For every ordered pair {@code [subject, anchor]} and anchor frame {@code f_a} (the anchor at
 * a seeded position), the subject appears at every other frame {@code f} and in every column
 * {@code c} (left edge at {@link GridConfig#columnX}, seeded vertical position), and the question
 * "Does the {subject} appear before or after the {anchor}?" is asked; the subject word's
 * {@code lm.L.resid_post} is read. Centring is per pair and anchor frame, as for temporal IDs; the
 * ID of each cell {@code (c, f)} is averaged over repeats, anchor frames and pairs. The spatial axis
 * comes from columns, the temporal axis from frames (both by the paper's ordered-difference
 * formula); the grid is projected onto their plane (x = spatial, y = temporal) and the cosine
 * between the axes is reported. Resumable from an output directory, which gets the result (with its
 * provenance). Instances are immutable.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1.0")
public final class SpatiotemporalGrid {
  /** The default number of requests per batch. */
  public static final int DEFAULT_BATCH_SIZE = 16;
  /** The experiment's kind in a run directory. */
  public static final String EXPERIMENT = "spatiotemporal-grid";

  private final HookedVlm vlm;
  private final GridConfig config;
  private final int batchSize;
  private final boolean progressBar;

  private SpatiotemporalGrid(HookedVlm vlm, GridConfig config, int batchSize, boolean progressBar) {
    this.vlm = vlm;
    this.config = config;
    this.batchSize = batchSize;
    this.progressBar = progressBar;
  }

  /**
   * A grid with a progress bar.
   *
   * @throws IllegalArgumentException when a configured layer lies outside the model's {@code 0..N}
   */
  public static SpatiotemporalGrid of(HookedVlm vlm, GridConfig config) {
    Objects.requireNonNull(vlm, "vlm");
    Objects.requireNonNull(config, "config");
    VideoInputs.resolveLayers(vlm, config.layers());
    return new SpatiotemporalGrid(vlm, config, DEFAULT_BATCH_SIZE, true);
  }

  /** The same grid sending at most {@code n} requests per batch. */
  public SpatiotemporalGrid withBatchSize(int n) {
    if (n < 1) {
      throw new IllegalArgumentException("batch size must be >= 1, got " + n);
    }
    return new SpatiotemporalGrid(vlm, config, n, progressBar);
  }

  /** The same grid with the progress bar on or off. */
  public SpatiotemporalGrid withProgressBar(boolean on) {
    return new SpatiotemporalGrid(vlm, config, batchSize, on);
  }

  /** The config. */
  public GridConfig config() {
    return config;
  }

  /** One video of the grid and its cell. */
  record Placed(ObjectVideo video, int pair, int column) {}

  /**
   * Every video, in order: pair, anchor frame, subject frame, column, repeat; positions from one
   * generator per pair seeded with the config's seed and the pair index (per anchor frame the
   * anchor's position, then the subject's vertical position for each cell and repeat).
   */
  public List<ObjectVideo> videos() {
    return placed().stream().map(Placed::video).toList();
  }

  List<Placed> placed() {
    VideoSpec spec = config.video();
    int span = spec.maxOffset() + 1;
    List<Placed> out = new ArrayList<>();
    for (int p = 0; p < config.pairs().size(); p++) {
      List<VideoObject> pair = config.pairs().get(p);
      Random random = new Random(config.seed() * 31 + p);
      for (int fa = 0; fa < spec.frames(); fa++) {
        Appearance anchor = new Appearance(pair.get(1), fa, random.nextInt(span), random.nextInt(span));
        for (int f = 0; f < spec.frames(); f++) {
          if (f == fa) {
            continue;
          }
          for (int c = 0; c < config.columns(); c++) {
            for (int k = 0; k < config.repeats(); k++) {
              Appearance s = new Appearance(pair.get(0), f, config.columnX(c), random.nextInt(span));
              out.add(new Placed(ObjectVideo.of(spec, s, anchor), p, c));
            }
          }
        }
      }
    }
    return out;
  }

  /** Runs in memory only. */
  public GridResult run() {
    return run(null);
  }

  /**
   * Runs the grid through core's {@link ExperimentEngine}; with an output directory, resumes from
   * the captures journaled there (the same numbers as an uninterrupted run; another model or config
   * is refused) and writes {@code result.json}. The report is a separate step
   * ({@link io.github.vlmlens.temporal.report.TemporalReport#writeAll}).
   *
   * @throws IllegalStateException when the directory holds another run
   */
  public GridResult run(Path outDir) {
    List<Integer> layers = VideoInputs.resolveLayers(vlm, config.layers());
    List<Placed> placed = placed();
    int n = placed.size();
    int frames = config.video().frames();
    int[] pair = new int[n];
    int[] anchor = new int[n];
    int[] label = new int[n];
    List<WordCaptures.Item> items = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      Placed pl = placed.get(i);
      ObjectVideo v = pl.video();
      pair[i] = pl.pair();
      anchor[i] = v.second().frame();
      label[i] = pl.column() * frames + v.first().frame();
      String id = String.format(Locale.ROOT, "%s-%s-a%d-c%d-f%d-%05d", v.first().object().word(),
          v.second().object().word(), anchor[i], pl.column(), v.first().frame(), i);
      items.add(new WordCaptures.Item(id, RunJournal.hash(v.first(), v.second()), VideoInputs.input(vlm, v),
          v.first().object().word(), v.question().objectWords()));
    }
    String hash = RunJournal.hash("spatiotemporal-grid", vlm.name(), layers, config);
    Map<String, Object> configuration = new LinkedHashMap<>();
    configuration.put("config", config.withLayers(layers)); // the layers read, never [] for "all"
    WordCaptures<GridResult> plan = new WordCaptures<>(
        vlm, EXPERIMENT, configuration, Map.of("seed", config.seed()), layers, items, (captured, provenance) -> {
          List<GridResult.GridLayer> perLayer = new ArrayList<>();
          for (int l = 0; l < layers.size(); l++) {
            double[][] acts = new double[n][];
            for (int i = 0; i < n; i++) {
              acts[i] = Vectors.of(captured[i][l]);
            }
            perLayer.add(GridAxes.analyse(layers.get(l), acts, pair, anchor, label, config.columns(), frames,
                config.shuffles(), config.permutations(), config.seed()));
          }
          return new GridResult(vlm.name(), vlm.numLayers(), layers, config, hash, n, perLayer,
              vlm.info().fingerprint(), null, null, null, provenance);
        });
    return ExperimentEngine.on(vlm).withBatchSize(batchSize).withProgressBar(progressBar).run(plan, outDir);
  }
}
