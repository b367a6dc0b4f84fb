package io.github.vlmlens.temporal.real;

import com.google.common.hash.Hasher;
import com.google.common.hash.Hashing;
import io.github.vlmlens.core.API;
import io.github.vlmlens.core.HookPoint;
import io.github.vlmlens.core.HookedVlm;
import io.github.vlmlens.core.Intervention;
import io.github.vlmlens.core.Positions;
import io.github.vlmlens.core.RgbImage;
import io.github.vlmlens.core.RunRequest;
import io.github.vlmlens.core.RunResult;
import io.github.vlmlens.core.RunSpec;
import io.github.vlmlens.core.Tokenization;
import io.github.vlmlens.core.VlmInput;
import io.github.vlmlens.core.analysis.ExperimentEngine;
import io.github.vlmlens.core.analysis.ExperimentPlan;
import io.github.vlmlens.core.analysis.Provenance;
import io.github.vlmlens.core.analysis.Vectors;
import io.github.vlmlens.temporal.ids.TemporalIdResult;
import io.github.vlmlens.temporal.internal.VideoInputs;
import io.github.vlmlens.temporal.real.RealVideoSteerResult.Sample;
import io.github.vlmlens.temporal.steer.TemporalSteerConfig.Scaling;
import io.github.vlmlens.temporal.steer.TemporalSteerResult.LayerFlips;
import io.github.vlmlens.temporal.steer.TemporalSteerResult.Steered;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import org.apache.commons.math3.random.Well19937c;

