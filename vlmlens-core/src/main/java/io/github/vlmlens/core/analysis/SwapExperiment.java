package io.github.vlmlens.core.analysis;

import io.github.vlmlens.core.API;
import io.github.vlmlens.core.HookedVlm;
import io.github.vlmlens.core.RunRequest;
import io.github.vlmlens.core.RunSpec;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * A swap experiment on one model (METHOD.md section 1): for each sample, the belief shift when
 * {@code y}'s residual stream {@code lm.L.resid_post} replaces {@code x}'s at a swap set, for every
 * configured layer {@code L} (0 = embeddings, L = the output of decoder block L). On a model whose
 * images enter through cross-attention blocks, "all image tokens" is y's cross-attention states in
 * the blocks after {@code L} ({@link ImageTokenDefinition}); the result says which definition it used.
 *
 * <p>Per sample, it runs {@code x} once capturing every swept layer at every position and
 * {@code y} once capturing the swap sets' positions, then one run per layer and swap set that
 * resumes from {@code x}'s cached layer {@code L} ({@link RunSpec.Builder#resumeFrom}), batched.
 * Samples are swept in groups of up to the batch size, so that the resumed runs of one layer batch
 * across samples. Each sample sends the same requests as when swept alone, so its result is the
 * same bit for bit on a backend whose per-request results do not depend on what else is in the
 * batch; a batched float backend may differ in the last bits (float round-off, as with any change
 * of batch size). The journal, the listener and the progress bar still advance one sample at a
 * time, in sample order.
 * A sample whose denominator is below the threshold is excluded and counted, and its patched runs
 * are skipped; so is a patched run whose patch would change nothing ({@code y}'s vectors at the
 * swap set equal {@code x}'s bit for bit, as for the text tokens at layer 0 when both prompts are
 * the same): its readout is {@code x}'s own, a shift of exactly 0. Every sample's tokenization and swap sets are checked before the first forward
 * pass, so a missing object word fails at once.
 *
 * <p>Runs go through the {@link ExperimentEngine}: with an output directory, each finished sample
 * is appended to {@code samples.jsonl} there (with a checksum); a later run with the same config,
 * model (weights fingerprint), batch size and samples resumes and ends with the same
 * {@code result.json} as an uninterrupted run, every number equal. The directory must be empty
 * or hold such a run, and is locked while a run writes. Instances are immutable.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1.0")
public final class SwapExperiment {
  /** The experiment's kind in a run directory. */
  public static final String EXPERIMENT = "swap";

  /** The default number of requests per {@link HookedVlm#runAll} call. */
  public static final int DEFAULT_BATCH_SIZE = 16;

  private final HookedVlm model;
  private final SwapConfig config;
  private final int batchSize;
  private final boolean progressBar;
  private final SampleListener listener;

  private SwapExperiment(
      HookedVlm model, SwapConfig config, int batchSize, boolean progressBar, SampleListener listener) {
    this.model = model;
    this.config = config;
    this.batchSize = batchSize;
    this.progressBar = progressBar;
    this.listener = listener;
  }

  /**
   * An experiment with a progress bar on standard error and batches of
   * {@value #DEFAULT_BATCH_SIZE}.
   *
   * @throws IllegalArgumentException when a configured layer lies outside the model's
   *     {@code 0..N}
   */
  public static SwapExperiment of(HookedVlm model, SwapConfig config) {
    Objects.requireNonNull(model, "model");
    Objects.requireNonNull(config, "config");
    SwapEngine.resolveLayers(model, config);
    return new SwapExperiment(model, config, DEFAULT_BATCH_SIZE, true, null);
  }

  /**
   * The same experiment sending at most {@code n} requests per {@link HookedVlm#runAll} call and
   * sweeping up to {@code n} samples together (their caches are held at once).
   */
  public SwapExperiment withBatchSize(int n) {
    if (n < 1) {
      throw new IllegalArgumentException("batch size must be >= 1, got " + n);
    }
    return new SwapExperiment(model, config, n, progressBar, listener);
  }

  /** The same experiment with the progress bar on standard error on or off. */
  public SwapExperiment withProgressBar(boolean on) {
    return new SwapExperiment(model, config, batchSize, on, listener);
  }

  /** The same experiment telling {@code l} of every finished sample. */
  public SwapExperiment withListener(SampleListener l) {
    return new SwapExperiment(model, config, batchSize, progressBar, Objects.requireNonNull(l, "listener"));
  }

