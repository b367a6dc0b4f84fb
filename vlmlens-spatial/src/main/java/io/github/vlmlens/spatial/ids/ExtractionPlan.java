package io.github.vlmlens.spatial.ids;

import com.google.common.hash.Hasher;
import com.google.common.hash.Hashing;
import io.github.vlmlens.core.HookPoint;
import io.github.vlmlens.core.HookedVlm;
import io.github.vlmlens.core.Positions;
import io.github.vlmlens.core.PromptFormat;
import io.github.vlmlens.core.RgbImage;
import io.github.vlmlens.core.RunRequest;
import io.github.vlmlens.core.RunResult;
import io.github.vlmlens.core.RunSpec;
import io.github.vlmlens.core.analysis.ExperimentPlan;
import io.github.vlmlens.core.analysis.Provenance;
import io.github.vlmlens.core.analysis.RunJournal;
import io.github.vlmlens.core.analysis.Vectors;
import io.github.vlmlens.spatial.ids.internal.ModelLayers;
import io.github.vlmlens.spatial.scene.GridCell;
import io.github.vlmlens.spatial.scene.GridSpec;
import io.github.vlmlens.spatial.scene.ObjectLibrary;
import io.github.vlmlens.spatial.scene.Placement;
import io.github.vlmlens.spatial.scene.QuestionAxis;
import io.github.vlmlens.spatial.scene.SceneObject;
import io.github.vlmlens.spatial.scene.SpatialQuestion;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A spatial-ID extraction as a plan of core's {@link io.github.vlmlens.core.analysis.ExperimentEngine}.
 * A sample is one placement (an object pair, A in one cell, B in another cell at one size); its run
 * captures {@code lm.L.resid_post} at B's last sub-token for every layer read, with no readouts
 * (so a backend can stop after the deepest layer read), under the spatial question and, when asked,
 * the plain prompt. Samples run in batches; their vectors are journaled as float32 and read back
 * unit by unit (a pair with A in one cell) by {@link IdAnalysis}.
 */
final class ExtractionPlan implements ExperimentPlan<ExtractionPlan.Sample, ExtractionPlan.Record, ExtractedIds> {
  /** The experiment's kind in a run directory. */
  public static final String EXPERIMENT = "spatial-ids";

  /**
   * One placement to run.
   *
   * @param unit the unit (pair and A cell) it belongs to
   * @param k its position among the unit's placements
   */
  public record Sample(UnitPlan unit, int k) {
    Placement placement() {
      return unit.placements().get(k);
    }
  }

  /**
   * A sample's vectors at every layer read, as float32 bytes ({@link Vectors#toBytes}).
   *
   * @param spatial under the spatial question, layer after layer
   * @param plain under the plain prompt, or {@code null} without plain prompts
   */
  public record Record(byte[] spatial, byte[] plain) {}

  /** Per pair: the two prompts, B's word and its positions in them. */
  private record Prompts(String question, String plain, int questionPos, int plainPos) {}

  private final HookedVlm vlm;
  private final IdConfig config;
  private final List<Integer> layers;
  private final GridSpec grid;
  private final List<UnitPlan> units;
  private final List<Sample> samples;
  private final List<Prompts> prompts;

  /**
   * A plan; renders one scene per pair and tokenizes its prompts, so a missing object word fails
   * before the first forward pass.
   *
   * @throws IllegalArgumentException for a layer the model does not have, a pair whose objects are
   *     not in the library, or an object word missing from a prompt
   */
  public ExtractionPlan(HookedVlm vlm, IdConfig config, ObjectLibrary library) {
    this.vlm = vlm;
    this.config = config;
    this.layers = ModelLayers.resolve(vlm, config.layers());
    this.grid = config.grid();
    List<UnitPlan> us = new ArrayList<>();
    for (int p = 0; p < config.pairs().size(); p++) {
      ObjectPair pair = config.pairs().get(p);
      SceneObject a = library.get(pair.a());
      SceneObject b = library.get(pair.b());
      for (GridCell aCell : grid.cells()) {
        us.add(new UnitPlan(us.size(), p, pair, aCell, Placement.enumerateForCell(grid, a, b, aCell)));
      }
    }
    this.units = List.copyOf(us);
    List<Sample> ss = new ArrayList<>();
    for (UnitPlan u : units) {
      for (int k = 0; k < u.placements().size(); k++) {
        ss.add(new Sample(u, k));
      }
    }
    this.samples = List.copyOf(ss);
    this.prompts = checkPrompts();
  }

