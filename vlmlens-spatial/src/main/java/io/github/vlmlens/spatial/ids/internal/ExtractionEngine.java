package io.github.vlmlens.spatial.ids.internal;

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
import io.github.vlmlens.core.Tokenization;
import io.github.vlmlens.core.VlmInput;
import io.github.vlmlens.core.analysis.RunJournal;
import io.github.vlmlens.core.analysis.TaskProgress;
import io.github.vlmlens.spatial.ids.ExtractedIds;
import io.github.vlmlens.spatial.ids.IdConfig;
import io.github.vlmlens.spatial.ids.IdExtractionResult;
import io.github.vlmlens.spatial.ids.IdReport;
import io.github.vlmlens.spatial.ids.ObjectPair;
import io.github.vlmlens.spatial.ids.SpatialIds;
import io.github.vlmlens.spatial.scene.GridCell;
import io.github.vlmlens.spatial.scene.GridSpec;
import io.github.vlmlens.spatial.scene.ObjectLibrary;
import io.github.vlmlens.spatial.scene.Placement;
import io.github.vlmlens.spatial.scene.QuestionAxis;
import io.github.vlmlens.spatial.scene.SceneObject;
import io.github.vlmlens.spatial.scene.SpatialQuestion;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The runs of a spatial-ID extraction. Per unit (a pair with A in one cell): every placement's
 * image is rendered, the spatial question (and, when asked, the plain prompt) is tokenized once
 * (every input of a unit has the same prompt and image size, so the same positions), and one run
 * per placement captures {@code lm.L.resid_post} at B's last sub-token for every layer read, with
 * no readouts (so a backend can stop after the deepest layer read); runs are sent in batches.
 */
public final class ExtractionEngine {
  /** The experiment's kind in a run directory. */
  public static final String EXPERIMENT = "spatial-ids";

  /** The journal file of finished units. */
  public static final String UNITS_FILE = "units.jsonl";
  /** The result file. */
  public static final String RESULT_FILE = "result.json";
  /** The report file. */
  public static final String REPORT_FILE = "report.html";

  private final HookedVlm vlm;
  private final IdConfig config;
  private final ObjectLibrary library;
  private final int batchSize;
  private final boolean progressBar;
  private final List<Integer> layers;
  private final GridSpec grid;

  /**
   * An engine.
   *
   * @throws IllegalArgumentException for a layer the model does not have, or a pair whose objects
   *     are not in the library
   */
  public ExtractionEngine(
      HookedVlm vlm, IdConfig config, ObjectLibrary library, int batchSize, boolean progressBar) {
    this.vlm = vlm;
    this.config = config;
    this.library = library;
    this.batchSize = batchSize;
    this.progressBar = progressBar;
    this.layers = resolveLayers(vlm, config.layers());
    this.grid = config.grid();
    for (ObjectPair p : config.pairs()) {
      library.get(p.a());
      library.get(p.b());
    }
  }

  /**
   * The configured layers checked against the model, or {@code 0..N} when none are given.
   *
   * @throws IllegalArgumentException naming the layers the model does not have
   */
  public static List<Integer> resolveLayers(HookedVlm vlm, List<Integer> configured) {
    int n = vlm.numLayers();
    List<Integer> out = new ArrayList<>();
    if (configured.isEmpty()) {
      for (int l = 0; l <= n; l++) {
        out.add(l);
      }
    } else {
      out.addAll(configured);
    }
    List<HookPoint> points = vlm.hookPoints();
    List<Integer> bad = new ArrayList<>();
    for (int l : out) {
      if (l > n || !points.contains(HookPoint.lmResid(l))) {
        bad.add(l);
      }
    }
    if (!bad.isEmpty()) {
      throw new IllegalArgumentException(
          "layer(s) " + bad + " are not residual hook points of model '" + vlm.name() + "' (layers 0.." + n
              + "; layer 0 is the embedding output, layer L the output of decoder block L)");
    }
    return List.copyOf(out);
  }

  /** The layers read. */
  public List<Integer> layers() {
    return layers;
  }

