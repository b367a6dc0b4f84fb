package io.github.vlmlens.temporal.steer;

import io.github.vlmlens.core.API;
import io.github.vlmlens.core.HookPoint;
import io.github.vlmlens.core.HookedVlm;
import io.github.vlmlens.core.Intervention;
import io.github.vlmlens.core.Positions;
import io.github.vlmlens.core.RunRequest;
import io.github.vlmlens.core.RunResult;
import io.github.vlmlens.core.RunSpec;
import io.github.vlmlens.core.Tokenization;
import io.github.vlmlens.core.VlmInput;
import io.github.vlmlens.core.analysis.Estimate;
import io.github.vlmlens.core.analysis.ExperimentEngine;
import io.github.vlmlens.core.analysis.ExperimentPlan;
import io.github.vlmlens.core.analysis.Provenance;
import io.github.vlmlens.core.analysis.RunJournal;
import io.github.vlmlens.core.analysis.Vectors;
import io.github.vlmlens.temporal.ids.TemporalIdResult;
import io.github.vlmlens.temporal.internal.VideoInputs;
import io.github.vlmlens.temporal.steer.TemporalSteerResult.LayerFlips;
import io.github.vlmlens.temporal.steer.TemporalSteerResult.Sample;
import io.github.vlmlens.temporal.steer.TemporalSteerResult.Steered;
import io.github.vlmlens.temporal.video.AnswerForm;
import io.github.vlmlens.temporal.video.ObjectPairSplit;
import io.github.vlmlens.temporal.video.ObjectVideo;
import io.github.vlmlens.temporal.video.TemporalQuestion;
import io.github.vlmlens.temporal.video.VideoSampler;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import org.apache.commons.math3.random.Well19937c;