  /** Checks that the layers exist on the model without building a plan. */
  public static void check(HookedVlm vlm, IdConfig config, ObjectLibrary library) {
    ModelLayers.resolve(vlm, config.layers());
    for (ObjectPair p : config.pairs()) {
      library.get(p.a());
      library.get(p.b());
    }
  }

  /** The layers read. */
  public List<Integer> layers() {
    return layers;
  }

  /** A hash of the config, the layers and the model's width (the result's {@code configHash}). */
  public String configHash() {
    return RunJournal.hash("vlmlens spatial IDs 2", config, layers, vlm.hiddenSize());
  }

  @Override
  public String experiment() {
    return EXPERIMENT;
  }

  @Override
  public Object configuration() {
    Map<String, Object> c = new LinkedHashMap<>();
    c.put("config", config);
    c.put("layers", layers);
    c.put("hiddenSize", vlm.hiddenSize());
    return c;
  }

  @Override
  public Map<String, Long> seeds() {
    return Map.of("seed", config.seed());
  }

  @Override
  public List<Sample> units() {
    return samples;
  }

  @Override
  public String id(Sample s) {
    UnitPlan u = s.unit();
    return String.format(Locale.ROOT, "%s|%s-a%d.%d-%03d", u.pair().b(), u.pair().a(), u.aCell().row(),
        u.aCell().column(), s.k());
  }

  @Override
  public String fingerprint(Sample s) {
    Prompts p = prompts.get(s.unit().pairIndex());
    Hasher h = Hashing.sha256().newHasher();
    h.putString(p.question(), StandardCharsets.UTF_8).putString(config.plainPrompts() ? p.plain() : "",
        StandardCharsets.UTF_8);
    RgbImage img = s.placement().render();
    h.putInt(img.width()).putInt(img.height());
    for (int px : img.pixels()) {
      h.putInt(px);
    }
    return h.hash().toString().substring(0, 32);
  }

  @Override
  public Class<Record> recordType() {
    return Record.class;
  }

  @Override
  public boolean largeRecords() {
    return true;
  }

  @Override
  public List<Record> run(List<Sample> group) {
    List<RgbImage> images = new ArrayList<>(group.size());
    for (Sample s : group) {
      images.add(s.placement().render());
    }
    List<byte[]> spatial = capture(group, images, false);
    List<byte[]> plain = config.plainPrompts() ? capture(group, images, true) : null;
    List<Record> out = new ArrayList<>(group.size());
    for (int i = 0; i < group.size(); i++) {
      out.add(new Record(spatial.get(i), plain == null ? null : plain.get(i)));
    }
    return out;
  }