  /** Runs (or resumes) the extraction and analyses it; writes the outputs when {@code outDir} is given. */
  public ExtractedIds run(Path outDir) {
    List<UnitPlan> plans = plan();
    Map<Integer, String[]> prompts = checkPrompts(plans);
    String hash = RunJournal.hash("vlmlens spatial IDs 2", config, layers, vlm.hiddenSize());
    int hidden = vlm.hiddenSize();
    RunJournal<UnitRecord> journal = null;
    UnitStore store;
    int done = 0;
    try {
      if (outDir != null) {
        Map<String, Object> header = new LinkedHashMap<>();
        header.put("analysis", "spatial IDs");
        header.put("model", vlm.name());
        header.put("layers", layers);
        header.put("config", config);
        journal = RunJournal.open(vlm, outDir, EXPERIMENT, UNITS_FILE, hash, header, UnitRecord.class);
        store = UnitStore.disk(outDir, layers.size(), hidden);
        List<UnitRecord> finished = journal.done();
        if (finished.size() > plans.size()) {
          throw new IllegalStateException(
              outDir + " holds " + finished.size() + " finished units but this run has only " + plans.size());
        }
        for (int i = 0; i < finished.size(); i++) {
          UnitRecord r = finished.get(i);
          UnitPlan u = plans.get(i);
          String fp = fingerprint(u, render(u), prompts.get(u.pairIndex()));
          if (r.index() != i || !r.fingerprint().equals(fp)) {
            throw new IllegalStateException(
                outDir + ": finished unit " + i + " (" + r.b() + "|" + r.a() + ", A in (" + r.aRow() + ", "
                    + r.aColumn() + ")) does not match this run's unit " + i + " (" + u.pair() + ", A in "
                    + u.aCell() + "): the scenes or prompts changed; use another directory");
          }
          store.register(i, r);
        }
        done = finished.size();
      } else {
        store = UnitStore.memory();
      }
      try (TaskProgress progress =
          TaskProgress.start(progressBar, "spatial IDs on " + vlm.name(), plans.size(), done)) {
        for (int i = done; i < plans.size(); i++) {
          UnitPlan u = plans.get(i);
          List<RgbImage> images = render(u);
          String[] p = prompts.get(u.pairIndex());
          UnitData data = new UnitData(
              runPrompt(images, p[0], p[2]), config.plainPrompts() ? runPrompt(images, p[1], p[2]) : null);
          UnitStore.Stored stored = store.put(i, data);
          if (journal != null) {
            UnitRecord rec = new UnitRecord(
                i, u.pair().a(), u.pair().b(), u.aCell().row(), u.aCell().column(), u.placements().size(),
                config.plainPrompts(), fingerprint(u, images, p), stored.file(), stored.crc());
            journal.append(rec);
            store.register(i, rec);
          }
          progress.step();
        }
      }
      IdAnalysis.Outcome out = IdAnalysis.analyse(
          vlm.name(), grid, hidden, layers, config.pairs(), plans, store, config.normalisation(),
          config.plainPrompts(), config.shuffles(), config.permutations(), config.seed());
      IdExtractionResult result = new IdExtractionResult(
          vlm.name(), vlm.numLayers(), hidden, layers, config, hash,
          plans.stream().mapToInt(u -> u.placements().size()).sum(), out.geometry(), out.bestLayer(),
          out.spatialScatter(), out.plainScatter(), out.ids().fingerprint(), vlm.info().fingerprint(), null, null);
      if (outDir != null) {
        out.ids().save(outDir.resolve(SpatialIds.FILE_NAME));
        IdReport.writeAll(result, outDir);
      }
      return ExtractedIds.of(out.ids(), result);
    } finally {
      if (journal != null) {
        journal.close();
      }
    }
  }

  private List<UnitPlan> plan() {
    List<UnitPlan> plans = new ArrayList<>();
    for (int p = 0; p < config.pairs().size(); p++) {
      ObjectPair pair = config.pairs().get(p);
      SceneObject a = library.get(pair.a());
      SceneObject b = library.get(pair.b());
      for (GridCell aCell : grid.cells()) {
        plans.add(new UnitPlan(plans.size(), p, pair, aCell, Placement.enumerateForCell(grid, a, b, aCell)));
      }
    }
    return plans;
  }