/**
 * Temporal steering on one model (the CLI's {@code temporal-steer}).
 *
 * <p>For each drawn object video ("Does the {o1} appear before or after the {o2}?", {@code o1} at
 * frame {@code f1}, {@code o2} at {@code f2}) and each layer {@code L}, both object words are moved
 * to their mirrored frames: {@code o1}'s word gets {@code v1 = TID_L(F-1-f1) - TID_L(f1)} added to
 * its {@code lm.L.resid_post} (last sub-token), {@code o2}'s word {@code v2 = TID_L(F-1-f2) -
 * TID_L(f2)}, scaled as configured; mirrored frames reverse the order, so a model that reads the
 * order from these IDs should flip its answer. The control adds random directions of exactly the
 * same norms instead. A belief flips when {@code log P(before) - log P(after)} changes sign (a
 * zero margin never counts as flipped). Per layer, the percentage of flips with IDs and with
 * noise, with seeded bootstrap intervals.
 *
 * <p>With an output directory, each finished sample is journaled (an interrupted run resumes) and
 * the result is written there; the result carries its {@link Provenance}. Instances are immutable.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1.0")
public final class TemporalSteering {
  /** The default number of requests per batch. */
  public static final int DEFAULT_BATCH_SIZE = 16;
  /** The experiment's kind in a run directory. */
  public static final String EXPERIMENT = "temporal-steering";

  private final HookedVlm vlm;
  private final TemporalIdResult ids;
  private final TemporalSteerConfig config;
  private final int batchSize;
  private final boolean progressBar;

  private TemporalSteering(
      HookedVlm vlm, TemporalIdResult ids, TemporalSteerConfig config, int batchSize, boolean progressBar) {
    this.vlm = vlm;
    this.ids = ids;
    this.config = config;
    this.batchSize = batchSize;
    this.progressBar = progressBar;
  }

  /**
   * An experiment steering with {@code ids}.
   *
   * @throws IllegalArgumentException when the IDs were not extracted from {@code vlm} (see
   *     {@link TemporalIdResult#requireFrom}), the IDs' frame count or hidden size differs from the
   *     videos' and the model's, or a configured layer is not in the IDs
   */
  public static TemporalSteering of(HookedVlm vlm, TemporalIdResult ids, TemporalSteerConfig config) {
    return of(vlm, ids, config, false);
  }

  /**
   * As {@link #of(HookedVlm, TemporalIdResult, TemporalSteerConfig)}, with {@code allowForeignIds}
   * true accepting IDs extracted from another model (or of unknown origin) of the same width.
   */
  public static TemporalSteering of(
      HookedVlm vlm, TemporalIdResult ids, TemporalSteerConfig config, boolean allowForeignIds) {
    Objects.requireNonNull(vlm, "vlm");
    Objects.requireNonNull(ids, "ids");
    Objects.requireNonNull(config, "config");
    ids.requireFrom(vlm, allowForeignIds);
    if (ids.frames() != config.video().frames()) {
      throw new IllegalArgumentException(
          "the temporal IDs hold " + ids.frames() + " frames but the steering videos have "
              + config.video().frames());
    }
    int width = ids.perLayer().get(0).ids()[0].length;
    if (width != vlm.hiddenSize()) {
      throw new IllegalArgumentException(
          "the temporal IDs (from model '" + ids.model() + "') have width " + width + " but model '"
              + vlm.name() + "' has hidden size " + vlm.hiddenSize());
    }
    for (int l : config.layers()) {
      if (!ids.layers().contains(l)) {
        throw new IllegalArgumentException(
            "layer " + l + " is not in the temporal IDs, which hold layers " + ids.layers());
      }
    }
    VideoInputs.resolveLayers(vlm, layersOf(ids, config));
    return new TemporalSteering(vlm, ids, config, DEFAULT_BATCH_SIZE, true);
  }

  private static List<Integer> layersOf(TemporalIdResult ids, TemporalSteerConfig config) {
    return config.layers().isEmpty() ? ids.layers() : config.layers();
  }

  /** The same experiment sending at most {@code n} requests per batch. */
  public TemporalSteering withBatchSize(int n) {
    if (n < 1) {
      throw new IllegalArgumentException("batch size must be >= 1, got " + n);
    }
    return new TemporalSteering(vlm, ids, config, n, progressBar);
  }

  /** The same experiment with the progress bar on or off. */
  public TemporalSteering withProgressBar(boolean on) {
    return new TemporalSteering(vlm, ids, config, batchSize, on);
  }

  /** The layers steered. */
  public List<Integer> layers() {
    return layersOf(ids, config);
  }

  /** The videos, drawn from the config's seed. */
  public List<ObjectVideo> videos() {
    ObjectPairSplit split = ObjectPairSplit.of(config.splitSeed());
    return VideoSampler.of(config.video()).withPairs(split, config.part())
        .objectVideos(config.seed(), config.samples());
  }

  /**
   * The steering vector that moves a word from frame {@code from} to frame {@code to} at a layer:
   * {@code TID_L(to) - TID_L(from)}, unscaled.
   */
  public static double[] vector(TemporalIdResult ids, int layer, int from, int to) {
    double[][] t = ids.ids(layer);
    return Vectors.subtract(t[to], t[from]);
  }

  /** Runs in memory only. */
  public TemporalSteerResult run() {
    return run(null);
  }

  /**
   * Runs the experiment through core's {@link ExperimentEngine}; with an output directory, resumes
   * from the samples journaled there (the same numbers as an uninterrupted run; another model, IDs
   * or config is refused) and writes {@code result.json}. The report is a separate step
   * ({@link io.github.vlmlens.temporal.report.TemporalReport#writeAll}).
   *
   * @throws IllegalStateException when the directory holds another run
   */
  public TemporalSteerResult run(Path outDir) {
    return ExperimentEngine.on(vlm).withBatchSize(batchSize).withProgressBar(progressBar).run(new Plan(), outDir);
  }

  /** One sample to run: a video, its input and its object words' positions. */
  private record Unit(int index, String id, ObjectVideo video, VlmInput input, int[] positions) {}

  /**
   * The experiment as a plan of core's engine: one sample per video; each sends its own batches
   * (one unsteered run, then the steered runs of every layer).
   */
  private final class Plan implements ExperimentPlan<Unit, Sample, TemporalSteerResult> {
    private final List<Integer> layers = layers();
    private final AnswerForm form = VideoInputs.answerForm(vlm, config.answerForm());
    private final String before = form.apply(TemporalQuestion.BEFORE);
    private final String after = form.apply(TemporalQuestion.AFTER);
    private final List<Unit> units = new ArrayList<>();

    Plan() {
      List<ObjectVideo> videos = videos();
      for (int i = 0; i < videos.size(); i++) {
        ObjectVideo v = videos.get(i);
        VlmInput in = VideoInputs.input(vlm, v);
        List<String> words = v.question().objectWords();
        Tokenization t = VideoInputs.checkedTokenization(vlm, in, words);
        units.add(new Unit(i, String.format(Locale.ROOT, "steer-%04d", i), v, in,
            new int[] {t.lastSubToken(words.get(0)), t.lastSubToken(words.get(1))}));
      }
    }

    @Override
    public String experiment() {
      return EXPERIMENT;
    }

    @Override
    public Object configuration() {
      Map<String, Object> c = new LinkedHashMap<>();
      c.put("config", config.withLayers(layers)); // the layers steered, never [] for "all"
      c.put("answerForm", form);
      c.put("idsConfigHash", ids.configHash());
      c.put("idsModelFingerprint", ids.modelFingerprint());
      return c;
    }

    @Override
    public Map<String, Long> seeds() {
      return Map.of("seed", config.seed(), "splitSeed", config.splitSeed());
    }

    @Override
    public List<Unit> units() {
      return units;
    }

    @Override
    public String id(Unit u) {
      return u.id();
    }

    @Override
    public String fingerprint(Unit u) {
      return TemporalSteering.fingerprint(u.video());
    }

    @Override
    public Class<Sample> recordType() {
      return Sample.class;
    }

    @Override
    public boolean unitsShareBatches() {
      return false;
    }

    @Override
    public List<Sample> run(List<Unit> group) {
      List<Sample> out = new ArrayList<>(group.size());
      for (Unit u : group) {
        out.add(runSample(u.index(), u.id(), u.video(), u.input(), u.positions(), layers, before, after));
      }
      return out;
    }

    @Override
    public TemporalSteerResult aggregate(List<Sample> records, Provenance provenance) {
      String hash = RunJournal.hash("temporal-steer 2", ids.configHash(), layers, config, form);
      return TemporalSteering.this.aggregate(layers, hash, records, provenance);
    }
  }

  private static String fingerprint(ObjectVideo v) {
    return RunJournal.hash(v.first(), v.second());
  }

  private Sample runSample(
      int index, String id, ObjectVideo video, VlmInput input, int[] pos, List<Integer> layers, String before,
      String after) {
    RunSpec.Builder base = RunSpec.builder().readWords(before, after).logits(RunSpec.LogitsMode.NONE);
    if (config.scaling() == TemporalSteerConfig.Scaling.NORM_RELATIVE) {
      for (int l : layers) {
        base.capture(HookPoint.lmResid(l), Positions.of(pos[0], pos[1]));
      }
    }
    RunResult plain = vlm.run(input, base.build());
    double margin = plain.logProb(before) - plain.logProb(after);
    int[] frames = {video.first().frame(), video.second().frame()};
    int last = config.video().frames() - 1;

    List<RunRequest> requests = new ArrayList<>();
    List<double[]> norms = new ArrayList<>();
    for (int l : layers) {
      HookPoint point = HookPoint.lmResid(l);
      double[][] add = new double[2][];
      double[] n = new double[2];
      for (int w = 0; w < 2; w++) {
        double[] v = vector(ids, l, frames[w], last - frames[w]);
        double vn = Vectors.norm(v);
        if (config.scaling() == TemporalSteerConfig.Scaling.ABSOLUTE) {
          add[w] = Vectors.scale(v, config.alpha());
        } else {
          double target = config.alpha() * Vectors.norm(Vectors.of(plain.cache().vector(point, pos[w])));
          add[w] = vn > 0 ? Vectors.scale(v, target / vn) : new double[v.length];
        }
        n[w] = Vectors.norm(add[w]);
      }
      norms.add(n);
      requests.add(steered(input, point, pos, add, before, after));
      for (int d = 0; d < config.noiseDraws(); d++) {
        Well19937c rng = new Well19937c(new int[] {(int) config.seed(), (int) (config.seed() >>> 32), index, l, d});
        double[][] noise = new double[2][];
        for (int w = 0; w < 2; w++) {
          noise[w] = n[w] > 0 ? Vectors.randomWithNorm(add[w].length, n[w], rng) : new double[add[w].length];
        }
        requests.add(steered(input, point, pos, noise, before, after));
      }
    }
    List<RunResult> results = new ArrayList<>();
    for (int from = 0; from < requests.size(); from += batchSize) {
      results.addAll(vlm.runAll(requests.subList(from, Math.min(requests.size(), from + batchSize))));
    }
    List<Steered> steered = new ArrayList<>();
    int k = 0;
    for (int li = 0; li < layers.size(); li++) {
      RunResult idRun = results.get(k++);
      List<Double> noiseMargins = new ArrayList<>();
      for (int d = 0; d < config.noiseDraws(); d++) {
        RunResult r = results.get(k++);
        noiseMargins.add(r.logProb(before) - r.logProb(after));
      }
      steered.add(new Steered(layers.get(li), idRun.logProb(before) - idRun.logProb(after), noiseMargins,
          List.of(norms.get(li)[0], norms.get(li)[1])));
    }
    return new Sample(id, fingerprint(video), video.question().correctAnswer().orElseThrow(),
        List.of(frames[0], frames[1]), margin, steered);
  }

  private static RunRequest steered(
      VlmInput input, HookPoint point, int[] pos, double[][] add, String before, String after) {
    RunSpec.Builder b = RunSpec.builder().readWords(before, after).logits(RunSpec.LogitsMode.NONE);
    for (int w = 0; w < 2; w++) {
      b.intervene(Intervention.add(point, Positions.of(pos[w]), Vectors.toFloat(add[w])));
    }
    return RunRequest.of(input, b.build());
  }

  /** Whether a steered margin flipped the unsteered belief (strict sign change). */
  static boolean flipped(double margin, double steeredMargin) {
    return margin * steeredMargin < 0;
  }

  private TemporalSteerResult aggregate(
      List<Integer> layers, String hash, List<Sample> samples, Provenance provenance) {
    int correct = 0;
    for (Sample s : samples) {
      boolean saysBefore = s.margin() > 0;
      if (s.margin() != 0 && saysBefore == s.correct().equals(TemporalQuestion.BEFORE)) {
        correct++;
      }
    }
    List<LayerFlips> perLayer = new ArrayList<>();
    for (int li = 0; li < layers.size(); li++) {
      double[] idFlips = new double[samples.size()];
      double[] noiseFlips = new double[samples.size()];
      double norm = 0;
      for (int i = 0; i < samples.size(); i++) {
        Sample s = samples.get(i);
        Steered st = s.layers().get(li);
        idFlips[i] = flipped(s.margin(), st.idMargin()) ? 1 : 0;
        double f = 0;
        for (double m : st.noiseMargins()) {
          f += flipped(s.margin(), m) ? 1 : 0;
        }
        noiseFlips[i] = f / st.noiseMargins().size();
        norm += (st.addedNorms().get(0) + st.addedNorms().get(1)) / 2;
      }
      long seed = config.seed() * 7919 + layers.get(li);
      perLayer.add(new LayerFlips(layers.get(li),
          Estimate.of(idFlips, config.bootstrapResamples(), config.confidence(), seed).times(100),
          Estimate.of(noiseFlips, config.bootstrapResamples(), config.confidence(), seed + 1).times(100),
          samples.isEmpty() ? Double.NaN : norm / samples.size()));
    }
    return new TemporalSteerResult(vlm.name(), vlm.numLayers(), ids.model(), layers, config, hash, samples.size(),
        samples.isEmpty() ? Double.NaN : (double) correct / samples.size(), perLayer, samples, provenance);
  }
}