/**
 * Steering user videos with temporal IDs extracted from synthetic videos (the CLI's
 * {@code temporal-steer --videos}), judged by log-probabilities.
 *
 * <p>A user video carries no annotation of the frames its objects appear in, so the synthetic
 * steering's "move each word from its frame to the mirrored frame" is not defined. Instead, each
 * video is steered against the model's own belief, as far as the IDs reach: with the unsteered
 * margin {@code m = log P(earlier) - log P(later)} (the entry's {@code before}/{@code after} or
 * {@code earlier}/{@code later}; {@code earlier} means the first-named object comes first), where
 * {@code m > 0} the first object word gets {@code TID_L(F-1) - TID_L(0)} added to its
 * {@code lm.L.resid_post} (last sub-token) and the second word {@code TID_L(0) - TID_L(F-1)}; where
 * {@code m <= 0} the other way round; scaled as configured (by default to 5 times the word's
 * activation norm, the authors' choice, so only the direction matters). A belief flips when the
 * margin changes sign strictly; the control adds random directions of the same norms. The videos
 * are sampled at the IDs' frame count {@code F}. Entries whose answers are not
 * {@code before}/{@code after} or {@code earlier}/{@code later} are refused: other answer words do
 * not say which object word comes first. The true answers, where given, only give the unsteered
 * accuracy.
 *
 * <p>Runs on core's {@link ExperimentEngine}: journal, resume, provenance, {@code result.json}.
 * Instances are immutable.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1.0")
public final class RealVideoSteering {
  /** The experiment's kind in a run directory. */
  public static final String EXPERIMENT = "temporal-steer-videos";

  private final HookedVlm vlm;
  private final TemporalIdResult ids;
  private final RealVideoSteerConfig config;
  private final int batchSize;
  private final boolean progressBar;

  private RealVideoSteering(HookedVlm vlm, TemporalIdResult ids, RealVideoSteerConfig config, int batchSize,
      boolean progressBar) {
    this.vlm = vlm;
    this.ids = ids;
    // The result and its provenance name the layers steered, never "every layer" by [].
    this.config = config.layers().isEmpty() ? config.withLayers(ids.layers()) : config;
    this.batchSize = batchSize;
    this.progressBar = progressBar;
  }

  /**
   * Steering {@code vlm} with {@code ids}.
   *
   * @throws IllegalArgumentException when the IDs were not extracted from {@code vlm} (see
   *     {@link TemporalIdResult#requireFrom}), the IDs' width is not the model's hidden size or a
   *     configured layer is not in the IDs or the model
   */
  public static RealVideoSteering of(HookedVlm vlm, TemporalIdResult ids, RealVideoSteerConfig config) {
    return of(vlm, ids, config, false);
  }

  /**
   * As {@link #of(HookedVlm, TemporalIdResult, RealVideoSteerConfig)}, with {@code allowForeignIds}
   * true accepting IDs extracted from another model (or of unknown origin) of the same width.
   */
  public static RealVideoSteering of(
      HookedVlm vlm, TemporalIdResult ids, RealVideoSteerConfig config, boolean allowForeignIds) {
    Objects.requireNonNull(vlm, "vlm");
    Objects.requireNonNull(ids, "ids");
    Objects.requireNonNull(config, "config");
    ids.requireFrom(vlm, allowForeignIds);
    int width = ids.perLayer().get(0).ids()[0].length;
    if (width != vlm.hiddenSize()) {
      throw new IllegalArgumentException("the temporal IDs (from model '" + ids.model() + "') have width " + width
          + " but model '" + vlm.name() + "' has hidden size " + vlm.hiddenSize());
    }
    for (int l : config.layers()) {
      if (!ids.layers().contains(l)) {
        throw new IllegalArgumentException("layer " + l + " is not in the temporal IDs, which hold layers " + ids.layers());
      }
    }
    RealVideoSteering s = new RealVideoSteering(vlm, ids, config, 16, true);
    VideoInputs.resolveLayers(vlm, s.layers());
    return s;
  }

  /** The same sending at most {@code n} requests per batch (and grouping {@code n} videos). */
  public RealVideoSteering withBatchSize(int n) {
    if (n < 1) {
      throw new IllegalArgumentException("batch size must be >= 1, got " + n);
    }
    return new RealVideoSteering(vlm, ids, config, n, progressBar);
  }

  /** The same with the progress bar on or off. */
  public RealVideoSteering withProgressBar(boolean on) {
    return new RealVideoSteering(vlm, ids, config, batchSize, on);
  }

  /** The layers steered: the config's, else every layer of the IDs. */
  public List<Integer> layers() {
    return config.layers().isEmpty() ? ids.layers() : config.layers();
  }

  /** The frames sampled from each video: the IDs' frame count. */
  public int frames() {
    return ids.frames();
  }

  /**
   * Runs (or resumes in {@code outDir}, or {@code null}) the steering of the entries' videos.
   *
   * @throws IllegalArgumentException naming the entry of the first problem (answers that do not
   *     say which object comes first, a candidate that is not one token, a video that cannot be
   *     decoded, object words missing from the prompt), before anything is written
   */
  public RealVideoSteerResult run(List<VideoEntry> entries, Path outDir) {
    if (entries.isEmpty()) {
      throw new IllegalArgumentException("no videos");
    }
    List<String[]> words = new ArrayList<>();
    for (VideoEntry e : entries) {
      words.add(orderWords(e));
    }
    VideoData.checkTokens(vlm, entries);
    List<Unit> units = new ArrayList<>();
    for (int i = 0; i < entries.size(); i++) {
      VideoEntry e = entries.get(i);
      List<RgbImage> f = VideoData.frames(e, frames());
      VlmInput x = VlmInput.ofVideo(f, vlm.promptFormat().videoPrompt(e.question()));
      Tokenization t;
      try {
        t = VideoInputs.checkedTokenization(vlm, x, e.objectWords());
      } catch (IllegalArgumentException ex) {
        throw new IllegalArgumentException(e.source() + " (video " + e.video().getFileName() + "): " + ex.getMessage(), ex);
      }
      int[] pos = {t.lastSubToken(e.objectWords().get(0)), t.lastSubToken(e.objectWords().get(1))};
      units.add(new Unit(i, e, x, pos, words.get(i)[0], words.get(i)[1], fingerprint(e, f)));
    }
    return ExperimentEngine.on(vlm).withBatchSize(batchSize).withProgressBar(progressBar)
        .run(new Plan(units, layers()), outDir);
  }

  /** The entry's answer words meaning "first-named first" and "first-named second". */
  private static String[] orderWords(VideoEntry e) {
    String a = e.answerPair().get(0);
    String b = e.answerPair().get(1);
    String la = a.strip().toLowerCase(Locale.ROOT);
    String lb = b.strip().toLowerCase(Locale.ROOT);
    if ((la.equals("before") && lb.equals("after")) || (la.equals("earlier") && lb.equals("later"))) {
      return new String[] {a, b};
    }
    if ((lb.equals("before") && la.equals("after")) || (lb.equals("earlier") && la.equals("later"))) {
      return new String[] {b, a};
    }
    throw new IllegalArgumentException(e.source() + " (video " + e.video().getFileName() + "): steering needs the answers"
        + " before/after or earlier/later, which say whether the first-named object comes first; " + e.answerPair()
        + " do not");
  }

  private static String fingerprint(VideoEntry e, List<RgbImage> frames) {
    Hasher h = Hashing.sha256().newHasher();
    h.putUnencodedChars(e.id()).putUnencodedChars(e.question()).putUnencodedChars(String.join("\u0000", e.objectWords()));
    for (RgbImage f : frames) {
      h.putInt(f.width()).putInt(f.height());
      for (int p : f.pixels()) {
        h.putInt(p);
      }
    }
    return h.hash().toString().substring(0, 32);
  }

  private record Unit(int index, VideoEntry entry, VlmInput x, int[] pos, String earlier, String later, String fingerprint) {}

  private final class Plan implements ExperimentPlan<Unit, Sample, RealVideoSteerResult> {
    private final List<Unit> units;
    private final List<Integer> layers;

    Plan(List<Unit> units, List<Integer> layers) {
      this.units = units;
      this.layers = layers;
    }

    @Override
    public String experiment() {
      return EXPERIMENT;
    }

    @Override
    public Object configuration() {
      Map<String, Object> c = new LinkedHashMap<>();
      c.put("config", config.withLayers(layers)); // the layers steered, never [] for "all"
      c.put("frames", frames());
      c.put("ids", Map.of("model", ids.model(), "configHash", ids.configHash()));
      return c;
    }

    @Override
    public Map<String, Long> seeds() {
      return Map.of("noise and bootstrap", config.seed());
    }

    @Override
    public List<Unit> units() {
      return units;
    }

    @Override
    public String id(Unit unit) {
      return unit.entry().id();
    }

    @Override
    public String fingerprint(Unit unit) {
      return unit.fingerprint();
    }

    @Override
    public Class<Sample> recordType() {
      return Sample.class;
    }

    @Override
    public List<Sample> run(List<Unit> group) {
      List<RunRequest> plain = new ArrayList<>();
      for (Unit u : group) {
        RunSpec.Builder b = RunSpec.builder().readWords(u.earlier(), u.later()).logits(RunSpec.LogitsMode.NONE);
        for (int l : layers) {
          b.capture(HookPoint.lmResid(l), Positions.of(u.pos()[0], u.pos()[1]));
        }
        plain.add(RunRequest.of(u.x(), b.build()));
      }
      List<RunResult> plainResults = batched(plain);
      List<RunRequest> steered = new ArrayList<>();
      List<double[][]> norms = new ArrayList<>();
      double[] margins = new double[group.size()];
      int last = frames() - 1;
      for (int g = 0; g < group.size(); g++) {
        Unit u = group.get(g);
        RunResult r = plainResults.get(g);
        margins[g] = r.logProb(u.earlier()) - r.logProb(u.later());
        boolean towardLater = margins[g] > 0;
        int index = u.index();
        double[][] n = new double[layers.size()][];
        for (int li = 0; li < layers.size(); li++) {
          int l = layers.get(li);
          HookPoint point = HookPoint.lmResid(l);
          double[] toLate = Vectors.subtract(ids.ids(l)[last], ids.ids(l)[0]);
          double[][] add = {
            towardLater ? toLate : Vectors.scale(toLate, -1), towardLater ? Vectors.scale(toLate, -1) : toLate
          };
          n[li] = new double[2];
          for (int w = 0; w < 2; w++) {
            double vn = Vectors.norm(add[w]);
            if (config.scaling() == Scaling.ABSOLUTE) {
              add[w] = Vectors.scale(add[w], config.alpha());
            } else {
              double target = config.alpha() * Vectors.norm(Vectors.of(r.cache().vector(point, u.pos()[w])));
              add[w] = vn > 0 ? Vectors.scale(add[w], target / vn) : new double[add[w].length];
            }
            n[li][w] = Vectors.norm(add[w]);
          }
          steered.add(request(u, point, add));
          for (int d = 0; d < config.noiseDraws(); d++) {
            Well19937c rng = new Well19937c(new int[] {(int) config.seed(), (int) (config.seed() >>> 32), index, l, d});
            double[][] noise = new double[2][];
            for (int w = 0; w < 2; w++) {
              noise[w] = n[li][w] > 0 ? Vectors.randomWithNorm(add[w].length, n[li][w], rng) : new double[add[w].length];
            }
            steered.add(request(u, point, noise));
          }
        }
        norms.add(n);
      }
      List<RunResult> results = batched(steered);
      List<Sample> out = new ArrayList<>();
      int k = 0;
      for (int g = 0; g < group.size(); g++) {
        Unit u = group.get(g);
        List<Steered> st = new ArrayList<>();
        for (int li = 0; li < layers.size(); li++) {
          RunResult idRun = results.get(k++);
          List<Double> noiseMargins = new ArrayList<>();
          for (int d = 0; d < config.noiseDraws(); d++) {
            RunResult r = results.get(k++);
            noiseMargins.add(r.logProb(u.earlier()) - r.logProb(u.later()));
          }
          st.add(new Steered(layers.get(li), idRun.logProb(u.earlier()) - idRun.logProb(u.later()), noiseMargins,
              List.of(norms.get(g)[li][0], norms.get(g)[li][1])));
        }
        out.add(new Sample(u.entry().id(), u.entry().source(), u.earlier(), u.later(), u.entry().answer(), margins[g],
            margins[g] > 0, st));
      }
      return out;
    }

    private RunRequest request(Unit u, HookPoint point, double[][] add) {
      RunSpec.Builder b = RunSpec.builder().readWords(u.earlier(), u.later()).logits(RunSpec.LogitsMode.NONE);
      for (int w = 0; w < 2; w++) {
        b.intervene(Intervention.add(point, Positions.of(u.pos()[w]), Vectors.toFloat(add[w])));
      }
      return RunRequest.of(u.x(), b.build());
    }

    private List<RunResult> batched(List<RunRequest> requests) {
      List<RunResult> out = new ArrayList<>();
      for (int from = 0; from < requests.size(); from += batchSize) {
        out.addAll(vlm.runAll(requests.subList(from, Math.min(requests.size(), from + batchSize))));
      }
      return out;
    }

    @Override
    public RealVideoSteerResult aggregate(List<Sample> samples, Provenance provenance) {
      int labelled = 0;
      int correct = 0;
      for (Sample s : samples) {
        if (s.answer() != null) {
          labelled++;
          String said = s.margin() > 0 ? s.earlier() : s.margin() < 0 ? s.later() : null;
          correct += s.answer().equals(said) ? 1 : 0;
        }
      }
      List<LayerFlips> perLayer = FlipRates.perLayer(layers, samples.stream().map(Sample::margin).toList(),
          samples.stream().map(Sample::layers).toList(), config.bootstrapResamples(), config.confidence(),
          config.seed());
      List<String> warnings = new ArrayList<>();
      if (!ids.model().equals(vlm.name())) {
        warnings.add("the temporal IDs come from model '" + ids.model() + "', not the steered '" + vlm.name() + "'");
      }
      if (samples.size() < 10) {
        warnings.add("only " + samples.size() + " videos: the intervals are wide");
      }
      return new RealVideoSteerResult(vlm.name(), ids.model(), frames(), layers, config, samples.size(), labelled,
          labelled == 0 ? Double.NaN : (double) correct / labelled, perLayer, warnings, samples, provenance);
    }
  }
}
