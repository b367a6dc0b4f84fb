package io.github.vlmlens.spatial.steer;

import com.google.common.hash.Hasher;
import com.google.common.hash.Hashing;
import io.github.vlmlens.core.ActivationCache;
import io.github.vlmlens.core.GenerateSpec;
import io.github.vlmlens.core.HookPoint;
import io.github.vlmlens.core.HookedVlm;
import io.github.vlmlens.core.Intervention;
import io.github.vlmlens.core.Positions;
import io.github.vlmlens.core.PromptFormat;
import io.github.vlmlens.core.RgbImage;
import io.github.vlmlens.core.RunRequest;
import io.github.vlmlens.core.RunResult;
import io.github.vlmlens.core.RunSpec;
import io.github.vlmlens.core.Tokenization;
import io.github.vlmlens.core.VlmInput;
import io.github.vlmlens.core.analysis.ExperimentPlan;
import io.github.vlmlens.core.analysis.Provenance;
import io.github.vlmlens.core.analysis.RunJournal;
import io.github.vlmlens.core.analysis.Vectors;
import io.github.vlmlens.spatial.ids.ObjectPair;
import io.github.vlmlens.spatial.ids.SpatialIds;
import io.github.vlmlens.spatial.ids.internal.ModelLayers;
import io.github.vlmlens.spatial.scene.GridCell;
import io.github.vlmlens.spatial.scene.GridSpec;
import io.github.vlmlens.spatial.scene.ObjectLibrary;
import io.github.vlmlens.spatial.scene.Placement;
import io.github.vlmlens.spatial.scene.QuestionAxis;
import io.github.vlmlens.spatial.scene.SceneObject;
import io.github.vlmlens.spatial.scene.SpatialQuestion;
import io.github.vlmlens.spatial.scene.internal.Seeds;
import io.github.vlmlens.spatial.steer.internal.SteerPlan;
import io.github.vlmlens.spatial.steer.internal.SteeringVectors;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * A steering experiment as a plan of core's {@link io.github.vlmlens.core.analysis.ExperimentEngine}:
 * a sample is one scene. Per scene: one unsteered run reads the two answer words and captures
 * {@code lm.L.resid_post} at every position for every layer steered; then, per layer, each steered
 * run resumes from that cache at layer {@code L} ({@link RunSpec.Builder#resumeFrom}) with its
 * {@code add} (or, for the oracle, {@code replace}) at the object words' last sub-tokens, sent in
 * batches of the batch size. Scenes do not share batches: the engine hands them over one by one.
 */
final class SteeringPlan implements ExperimentPlan<SteerPlan, SteeringResult.Sample, SteeringResult> {
  /** The experiment's kind in a run directory. */
  public static final String EXPERIMENT = "spatial-steering";

  private final HookedVlm vlm;
  private final SpatialIds ids;
  private final SteerConfig config;
  private final ObjectLibrary library;
  private final int batchSize;
  private final List<Integer> layers;
  private final List<ObjectPair> pairs;
  private final GridSpec grid;

  private final SteeringMode mode;
  private final List<SteerPlan> scenes;
  private final Map<String, String> fingerprints;

  /**
   * A plan that checks the IDs, layers and pairs; {@link #withMode} gives the one to run.
   *
   * @throws IllegalArgumentException when the IDs do not fit the model (hidden size), a layer is
   *     not held by the IDs or not a hook point of the model, or a pair's objects are not in the
   *     library
   */
  public SteeringPlan(HookedVlm vlm, SpatialIds ids, SteerConfig config, ObjectLibrary library, int batchSize) {
    this.vlm = vlm;
    this.ids = ids;
    this.config = config;
    this.library = library;
    this.batchSize = batchSize;
    this.grid = ids.grid();
    this.mode = null;
    this.scenes = List.of();
    this.fingerprints = Map.of();
    if (ids.hiddenSize() != vlm.hiddenSize()) {
      throw new IllegalArgumentException(
          "the IDs of '" + ids.model() + "' have width " + ids.hiddenSize() + " but model '" + vlm.name()
              + "' has hidden size " + vlm.hiddenSize());
    }
    List<Integer> wanted = config.layers().isEmpty() ? ids.layers() : config.layers();
    List<Integer> missing = new ArrayList<>();
    for (int l : wanted) {
      if (!ids.hasLayer(l)) {
        missing.add(l);
      }
    }
    if (!missing.isEmpty()) {
      throw new IllegalArgumentException(
          "layer(s) " + missing + " are not held by the IDs of '" + ids.model() + "' (held: " + ids.layers() + ")");
    }
    this.layers = ModelLayers.resolve(vlm, wanted);
    this.pairs = config.pairs().isEmpty() ? ids.pairs() : config.pairs();
    if (pairs.isEmpty()) {
      throw new IllegalArgumentException(
          "the IDs hold no object pairs: name the pairs to show in the steering config");
    }
    for (ObjectPair p : pairs) {
      library.get(p.a());
      library.get(p.b());
    }
    if (config.arbitraryRow() >= grid.gridSize() || config.arbitraryColumn() >= grid.gridSize()) {
      throw new IllegalArgumentException(
          "the arbitrary-steering A cell (" + config.arbitraryRow() + ", " + config.arbitraryColumn()
              + ") is outside the " + grid.gridSize() + " x " + grid.gridSize() + " grid of the IDs");
    }
  }

  /** The layers steered. */
  public List<Integer> layers() {
    return layers;
  }

  /** A's cell for arbitrary steering. */
  public GridCell arbitraryCell() {
    int d = (grid.gridSize() - 1) / 2;
    return GridCell.of(config.arbitraryRow() < 0 ? d : config.arbitraryRow(),
        config.arbitraryColumn() < 0 ? d : config.arbitraryColumn());
  }

  private SteeringPlan(SteeringPlan p, SteeringMode mode) {
    this.vlm = p.vlm;
    this.ids = p.ids;
    this.config = p.config;
    this.library = p.library;
    this.batchSize = p.batchSize;
    this.grid = p.grid;
    this.layers = p.layers;
    this.pairs = p.pairs;
    this.mode = mode;
    this.scenes = plan(mode);
    Map<String, String> fps = new LinkedHashMap<>();
    PromptFormat format = vlm.promptFormat();
    for (SteerPlan s : scenes) {
      // Renders each scene once to fingerprint it and to check that its object words are in the
      // prompt before the first forward pass; the image is not kept.
      VlmInput input = s.input(format);
      Tokenization t = vlm.tokenize(input);
      t.lastSubToken(s.question().objectWords().get(0));
      t.lastSubToken(s.question().objectWords().get(1));
      fps.put(s.id(), fingerprint(s, input));
    }
    this.fingerprints = fps;
  }

  /**
   * The plan of one experiment.
   *
   * @throws IllegalArgumentException when no scene has an answer, an object word is missing from
   *     a prompt, or (for {@link SteeringMode#ORACLE}) the IDs lack a pair's centring means
   */
  public SteeringPlan withMode(SteeringMode mode) {
    return new SteeringPlan(this, mode);
  }

  /** A hash of the mode, config, layers, IDs and arbitrary cell (the result's {@code configHash}). */
  public String configHash() {
    return RunJournal.hash("vlmlens steering 2", mode, config, layers, ids.fingerprint(), arbitraryCell().toString());
  }

  @Override
  public String experiment() {
    return EXPERIMENT;
  }

  @Override
  public Object configuration() {
    Map<String, Object> c = new LinkedHashMap<>();
    c.put("mode", mode);
    c.put("config", config);
    c.put("layers", layers);
    c.put("idsFingerprint", ids.fingerprint());
    c.put("arbitraryCell", arbitraryCell().toString());
    return c;
  }

  @Override
  public Map<String, Long> seeds() {
    return Map.of("seed", config.seed());
  }

  @Override
  public List<SteerPlan> units() {
    if (mode == null) {
      throw new IllegalStateException("no mode: use withMode");
    }
    return scenes;
  }

  @Override
  public String id(SteerPlan scene) {
    return scene.id();
  }

  @Override
  public String fingerprint(SteerPlan scene) {
    return fingerprints.get(scene.id());
  }

  @Override
  public boolean unitsShareBatches() {
    return false;
  }

  @Override
  public Class<SteeringResult.Sample> recordType() {
    return SteeringResult.Sample.class;
  }

  @Override
  public List<SteeringResult.Sample> run(List<SteerPlan> group) {
    List<SteeringResult.Sample> out = new ArrayList<>(group.size());
    for (SteerPlan s : group) {
      out.add(runScene(mode, s, fingerprints.get(s.id())));
    }
    return out;
  }

  @Override
  public SteeringResult aggregate(List<SteeringResult.Sample> records, Provenance provenance) {
    return SteerAggregator.aggregate(
        vlm.name(), mode, config, configHash(), ids.fingerprint(), layers, grid.gridSize(), arbitraryCell(), records,
        provenance);
  }

  /** The scenes of a mode, per axis in config order. */
  List<SteerPlan> plan(SteeringMode mode) {
    List<SteerPlan> out = new ArrayList<>();
    for (QuestionAxis axis : config.axes()) {
      List<Object[]> candidates = new ArrayList<>();
      for (ObjectPair pair : pairs) {
        if (mode == SteeringMode.ORACLE && !ids.hasCentringMeans(pair)) {
          throw new IllegalArgumentException(
              "oracle injection needs the centring means of " + pair + ", which the IDs of '" + ids.model()
                  + "' do not hold (they hold them for " + ids.pairs().stream().filter(ids::hasCentringMeans).toList()
                  + "); extract IDs for this pair or steer other pairs");
        }
        SceneObject a = library.get(pair.a());
        SceneObject b = library.get(pair.b());
        List<Placement> ps = mode == SteeringMode.ARBITRARY
            ? Placement.enumerateForCell(grid, a, b, arbitraryCell())
            : Placement.enumerateAll(grid, a, b);
        for (Placement p : ps) {
          if (p.isDefined(axis)) {
            candidates.add(new Object[] {pair, p});
          }
        }
      }
      Random r = Seeds.stream(config.seed(), 1000 + axis.ordinal());
      Seeds.shuffle(candidates, r);
      String prefix = axis == QuestionAxis.HORIZONTAL ? "h-" : "v-";
      for (int i = 0; i < Math.min(config.samplesPerAxis(), candidates.size()); i++) {
        ObjectPair pair = (ObjectPair) candidates.get(i)[0];
        Placement p = (Placement) candidates.get(i)[1];
        SpatialQuestion q = axis == QuestionAxis.HORIZONTAL ? SpatialQuestion.leftRight(p) : SpatialQuestion.aboveBelow(p);
        out.add(new SteerPlan(
            prefix + String.format(Locale.ROOT, "%04d", i), pair, p, q,
            config.answerForm().apply(q.answers().get(0)), config.answerForm().apply(q.answers().get(1)),
            config.answerForm().apply(q.correctAnswer().orElseThrow())));
      }
    }
    if (out.isEmpty()) {
      throw new IllegalArgumentException("no scene has a defined answer for " + config.axes());
    }
    return out;
  }

  private SteeringResult.Sample runScene(SteeringMode mode, SteerPlan s, String fingerprint) {
    VlmInput input = s.input(vlm.promptFormat());
    Tokenization t = vlm.tokenize(input);
    int bPos = t.lastSubToken(s.question().objectWords().get(0));
    int aPos = t.lastSubToken(s.question().objectWords().get(1));
    RunSpec.Builder base = RunSpec.builder().readWords(s.first(), s.second()).logits(RunSpec.LogitsMode.NONE);
    for (int l : layers) {
      base.capture(HookPoint.lmResid(l));
    }
    RunResult r0 = vlm.run(input, base.build());
    double belief0 = r0.logProb(s.first()) - r0.logProb(s.second());
    ActivationCache cache = r0.cache();
    QuestionAxis axis = s.question().axis();
    GridCell bCell = s.placement().b().cell();
    GridCell aCell = s.placement().a().cell();
    int hidden = vlm.hiddenSize();
    List<RunRequest> requests = new ArrayList<>();
    List<SteeringResult.Readout> meta = new ArrayList<>();
    for (int l : layers) {
      HookPoint hp = HookPoint.lmResid(l);
      double nB = Vectors.norm(Vectors.of(cache.vector(hp, bPos)));
      double nA = Vectors.norm(Vectors.of(cache.vector(hp, aPos)));
      switch (mode) {
        case ADVERSARIAL:
        case CROSS_AXIS: {
          boolean bToEnd = belief0 >= 0; // believed left (above): push B right (down), A left (up)
          double[] vB = scale(SteeringVectors.push(ids, l, bCell, axis, bToEnd), nB);
          double[] vA = scale(SteeringVectors.push(ids, l, aCell, axis, !bToEnd), nA);
          add(requests, meta, s, input, cache, l, "ids", -1, -1, bPos, vB, aPos, vA);
          if (mode == SteeringMode.ADVERSARIAL) {
            double[] nb = SteeringVectors.noise(hidden, Vectors.norm(vB), config.seed(), s.id(), l, 0);
            double[] na = SteeringVectors.noise(hidden, Vectors.norm(vA), config.seed(), s.id(), l, 1);
            add(requests, meta, s, input, cache, l, "noise", -1, -1, bPos, nb, aPos, na);
          } else {
            QuestionAxis other = axis == QuestionAxis.HORIZONTAL ? QuestionAxis.VERTICAL : QuestionAxis.HORIZONTAL;
            double[] cB = scale(SteeringVectors.push(ids, l, bCell, other, true), nB);
            double[] cA = scale(SteeringVectors.push(ids, l, aCell, other, false), nA);
            add(requests, meta, s, input, cache, l, "cross", -1, -1, bPos, cB, aPos, cA);
          }
          break;
        }
        case ARBITRARY:
          for (GridCell target : grid.cells()) {
            double[] v = scale(SteeringVectors.move(ids, l, bCell, target), nB);
            add(requests, meta, s, input, cache, l, "target", target.row(), target.column(), bPos, v, -1, null);
          }
          break;
        case ORACLE: {
          double[] mean = Vectors.of(ids.centringMean(s.pair(), aCell, l));
          double[] oracle = Vectors.add(mean, Vectors.of(ids.id(l, bCell)));
          replace(requests, meta, s, input, cache, l, "oracle", bPos, oracle);
          replace(requests, meta, s, input, cache, l, "mean-only", bPos, mean);
          break;
        }
        default:
          throw new AssertionError(mode);
      }
    }
    List<SteeringResult.Readout> readouts = new ArrayList<>();
    for (int start = 0; start < requests.size(); start += batchSize) {
      int end = Math.min(requests.size(), start + batchSize);
      List<RunResult> rs = vlm.runAll(requests.subList(start, end));
      if (rs.size() != end - start) {
        throw new IllegalStateException(
            "model '" + vlm.name() + "' returned " + rs.size() + " results for " + (end - start) + " requests");
      }
      for (int i = start; i < end; i++) {
        RunResult r = rs.get(i - start);
        SteeringResult.Readout m = meta.get(i);
        readouts.add(new SteeringResult.Readout(m.layer(), m.kind(), m.targetRow(), m.targetColumn(),
            r.logProb(s.first()) - r.logProb(s.second()), m.normB(), m.normA()));
      }
    }
    if (config.judgesByGeneration()) {
      readouts.addAll(generatedReadouts(s, input, requests, meta));
    }
    Placement p = s.placement();
    return new SteeringResult.Sample(
        s.id(), axis, s.pair().a(), s.pair().b(), aCell.row(), aCell.column(), bCell.row(), bCell.column(),
        p.sizeIndex(), s.first(), s.second(), s.correct(), fingerprint, belief0, readouts);
  }

  /** The kind of the readout holding the unsteered generated answer (at layer -1). */
  public static final String GENERATED_BASELINE = "generated-baseline";
  /** The suffix of a readout kind judged by the generated answer. */
  public static final String GENERATED = "+gen";

  /**
   * The scene judged by the generated answer: unsteered, then under each request's interventions
   * (steering left on while the model answers); each belief is +1 (the first answer word comes
   * first in the text), -1 (the second) or 0 (neither).
   */
  private List<SteeringResult.Readout> generatedReadouts(
      SteerPlan s, VlmInput input, List<RunRequest> requests, List<SteeringResult.Readout> meta) {
    List<SteeringResult.Readout> out = new ArrayList<>();
    GenerateSpec plain = GenerateSpec.builder().maxNewTokens(config.generationTokens()).build();
    out.add(new SteeringResult.Readout(
        -1, GENERATED_BASELINE, -1, -1, judge(vlm.generate(input, plain).text(), s.first(), s.second()), 0, 0));
    for (int i = 0; i < requests.size(); i++) {
      GenerateSpec.Builder g = GenerateSpec.builder().maxNewTokens(config.generationTokens());
      for (Intervention iv : requests.get(i).spec().interventions()) {
        g.intervene(iv);
      }
      SteeringResult.Readout m = meta.get(i);
      double belief = judge(vlm.generate(input, g.build()).text(), s.first(), s.second());
      out.add(new SteeringResult.Readout(
          m.layer(), m.kind() + GENERATED, m.targetRow(), m.targetColumn(), belief, m.normB(), m.normA()));
    }
    return out;
  }

  /**
   * Which answer a generated text gives: +1 when the first answer word occurs (as a word, ignoring
   * case) before the second, -1 when the second comes first, 0 when neither occurs.
   */
  public static double judge(String text, String first, String second) {
    int a = wordAt(text, first);
    int b = wordAt(text, second);
    if (a < 0 && b < 0) {
      return 0;
    }
    if (b < 0 || (a >= 0 && a < b)) {
      return 1;
    }
    return -1;
  }

  private static int wordAt(String text, String word) {
    java.util.regex.Matcher m =
        java.util.regex.Pattern.compile(
                "(?<![\\p{L}\\p{N}])" + java.util.regex.Pattern.quote(word) + "(?![\\p{L}\\p{N}])",
                java.util.regex.Pattern.CASE_INSENSITIVE | java.util.regex.Pattern.UNICODE_CASE)
            .matcher(text);
    return m.find() ? m.start() : -1;
  }

  private double[] scale(double[] direction, double activationNorm) {
    return SteeringVectors.scaled(direction, config.scaleMode() == ScaleMode.NORM_RELATIVE, config.scale(), activationNorm);
  }

  private void add(
      List<RunRequest> requests, List<SteeringResult.Readout> meta, SteerPlan s, VlmInput input, ActivationCache cache,
      int layer, String kind, int row, int column, int bPos, double[] vB, int aPos, double[] vA) {
    HookPoint hp = HookPoint.lmResid(layer);
    RunSpec.Builder b = RunSpec.builder().resumeFrom(cache, layer)
        .intervene(Intervention.add(hp, Positions.of(bPos), Vectors.toFloat(vB)));
    if (vA != null) {
      b.intervene(Intervention.add(hp, Positions.of(aPos), Vectors.toFloat(vA)));
    }
    requests.add(RunRequest.of(input, b.readWords(s.first(), s.second()).logits(RunSpec.LogitsMode.NONE).build()));
    meta.add(new SteeringResult.Readout(layer, kind, row, column, Double.NaN, Vectors.norm(vB),
        vA == null ? 0 : Vectors.norm(vA)));
  }

  private void replace(
      List<RunRequest> requests, List<SteeringResult.Readout> meta, SteerPlan s, VlmInput input, ActivationCache cache,
      int layer, String kind, int bPos, double[] v) {
    HookPoint hp = HookPoint.lmResid(layer);
    RunSpec spec = RunSpec.builder().resumeFrom(cache, layer)
        .intervene(Intervention.replace(hp, Positions.of(bPos), Vectors.toFloat(v)))
        .readWords(s.first(), s.second()).logits(RunSpec.LogitsMode.NONE).build();
    requests.add(RunRequest.of(input, spec));
    meta.add(new SteeringResult.Readout(layer, kind, -1, -1, Double.NaN, Vectors.norm(v), 0));
  }

  private static String fingerprint(SteerPlan p, VlmInput input) {
    Hasher h = Hashing.sha256().newHasher();
    h.putString(p.id(), StandardCharsets.UTF_8).putString(input.prompt(), StandardCharsets.UTF_8);
    h.putString(p.first() + "|" + p.second() + "|" + p.correct(), StandardCharsets.UTF_8);
    for (RgbImage img : input.images()) {
      h.putInt(img.width()).putInt(img.height());
      for (int px : img.pixels()) {
        h.putInt(px);
      }
    }
    return h.hash().toString().substring(0, 32);
  }
}
