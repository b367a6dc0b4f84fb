package io.github.vlmlens.temporal.ids;

import io.github.vlmlens.core.API;
import io.github.vlmlens.core.HookedVlm;
import io.github.vlmlens.core.analysis.ExperimentEngine;
import io.github.vlmlens.core.analysis.Provenance;
import io.github.vlmlens.core.analysis.RunJournal;
import io.github.vlmlens.core.analysis.Vectors;
import io.github.vlmlens.temporal.internal.VideoInputs;
import io.github.vlmlens.temporal.internal.WordCaptures;
import io.github.vlmlens.temporal.video.ObjectVideo;
import io.github.vlmlens.temporal.video.TemporalPlacements;
import io.github.vlmlens.temporal.video.VideoObject;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Random;

/**
 * Extracts temporal IDs from one model (the CLI's {@code temporal-ids}; METHOD.md section 6).
 *
 * <p>For every ordered pair {@code [subject, anchor]} and every anchor frame {@code f_a}, the
 * anchor flashes at {@code f_a} and the subject at every other frame, at
 * {@code positionsPerFrame} seeded positions ({@link TemporalPlacements}); the question is "Does
 * the {subject} appear before or after the {anchor}?". Each video is run once with readouts off,
 * capturing {@code lm.L.resid_post} at the subject word's last sub-token for every layer. Per
 * layer: {@code Delta} = activation minus the mean over its pair and anchor frame (the analogue of
 * the spatial centring per A cell); {@code TID(f)} = the mean of {@code Delta} over positions, then
 * anchor frames, then pairs. Then the time axis (the first principal direction of the IDs, and the
 * ordered-difference analogue of the paper's axis formula), the linearity {@code R^2} of the
 * projections against the frame index on frame means and per sample, and a shuffled-frame
 * baseline.
 *
 * <p>With an output directory, captures are journaled as they finish (an interrupted run resumes)
 * and the result is written there; the result carries its {@link Provenance}. Instances are
 * immutable.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1.0")
public final class TemporalIdExtraction {
  /** The default number of requests per batch. */
  public static final int DEFAULT_BATCH_SIZE = 16;
  /** The experiment's kind in a run directory. */
  public static final String EXPERIMENT = "temporal-ids";

  private final HookedVlm vlm;
  private final TemporalIdConfig config;
  private final int batchSize;
  private final boolean progressBar;

  private TemporalIdExtraction(HookedVlm vlm, TemporalIdConfig config, int batchSize, boolean progressBar) {
    this.vlm = vlm;
    this.config = config;
    this.batchSize = batchSize;
    this.progressBar = progressBar;
  }

  /**
   * An extraction with a progress bar.
   *
   * @throws IllegalArgumentException when a configured layer lies outside the model's {@code 0..N}
   */
  public static TemporalIdExtraction of(HookedVlm vlm, TemporalIdConfig config) {
    Objects.requireNonNull(vlm, "vlm");
    Objects.requireNonNull(config, "config");
    VideoInputs.resolveLayers(vlm, config.layers());
    return new TemporalIdExtraction(vlm, config, DEFAULT_BATCH_SIZE, true);
  }

  /** The same extraction sending at most {@code n} requests per batch. */
  public TemporalIdExtraction withBatchSize(int n) {
    if (n < 1) {
      throw new IllegalArgumentException("batch size must be >= 1, got " + n);
    }
    return new TemporalIdExtraction(vlm, config, n, progressBar);
  }

  /** The same extraction with the progress bar on or off. */
  public TemporalIdExtraction withProgressBar(boolean on) {
    return new TemporalIdExtraction(vlm, config, batchSize, on);
  }

  /** The config. */
  public TemporalIdConfig config() {
    return config;
  }

  /**
   * Every video run, in order: pair by pair, anchor frame by anchor frame, subject frame by
   * subject frame; positions from one generator seeded with the config's seed and the pair index.
   */
  public List<ObjectVideo> videos() {
    List<ObjectVideo> out = new ArrayList<>();
    for (int p = 0; p < config.pairs().size(); p++) {
      List<VideoObject> pair = config.pairs().get(p);
      Random random = new Random(config.seed() * 31 + p);
      for (int fa = 0; fa < config.video().frames(); fa++) {
        out.addAll(TemporalPlacements.forAnchor(
            config.video(), pair.get(0), pair.get(1), fa, config.positionsPerFrame(), random));
      }
    }
    return out;
  }

  /** Runs the extraction in memory only. */
  public TemporalIdResult run() {
    return run(null);
  }

  /**
   * Runs the extraction through core's {@link ExperimentEngine}; with an output directory, resumes
   * from the captures journaled there (the same numbers as an uninterrupted run; another model or
   * config is refused) and writes {@code result.json}. The report is a separate step
   * ({@link io.github.vlmlens.temporal.report.TemporalReport#writeAll}).
   *
   * @param outDir the output directory, or {@code null}
   * @throws IllegalArgumentException when the model does not give each frame its own image tokens
   *     or the subject word is missing from its prompt
   * @throws IllegalStateException when the directory holds another run
   */
  public TemporalIdResult run(Path outDir) {
    List<Integer> layers = VideoInputs.resolveLayers(vlm, config.layers());
    List<ObjectVideo> videos = videos();
    String hash = RunJournal.hash("temporal-ids", vlm.name(), layers, config);
    List<WordCaptures.Item> items = new ArrayList<>(videos.size());
    int n = videos.size();
    int[] pair = new int[n];
    int[] anchor = new int[n];
    int[] frame = new int[n];
    int perPair = n / config.pairs().size();
    for (int i = 0; i < n; i++) {
      ObjectVideo v = videos.get(i);
      pair[i] = i / perPair;
      anchor[i] = v.second().frame();
      frame[i] = v.first().frame();
      String id = String.format(Locale.ROOT, "%s-%s-a%d-f%d-%04d", v.first().object().word(),
          v.second().object().word(), anchor[i], frame[i], i);
      items.add(new WordCaptures.Item(
          id, RunJournal.hash(v.first(), v.second()), VideoInputs.input(vlm, v),
          v.first().object().word(), v.question().objectWords()));
    }
    Map<String, Object> configuration = new LinkedHashMap<>();
    configuration.put("config", config.withLayers(layers)); // the layers read, never [] for "all"
    WordCaptures<TemporalIdResult> plan = new WordCaptures<>(
        vlm, EXPERIMENT, configuration, Map.of("seed", config.seed()), layers, items,
        (captured, provenance) -> analyse(vlm.name(), vlm.info().fingerprint(), vlm.numLayers(), layers, config, hash,
            captured, pair, anchor, frame, provenance));
    return ExperimentEngine.on(vlm).withBatchSize(batchSize).withProgressBar(progressBar).run(plan, outDir);
  }

  static TemporalIdResult analyse(
      String model, String modelFingerprint, int numLayers, List<Integer> layers, TemporalIdConfig config,
      String hash, float[][][] captured, int[] pair, int[] anchor, int[] frame, Provenance provenance) {
    List<TemporalIdResult.LayerIds> perLayer = new ArrayList<>();
    for (int l = 0; l < layers.size(); l++) {
      double[][] acts = new double[captured.length][];
      for (int i = 0; i < captured.length; i++) {
        acts[i] = Vectors.of(captured[i][l]);
      }
      perLayer.add(TimeAxes.analyse(layers.get(l), acts, pair, anchor, frame, config.video().frames(),
          config.shuffles(), config.permutations(), config.seed()));
    }
    return new TemporalIdResult(
        model, numLayers, layers, config, hash, captured.length, config.video().frames(), perLayer, modelFingerprint,
        null, null, provenance);
  }
}