  /** The config. */
  public SwapConfig config() {
    return config;
  }

  /** The layers this experiment sweeps on its model. */
  public List<Integer> layers() {
    return SwapEngine.resolveLayers(model, config);
  }

  /**
   * Runs every sample, keeping results in memory only.
   *
   * @throws IllegalArgumentException for no samples, repeated sample ids, a missing object word
   *     (naming the sample, the word and the prompt) or inputs whose swap sets cannot be matched
   */
  public SwapResult run(List<SwapSample> samples) {
    return run(samples, null);
  }

  /**
   * Runs every sample, writing each finished one to {@code outputDir} and resuming from what an
   * earlier, interrupted run of the same config wrote there; the result also goes to
   * {@code outputDir/result.json}.
   *
   * @param outputDir the output directory, or {@code null} for none
   * @throws IllegalArgumentException as {@link #run(List)}
   * @throws IllegalStateException when the directory holds a run with another config, model or
   *     layers, or other samples
   * @throws java.io.UncheckedIOException when the directory cannot be read or written
   */
  public SwapResult run(List<SwapSample> samples, Path outputDir) {
    Objects.requireNonNull(samples, "samples");
    if (samples.isEmpty()) {
      throw new IllegalArgumentException("no samples to run");
    }
    Set<String> ids = new HashSet<>();
    for (SwapSample s : samples) {
      if (!ids.add(s.id())) {
        throw new IllegalArgumentException("sample id '" + s.id() + "' is used twice");
      }
    }
    if (outputDir != null) {
      io.github.vlmlens.core.analysis.internal.RunDirectory.checkPath(outputDir);
    }
    SwapEngine engine = new SwapEngine(model, config, batchSize);
    List<SwapEngine.Prepared> prepared = new ArrayList<>(samples.size());
    for (SwapSample s : samples) {
      prepared.add(engine.prepare(s));
    }
    List<Integer> layers = engine.layers();
    ExperimentEngine runner = ExperimentEngine.on(model).withBatchSize(batchSize).withProgressBar(progressBar);
    Map<String, Object> configuration = new LinkedHashMap<>();
    configuration.put("swap", config);
    configuration.put("layers", layers);
    ImageTokenDefinition images = engine.imageTokenDefinition();
    if (images != ImageTokenDefinition.TEXT_STREAM_POSITIONS) {
      configuration.put("imageTokens", images);
    }
    String identity = RunJournal.hash(EXPERIMENT, configuration, ExperimentEngine.modelKey(model));
    ExperimentPlan<SwapEngine.Prepared, SwapResult.Sample, SwapResult> plan =
        new ExperimentPlan<>() {
          @Override
          public String experiment() {
            return EXPERIMENT;
          }

          @Override
          public Object configuration() {
            return configuration;
          }

          @Override
          public Map<String, Long> seeds() {
            return Map.of("seed", config.seed());
          }

          @Override
          public List<SwapEngine.Prepared> units() {
            return prepared;
          }

          @Override
          public String id(SwapEngine.Prepared unit) {
            return unit.sample().id();
          }

          @Override
          public String fingerprint(SwapEngine.Prepared unit) {
            return unit.fingerprint();
          }

          @Override
          public Class<SwapResult.Sample> recordType() {
            return SwapResult.Sample.class;
          }

          @Override
          public List<SwapResult.Sample> run(List<SwapEngine.Prepared> group) {
            return engine.runGroup(group, false);
          }

          @Override
          public SwapResult aggregate(List<SwapResult.Sample> records, Provenance provenance) {
            return Aggregator.aggregate(
                model.name(), model.numLayers(), layers, images, config, identity, records, provenance);
          }

          @Override
          public void finished(SwapResult.Sample record, int done, int total) {
            if (listener != null) {
              listener.sampleFinished(record, done, total);
            }
          }
        };
    return runner.run(plan, outputDir);
  }

  /**
   * Measures what one sample's sweep costs against {@code layers x swapSets} plain forwards of
   * {@code x}; the same as {@link #measureCost(List, int)} with that one sample.
   *
   * @throws IllegalArgumentException for {@code repeats < 1} or a sample that does not prepare
   */
  public SweepCost measureCost(SwapSample sample, int repeats) {
    return measureCost(List.of(Objects.requireNonNull(sample, "sample")), repeats);
  }