  /** One batch: B's vectors at every layer read, under the spatial question or the plain prompt. */
  private List<byte[]> capture(List<Sample> group, List<RgbImage> images, boolean plain) {
    PromptFormat format = vlm.promptFormat();
    List<RunRequest> batch = new ArrayList<>(group.size());
    List<Integer> positions = new ArrayList<>(group.size());
    for (int i = 0; i < group.size(); i++) {
      Prompts p = prompts.get(group.get(i).unit().pairIndex());
      int pos = plain ? p.plainPos() : p.questionPos();
      RunSpec.Builder sb = RunSpec.builder().logits(RunSpec.LogitsMode.NONE);
      for (int l : layers) {
        sb.capture(HookPoint.lmResid(l), Positions.of(pos));
      }
      batch.add(RunRequest.of(format.input(images.get(i), plain ? p.plain() : p.question()), sb.build()));
      positions.add(pos);
    }
    List<RunResult> results = vlm.runAll(batch);
    if (results.size() != batch.size()) {
      throw new IllegalStateException(
          "model '" + vlm.name() + "' returned " + results.size() + " results for " + batch.size() + " requests");
    }
    int hidden = vlm.hiddenSize();
    List<byte[]> out = new ArrayList<>(batch.size());
    for (int i = 0; i < batch.size(); i++) {
      float[][] perLayer = new float[layers.size()][];
      for (int l = 0; l < layers.size(); l++) {
        HookPoint hp = HookPoint.lmResid(layers.get(l));
        perLayer[l] = results.get(i).cache().vector(hp, positions.get(i));
        if (perLayer[l].length != hidden) {
          throw new IllegalStateException(
              "model '" + vlm.name() + "' returned a vector of width " + perLayer[l].length + " at " + hp
                  + " but says its hidden size is " + hidden);
        }
      }
      out.add(Vectors.toBytes(perLayer));
    }
    return out;
  }

  @Override
  public ExtractedIds aggregate(List<Record> records, Provenance provenance) {
    int hidden = vlm.hiddenSize();
    int[] first = new int[units.size()];
    for (int u = 1; u < units.size(); u++) {
      first[u] = first[u - 1] + units.get(u - 1).placements().size();
    }
    IdAnalysis.Outcome out = IdAnalysis.analyse(
        vlm.name(), vlm.info().fingerprint(), grid, hidden, layers, config.pairs(), units, u -> unitData(records, first[u], units.get(u)),
        config.normalisation(), config.plainPrompts(), config.shuffles(), config.permutations(), config.seed());
    IdExtractionResult result = new IdExtractionResult(
        vlm.name(), vlm.numLayers(), hidden, layers, config, configHash(), samples.size(), out.geometry(),
        out.bestLayer(), out.spatialScatter(), out.plainScatter(), out.ids().fingerprint(), vlm.info().fingerprint(),
        null, null, provenance);
    return ExtractedIds.of(out.ids(), result);
  }

  /** A unit's vectors from its samples' records (read back from the journal when they are on disk). */
  private UnitData unitData(List<Record> records, int first, UnitPlan u) {
    int k = u.placements().size();
    float[][][] spatial = new float[k][][];
    float[][][] plain = config.plainPrompts() ? new float[k][][] : null;
    for (int i = 0; i < k; i++) {
      Record r = records.get(first + i);
      spatial[i] = Vectors.fromBytes(r.spatial(), layers.size());
      if (plain != null) {
        plain[i] = Vectors.fromBytes(r.plain(), layers.size());
      }
    }
    return new UnitData(spatial, plain);
  }

  /**
   * Per pair: the spatial question, the plain prompt and B's positions in them; each prompt is
   * tokenized once here (every placement of a pair has the same prompts and image size).
   */
  private List<Prompts> checkPrompts() {
    List<Prompts> out = new ArrayList<>();
    PromptFormat format = vlm.promptFormat();
    for (UnitPlan u : units) {
      if (u.pairIndex() < out.size()) {
        continue;
      }
      Placement first = u.placements().get(0);
      SpatialQuestion q = config.question() == QuestionAxis.HORIZONTAL
          ? SpatialQuestion.leftRight(first)
          : SpatialQuestion.aboveBelow(first);
      String plain = SpatialQuestion.presence(first).text();
      String word = q.subject();
      RgbImage img = first.render();
      int qPos = vlm.tokenize(format.input(img, q.text())).lastSubToken(word);
      int pPos = config.plainPrompts() ? vlm.tokenize(format.input(img, plain)).lastSubToken(word) : -1;
      out.add(new Prompts(q.text(), plain, qPos, pPos));
    }
    return List.copyOf(out);
  }
}