  /**
   * Per pair: the spatial question, the plain prompt and B's word; each prompt is tokenized once
   * here, so a missing object word fails before the first forward pass.
   */
  private Map<Integer, String[]> checkPrompts(List<UnitPlan> plans) {
    Map<Integer, String[]> out = new LinkedHashMap<>();
    PromptFormat format = vlm.promptFormat();
    for (UnitPlan u : plans) {
      if (out.containsKey(u.pairIndex())) {
        continue;
      }
      Placement first = u.placements().get(0);
      SpatialQuestion q = config.question() == QuestionAxis.HORIZONTAL
          ? SpatialQuestion.leftRight(first)
          : SpatialQuestion.aboveBelow(first);
      String plain = SpatialQuestion.presence(first).text();
      String word = q.subject();
      RgbImage img = first.render();
      position(format.input(img, q.text()), word);
      if (config.plainPrompts()) {
        position(format.input(img, plain), word);
      }
      out.put(u.pairIndex(), new String[] {q.text(), plain, word});
    }
    return out;
  }

  private int position(VlmInput input, String word) {
    Tokenization t = vlm.tokenize(input);
    return t.lastSubToken(word);
  }

  private static List<RgbImage> render(UnitPlan u) {
    List<RgbImage> out = new ArrayList<>(u.placements().size());
    for (Placement p : u.placements()) {
      out.add(p.render());
    }
    return out;
  }

  /** B's vectors at every layer read for each image under one question: {@code [image][layer][hidden]}. */
  private float[][][] runPrompt(List<RgbImage> images, String question, String word) {
    PromptFormat format = vlm.promptFormat();
    List<VlmInput> inputs = new ArrayList<>(images.size());
    for (RgbImage img : images) {
      inputs.add(format.input(img, question));
    }
    int pos = position(inputs.get(0), word);
    RunSpec.Builder sb = RunSpec.builder().logits(RunSpec.LogitsMode.NONE);
    for (int l : layers) {
      sb.capture(HookPoint.lmResid(l), Positions.of(pos));
    }
    RunSpec spec = sb.build();
    int hidden = vlm.hiddenSize();
    float[][][] out = new float[inputs.size()][][];
    for (int start = 0; start < inputs.size(); start += batchSize) {
      int end = Math.min(inputs.size(), start + batchSize);
      List<RunRequest> batch = new ArrayList<>(end - start);
      for (int i = start; i < end; i++) {
        batch.add(RunRequest.of(inputs.get(i), spec));
      }
      List<RunResult> results = vlm.runAll(batch);
      if (results.size() != batch.size()) {
        throw new IllegalStateException(
            "model '" + vlm.name() + "' returned " + results.size() + " results for " + batch.size() + " requests");
      }
      for (int i = start; i < end; i++) {
        RunResult r = results.get(i - start);
        float[][] perLayer = new float[layers.size()][];
        for (int l = 0; l < layers.size(); l++) {
          perLayer[l] = r.cache().vector(HookPoint.lmResid(layers.get(l)), pos);
          if (perLayer[l].length != hidden) {
            throw new IllegalStateException(
                "model '" + vlm.name() + "' returned a vector of width " + perLayer[l].length + " at "
                    + HookPoint.lmResid(layers.get(l)) + " but says its hidden size is " + hidden);
          }
        }
        out[i] = perLayer;
      }
    }
    return out;
  }

  private String fingerprint(UnitPlan u, List<RgbImage> images, String[] prompts) {
    Hasher h = Hashing.sha256().newHasher();
    h.putString(u.pair().toString(), StandardCharsets.UTF_8).putInt(u.aCell().row()).putInt(u.aCell().column());
    h.putString(prompts[0], StandardCharsets.UTF_8).putString(config.plainPrompts() ? prompts[1] : "",
        StandardCharsets.UTF_8);
    for (RgbImage img : images) {
      h.putInt(img.width()).putInt(img.height());
      for (int px : img.pixels()) {
        h.putInt(px);
      }
    }
    return h.hash().toString().substring(0, 32);
  }
}