  /**
   * Measures what a sample's sweep costs against {@code layers x swapSets} plain forwards of
   * {@code x}, sweeping {@code samples} as {@link #run} does (groups of up to the batch size):
   * after one untimed warm-up of each, the median over {@code repeats} of (a) a batch of plain
   * forwards of the samples' {@code x} inputs (the batch size of this experiment, taken in turn,
   * readouts only) divided by its size and (b) the sweep of all the samples (patched runs made
   * even for samples that would be excluded) divided by their number; all the forwards are timed
   * before the sweeps. The samples must tokenize
   * to the same lengths, so that both measurements see the same sequence length. The target of
   * the resumed plan is a ratio of at most about 0.55.
   *
   * @throws IllegalArgumentException for {@code repeats < 1}, no samples, repeated sample ids,
   *     samples whose {@code x} or {@code y} inputs differ in token count, or a sample that does
   *     not prepare
   */
  public SweepCost measureCost(List<SwapSample> samples, int repeats) {
    Objects.requireNonNull(samples, "samples");
    if (repeats < 1) {
      throw new IllegalArgumentException("repeats must be >= 1, got " + repeats);
    }
    if (samples.isEmpty()) {
      throw new IllegalArgumentException("no samples to measure");
    }
    Set<String> ids = new HashSet<>();
    for (SwapSample s : samples) {
      if (!ids.add(s.id())) {
        throw new IllegalArgumentException("sample id '" + s.id() + "' is used twice");
      }
    }
    SwapEngine engine = new SwapEngine(model, config, batchSize);
    List<SwapEngine.Prepared> prepared = new ArrayList<>(samples.size());
    for (SwapSample s : samples) {
      prepared.add(engine.prepare(s));
    }
    SwapSample first = samples.get(0);
    int xLen = model.tokenize(first.x()).length();
    int yLen = model.tokenize(first.y()).length();
    for (SwapSample s : samples) {
      int sx = model.tokenize(s.x()).length();
      int sy = model.tokenize(s.y()).length();
      if (sx != xLen || sy != yLen) {
        throw new IllegalArgumentException(
            "sample '" + s.id() + "' has " + sx + " x and " + sy + " y tokens but sample '"
                + first.id() + "' has " + xLen + " and " + yLen
                + "; measure samples of the same size together");
      }
    }
    List<RunRequest> batch = new ArrayList<>(batchSize);
    for (int i = 0; i < batchSize; i++) {
      SwapSample s = samples.get(i % samples.size());
      RunSpec plain =
          RunSpec.builder()
              .readWords(s.gtAnswer(), s.otherAnswer())
              .logits(RunSpec.LogitsMode.NONE)
              .build();
      batch.add(RunRequest.of(s.x(), plain));
    }
    model.runAll(batch);
    int requests = sweepAll(engine, prepared);
    double[] forward = new double[repeats];
    double[] sweep = new double[repeats];
    // Forwards first, then sweeps: a group's sweep leaves much garbage, whose collection would
    // otherwise land in (and inflate) the next forward's time.
    for (int r = 0; r < repeats; r++) {
      long t0 = System.nanoTime();
      model.runAll(batch);
      forward[r] = (System.nanoTime() - t0) / 1e6 / batchSize;
    }
    for (int r = 0; r < repeats; r++) {
      long t0 = System.nanoTime();
      sweepAll(engine, prepared);
      sweep[r] = (System.nanoTime() - t0) / 1e6 / samples.size();
    }
    double f = median(forward);
    double s = median(sweep);
    int nl = engine.layers().size();
    int ns = config.swapSets().size();
    return new SweepCost(
        model.name(), nl, ns, (int) Math.round((double) requests / samples.size()), batchSize,
        repeats, f, s, s / (nl * ns * f));
  }

  /** Sweeps every prepared sample in groups of the batch size; returns the requests sent. */
  private int sweepAll(SwapEngine engine, List<SwapEngine.Prepared> prepared) {
    int requests = 0;
    for (int from = 0; from < prepared.size(); from += batchSize) {
      engine.runGroup(prepared.subList(from, Math.min(prepared.size(), from + batchSize)), true);
      requests += engine.lastRequests();
    }
    return requests;
  }

  private static double median(double[] v) {
    double[] c = v.clone();
    Arrays.sort(c);
    int n = c.length;
    return n % 2 == 1 ? c[n / 2] : (c[n / 2 - 1] + c[n / 2]) / 2;
  }
}
