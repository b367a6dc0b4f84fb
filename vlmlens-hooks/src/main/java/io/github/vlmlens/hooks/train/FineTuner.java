package io.github.vlmlens.hooks.train;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.vlmlens.core.API;
import io.github.vlmlens.core.HookPoint;
import io.github.vlmlens.core.HookedVlm;
import io.github.vlmlens.core.Tokenization;
import io.github.vlmlens.core.analysis.TaskProgress;
import io.github.vlmlens.hooks.ForwardTap;
import io.github.vlmlens.hooks.HookedVlms;
import io.github.vlmlens.hooks.LoadOptions;
import io.github.vlmlens.hooks.internal.io.SafetensorsCheckpoint;
import io.github.vlmlens.hooks.internal.io.SafetensorsWriter;
import io.github.vlmlens.hooks.internal.model.Architecture;
import io.github.vlmlens.hooks.internal.model.ArchitectureAccess;
import io.github.vlmlens.hooks.train.internal.AdamW;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * Fine-tunes a checkpoint of any family whose architecture exposes its parameters (LLaVA,
 * Qwen2-VL; others throw {@link UnsupportedOperationException} naming the family).
 *
 * <pre>{@code
 * FineTuneConfig cfg = FineTuneConfig.builder().steps(3200).learningRate(1e-5).warmupSteps(100)
 *     .trainable("visual\\.blocks\\.(2[4-9]|3[01])\\.mlp\\..*", "visual\\.merger\\..*")
 *     .spatialLoss(11, 1.0).evalEvery(800).checkpointEvery(400).build();
 * try (FineTuner t = FineTuner.open(Path.of("/models/Qwen2-VL-2B-Instruct"), LoadOptions.defaults(), cfg, out)) {
 *   FineTuneResult r = t.run(data, evaluation);
 * }
 * }</pre>
 *
 * <p>Each step runs the differentiable forward pass of the family (the same code every analysis
 * runs) on a batch, right-padded, with the answer appended after each prompt; the loss is the
 * answer token's cross-entropy plus, optionally, the spatial-ID loss read by a tap at
 * {@code lm.L.resid_post}. Only the chosen parameters require gradients: the others are never
 * touched. Each step's arrays live in a sub-manager closed at the end of the step, so memory stays
 * flat.
 *
 * <p>Checkpoints ({@code out/checkpoint-NNNNNN/}) hold the model in the Hugging Face layout
 * ({@code config.json}, {@code model.safetensors}, and every other file of the starting
 * checkpoint: tokenizer, processor settings, prompt template), so {@link HookedVlms#load} reads them
 * like any checkpoint, plus {@code trainer/} with the AdamW moments and the step, configuration
 * and history. A checkpoint is written in a temporary directory and renamed into place, then
 * {@code out/latest} is replaced the same way, so a kill at any moment leaves the previous
 * checkpoint whole. {@link #open} on a directory holding a run continues it from its latest
 * checkpoint (same configuration and starting checkpoint, else an error); as the batches are a
 * function of the step ({@link TrainingData}), the resumed run ends with the very weights of an
 * uninterrupted one.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.2.0")
public final class FineTuner implements AutoCloseable {
  /** The file in the output directory naming the newest checkpoint. */
  public static final String LATEST = "latest";
  /** The trainer's folder inside a checkpoint. */
  public static final String TRAINER_DIR = "trainer";
  private static final String STATE_FILE = "trainer_state.json";
  private static final String OPTIMIZER_FILE = "optimizer.safetensors";
  private static final JsonMapper JSON = JsonMapper.builder().build();

  private final Path init;
  private final Path out;
  private final FineTuneConfig config;
  private final HookedVlm vlm;
  private final Architecture arch;
  private final Map<String, NDArray> trainable;
  private final long trainableValues;
  private final AdamW optimizer;
  private final List<FineTuneResult.StepRecord> history = new ArrayList<>();
  private final List<FineTuneResult.EvalRecord> evaluations = new ArrayList<>();
  private int step;
  private Path lastCheckpoint;
  private Consumer<String> log = s -> {};
  private String progressTask;

  private FineTuner(Path init, Path out, FineTuneConfig config, HookedVlm vlm) {
    this.init = init;
    this.out = out;
    this.config = config;
    this.vlm = vlm;
    this.arch = ArchitectureAccess.of(vlm);
    Map<String, NDArray> chosen = new LinkedHashMap<>();
    long values = 0;
    for (var e : arch.parameters().entrySet()) {
      if (config.isTrainable(e.getKey())) {
        chosen.put(e.getKey(), e.getValue());
        values += e.getValue().getShape().size();
      }
    }
    if (chosen.isEmpty()) {
      List<String> names = new ArrayList<>(arch.parameters().keySet());
      throw new IllegalArgumentException(
          "no parameter matches the trainable patterns " + config.trainable() + "; names look like "
              + names.subList(0, Math.min(8, names.size())) + " (" + names.size() + " in all)");
    }
    if (config.maxTrainableParameters() > 0 && values > config.maxTrainableParameters()) {
      throw new IllegalArgumentException(String.format(Locale.ROOT,
          "the trainable patterns %s select %,d values, over the budget of %,d", config.trainable(), values,
          config.maxTrainableParameters()));
    }
    if (config.spatialLayer() > arch.numLayers()) {
      throw new IllegalArgumentException(
          "spatial layer " + config.spatialLayer() + " is past the last decoder block (" + arch.numLayers() + ")");
    }
    for (var e : arch.parameters().entrySet()) {
      e.getValue().setRequiresGradient(chosen.containsKey(e.getKey()));
    }
    this.trainable = chosen;
    this.trainableValues = values;
    this.optimizer = new AdamW(chosen, config.beta1(), config.beta2(), config.epsilon(), config.weightDecay());
  }

  /**
   * Opens a run: a fresh one from {@code init}, or, when {@code out} already holds a run
   * ({@code out/latest}), that run continued from its latest checkpoint.
   *
   * @param init the starting checkpoint directory (Hugging Face layout)
   * @param options device, dtype, evaluation batch size
   * @param out the run's directory (created if needed)
   * @throws IllegalStateException when {@code out} holds a run with another configuration or
   *     starting checkpoint
   * @throws UnsupportedOperationException when the family cannot be fine-tuned yet
   */
  public static FineTuner open(Path init, LoadOptions options, FineTuneConfig config, Path out) {
    Objects.requireNonNull(init, "init");
    Objects.requireNonNull(options, "options");
    Objects.requireNonNull(config, "config");
    Objects.requireNonNull(out, "out");
    try {
      Files.createDirectories(out);
      Path latest = out.resolve(LATEST);
      if (!Files.isRegularFile(latest)) {
        return create(init, init, options, config, out);
      }
      Path ckpt = out.resolve(Files.readString(latest, StandardCharsets.UTF_8).trim());
      JsonNode state = JSON.readTree(ckpt.resolve(TRAINER_DIR).resolve(STATE_FILE).toFile());
      if (!FineTuneConfig.fromJson(state.get("config")).build().equals(config)) {
        throw new IllegalStateException(
            out + " holds a run with another configuration: " + state.get("config") + "; this one is "
                + config.toJson() + " (use an empty directory)");
      }
      String recordedInit = state.get("init").asText();
      if (!recordedInit.equals(init.toAbsolutePath().normalize().toString())) {
        throw new IllegalStateException(
            out + " holds a run started from " + recordedInit + ", not from " + init.toAbsolutePath().normalize());
      }
      FineTuner t = create(init, ckpt, options, config, out);
      try {
        t.restore(ckpt, state);
      } catch (RuntimeException | IOException e) {
        t.close();
        throw e;
      }
      return t;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open the run in " + out + ": " + e.getMessage(), e);
    }
  }

  private static FineTuner create(Path init, Path weights, LoadOptions options, FineTuneConfig config, Path out) {
    HookedVlm vlm = HookedVlms.load(weights, options);
    try {
      return new FineTuner(init.toAbsolutePath().normalize(), out, config, vlm);
    } catch (RuntimeException e) {
      vlm.close();
      throw e;
    }
  }

  private void restore(Path ckpt, JsonNode state) throws IOException {
    step = state.get("step").asInt();
    history.addAll(FineTuneResult.stepsFromJson(state.get("steps")));
    evaluations.addAll(FineTuneResult.evaluationsFromJson(state.get("evaluations")));
    try (SafetensorsCheckpoint opt = SafetensorsCheckpoint.open(ckpt.resolve(TRAINER_DIR));
        NDManager tmp = arch.manager().newSubManager()) {
      Map<String, NDArray> loaded = new LinkedHashMap<>();
      for (String k : optimizer.state().keySet()) {
        if (!opt.contains(k)) {
          throw new IllegalStateException(ckpt + ": the optimiser state has no '" + k + "'");
        }
        loaded.put(k, opt.load(tmp, k, arch.dataType()));
      }
      optimizer.restore(loaded);
    }
    lastCheckpoint = ckpt;
    log.accept("resumed " + out + " at step " + step + " from " + ckpt.getFileName());
  }

  /** Where progress lines go (default: nowhere). */
  public FineTuner withLog(Consumer<String> sink) {
    this.log = Objects.requireNonNull(sink, "sink");
    return this;
  }

  /**
   * Shows the run's progress on standard error under the name {@code task} ({@link TaskProgress}:
   * steps done of {@link FineTuneConfig#steps()}, the step's losses, ETA), in place of the log's
   * line every 10 steps; the log keeps the evaluations and checkpoints. Default: no progress.
   */
  public FineTuner withProgress(String task) {
    this.progressTask = Objects.requireNonNull(task, "task");
    return this;
  }

  /** The model being trained, on the live weights (for evaluation and analyses). */
  public HookedVlm model() {
    return vlm;
  }

  /** The names of the trained parameters. */
  public List<String> trainableParameters() {
    return List.copyOf(trainable.keySet());
  }

  /** Every parameter, trained or frozen, by name (the live arrays; do not change them). */
  public Map<String, NDArray> parameters() {
    return arch.parameters();
  }

  /** The steps done so far (after a resume: the checkpoint's step). */
  public int step() {
    return step;
  }

  /** The configuration. */
  public FineTuneConfig config() {
    return config;
  }

  /** Runs to {@link FineTuneConfig#steps()}: see {@link #runUntil}. */
  public FineTuneResult run(TrainingData data, Evaluation evaluation) {
    return runUntil(data, evaluation, config.steps());
  }

  /**
   * Trains from the current step up to step {@code last} (at most {@link FineTuneConfig#steps()}),
   * evaluating and checkpointing on the configured periods; at the final step it always evaluates
   * and checkpoints, and writes {@code out/finetune.json}. Stopping before the end leaves the run
   * as a kill would (resumable from its latest checkpoint).
   *
   * @throws IllegalStateException when a loss or gradient is not finite
   */
  public FineTuneResult runUntil(TrainingData data, Evaluation evaluation, int last) {
    Objects.requireNonNull(data, "data");
    Objects.requireNonNull(evaluation, "evaluation");
    int end = Math.min(last, config.steps());
    if (step == 0 && evaluations.isEmpty()) {
      double[] l0 = losses(data.batch(1));
      evaluate(evaluation, 0, l0[0], l0[1]);
    }
    long trainNanos = 0;
    int done = 0;
    try (TaskProgress progress =
        TaskProgress.start(progressTask != null, Objects.requireNonNullElse(progressTask, "fine-tuning"), "steps",
            config.steps(), step)) {
      while (step < end) {
        List<TrainingExample> batch = data.batch(step + 1);
        long t0 = System.nanoTime();
        FineTuneResult.StepRecord r = trainStep(batch, step + 1);
        trainNanos += System.nanoTime() - t0;
        done++;
        step++;
        history.add(r);
        progress.step(String.format(Locale.ROOT, "lm %.4f, spatial %.4f", r.lmLoss(), r.spatialLoss()));
        if (progressTask == null && (step % 10 == 0 || step == 1)) {
          log.accept(String.format(Locale.ROOT, "step %d  lm %.4f  spatial %.4f  |g| %.3f  lr %.2e", step,
              r.lmLoss(), r.spatialLoss(), r.gradNorm(), r.learningRate()));
        }
        boolean finalStep = step == config.steps();
        if (finalStep || (config.evalEvery() > 0 && step % config.evalEvery() == 0)) {
          double[] mean = windowMeans();
          evaluate(evaluation, step, mean[0], mean[1]);
        }
        if (finalStep || (config.checkpointEvery() > 0 && step % config.checkpointEvery() == 0)) {
          checkpoint();
        }
      }
    }
    double sps = trainNanos == 0 ? Double.NaN : done / (trainNanos / 1e9);
    FineTuneResult result =
        new FineTuneResult(config, trainableParameters(), trainableValues, history, evaluations, lastCheckpoint,
            sps, peakRss());
    if (step == config.steps()) {
      writeAtomically(out.resolve("finetune.json"), result.toJson().toPrettyString());
    }
    return result;
  }

  private double[] windowMeans() {
    int from = evaluations.isEmpty() ? 0 : evaluations.get(evaluations.size() - 1).step();
    double lm = 0;
    double sp = 0;
    int n = 0;
    int ns = 0;
    for (FineTuneResult.StepRecord r : history) {
      if (r.step() > from && r.step() <= step) {
        lm += r.lmLoss();
        n++;
        if (!Double.isNaN(r.spatialLoss())) {
          sp += r.spatialLoss();
          ns++;
        }
      }
    }
    return new double[] {n == 0 ? Double.NaN : lm / n, ns == 0 ? Double.NaN : sp / ns};
  }

  private void evaluate(Evaluation evaluation, int at, double lm, double sp) {
    Map<String, Double> m = evaluation.evaluate(vlm);
    evaluations.add(new FineTuneResult.EvalRecord(at, lm, sp, m));
    log.accept(String.format(Locale.ROOT, "evaluation at step %d: lm %.4f  spatial %.4f  %s", at, lm, sp, m));
  }

  /**
   * The losses of a batch on the current weights, without any update: {@code {lm, spatial, total}}
   * (spatial NaN when no anchor is usable or no layer is set).
   */
  public double[] losses(List<TrainingExample> batch) {
    try (NDManager sm = arch.manager().newSubManager()) {
      Prepared p = prepare(batch);
      return forward(p, sm, false);
    }
  }

  /**
   * One optimisation step on {@code batch}, counted as step {@code number} (1-based: its learning
   * rate and bias corrections). {@link #run} calls it; public for tests and custom loops.
   */
  public FineTuneResult.StepRecord trainStep(List<TrainingExample> batch, int number) {
    Prepared p = prepare(batch);
    try (NDManager sm = arch.manager().newSubManager()) {
      double[] l = forward(p, sm, true);
      Map<String, NDArray> grads = new LinkedHashMap<>();
      double sq = 0;
      for (var e : trainable.entrySet()) {
        NDArray g = e.getValue().getGradient();
        g.attach(sm);
        grads.put(e.getKey(), g);
        sq += g.toType(DataType.FLOAT32, false).square().sum().getFloat();
      }
      double norm = Math.sqrt(sq);
      if (!Double.isFinite(norm) || !Double.isFinite(l[2])) {
        throw new IllegalStateException("step " + number + ": non-finite loss " + l[2] + " or gradient norm " + norm);
      }
      double scale = config.clipNorm() > 0 && norm > config.clipNorm() ? config.clipNorm() / (norm + 1e-6) : 1;
      double lr = config.learningRateAt(number);
      for (var e : grads.entrySet()) {
        NDArray g = e.getValue();
        if (scale < 1) {
          g.muli(scale);
        }
        optimizer.update(e.getKey(), trainable.get(e.getKey()), g, lr, number, sm);
        g.subi(g);
      }
      return new FineTuneResult.StepRecord(number, l[0], l[1], l[2], norm, lr);
    }
  }

  /** A batch on the host: encodings with the answer appended, the rows the losses read. */
  private static final class Prepared {
    List<Architecture.Encoded> encoded = new ArrayList<>();
    int length;
    int[] answerRows;
    int[] answerIds;
    int[] anchorRows;
    float[] targets;
    float[] centring;
    boolean[] usable;
  }

  private Prepared prepare(List<TrainingExample> batch) {
    if (batch.isEmpty()) {
      throw new IllegalArgumentException("empty batch");
    }
    Prepared p = new Prepared();
    int n = batch.size();
    int[] lengths = new int[n];
    p.answerIds = new int[n];
    List<int[]> anchorPos = new ArrayList<>();
    List<float[]> anchorTargets = new ArrayList<>();
    List<String> groups = new ArrayList<>();
    int hidden = arch.hiddenSize();
    for (int i = 0; i < n; i++) {
      TrainingExample ex = batch.get(i);
      Tokenization t = arch.tokenize(ex.input());
      int answer = arch.answerTokenId(ex.answer());
      Architecture.Encoded e = arch.withTokens(arch.encode(ex.input(), t), new int[] {answer});
      p.encoded.add(e);
      lengths[i] = e.ids().length;
      p.answerIds[i] = answer;
      if (config.spatialLayer() >= 0) {
        for (TrainingExample.Anchor a : ex.anchors()) {
          float[] target = a.target();
          if (target.length != hidden) {
            throw new IllegalArgumentException(
                "anchor '" + a.word() + "' has a target of " + target.length + " values, the model's hidden size is " + hidden);
          }
          anchorPos.add(new int[] {i, t.lastSubToken(a.word())});
          anchorTargets.add(target);
          groups.add(a.group());
        }
      }
    }
    int length = 0;
    for (int l : lengths) {
      length = Math.max(length, l);
    }
    p.length = length;
    p.answerRows = new int[n];
    for (int i = 0; i < n; i++) {
      p.answerRows[i] = i * length + lengths[i] - 2; // the prompt's last token predicts the answer
    }
    int k = anchorPos.size();
    p.anchorRows = new int[k];
    p.targets = new float[k * hidden];
    p.centring = new float[k * k];
    p.usable = new boolean[k];
    for (int a = 0; a < k; a++) {
      p.anchorRows[a] = anchorPos.get(a)[0] * length + anchorPos.get(a)[1];
      System.arraycopy(anchorTargets.get(a), 0, p.targets, a * hidden, hidden);
      int size = 0;
      for (int b = 0; b < k; b++) {
        if (groups.get(b).equals(groups.get(a))) {
          size++;
        }
      }
      p.usable[a] = !config.centre() || size >= 2;
      p.centring[a * k + a] = 1;
      if (config.centre()) {
        for (int b = 0; b < k; b++) {
          if (groups.get(b).equals(groups.get(a))) {
            p.centring[a * k + b] -= 1f / size;
          }
        }
      }
    }
    return p;
  }

  /** The forward pass (and the backward one when {@code train}): {lm, spatial, total}. */
  private double[] forward(Prepared p, NDManager sm, boolean train) {
    int n = p.encoded.size();
    int t = p.length;
    int hidden = arch.hiddenSize();
    int vocab = arch.vocabSize();
    HookPoint point = config.spatialLayer() >= 0 && p.anchorRows.length > 0 ? HookPoint.lmResid(config.spatialLayer()) : null;
    NDArray[] recorded = new NDArray[1];
    ForwardTap tap =
        (at, activation) -> {
          if (at.equals(point)) {
            activation.attach(sm);
            recorded[0] = activation;
          }
          return activation;
        };
    GradientCollector gc = train ? Engine.getInstance().newGradientCollector() : null;
    try {
      Architecture.Batch b = arch.batch(p.encoded, t, true, sm);
      NDArray h = arch.decode(arch.embed(b, tap), 0, arch.numLayers(), b, null, tap);
      NDArray select = sm.create(oneHot(p.answerRows, n * t), new Shape(n, n * t)).toType(arch.dataType(), false);
      NDArray logits = arch.logits(select.matMul(h.reshape(n * t, hidden))).toType(DataType.FLOAT32, false);
      NDArray targets = sm.create(oneHot(p.answerIds, vocab), new Shape(n, vocab));
      NDArray lm = logits.logSoftmax(1).mul(targets).sum().neg().div(scalar(sm, n));
      NDArray loss = lm;
      double spatial = Double.NaN;
      int usable = 0;
      for (boolean u : p.usable) {
        usable += u ? 1 : 0;
      }
      if (point != null && usable > 0) {
        int k = p.anchorRows.length;
        NDArray sel = sm.create(oneHot(p.anchorRows, n * t), new Shape(k, n * t)).toType(arch.dataType(), false);
        NDArray acts = sel.matMul(recorded[0].reshape(n * t, hidden)).toType(DataType.FLOAT32, false);
        NDArray centred = sm.create(p.centring, new Shape(k, k)).matMul(acts);
        NDArray tgt = sm.create(p.targets, new Shape(k, hidden));
        NDArray dot = centred.mul(tgt).sum(new int[] {1});
        NDArray norms = centred.square().sum(new int[] {1}).add(scalar(sm, 1e-12f)).sqrt()
            .mul(tgt.square().sum(new int[] {1}).add(scalar(sm, 1e-12f)).sqrt());
        NDArray cos = dot.div(norms);
        float[] mask = new float[k];
        for (int a = 0; a < k; a++) {
          mask[a] = p.usable[a] ? 1f / usable : 0f;
        }
        NDArray sp = scalar(sm, 1f).sub(cos.mul(sm.create(mask)).sum());
        spatial = sp.getFloat();
        if (config.spatialWeight() != 0) {
          loss = loss.add(sp.mul(scalar(sm, (float) config.spatialWeight())));
        }
      }
      double lmValue = lm.getFloat();
      double total = loss.getFloat();
      if (train) {
        gc.backward(loss);
      }
      return new double[] {lmValue, spatial, total};
    } finally {
      if (gc != null) {
        gc.close();
      }
    }
  }

  /** Writes a checkpoint of the current step and points {@code out/latest} at it. */
  public Path checkpoint() {
    String name = String.format(Locale.ROOT, "checkpoint-%06d", step);
    Path dir = out.resolve(name);
    Path tmp = out.resolve(name + ".tmp");
    try {
      deleteTree(tmp);
      Files.createDirectories(tmp);
      arch.saveWeights(tmp);
      copySupportFiles(init, tmp);
      Path trainer = Files.createDirectories(tmp.resolve(TRAINER_DIR));
      SafetensorsWriter.write(trainer.resolve(OPTIMIZER_FILE), optimizer.state(), Map.of("format", "pt"));
      ObjectNode state = JSON.createObjectNode();
      state.put("step", step);
      state.put("init", init.toString());
      state.set("config", config.toJson());
      state.set("evaluations", FineTuneResult.evaluationsJson(evaluations));
      state.set("steps", FineTuneResult.stepsJson(history));
      Files.writeString(trainer.resolve(STATE_FILE), state.toPrettyString(), StandardCharsets.UTF_8);
      deleteTree(dir);
      Files.move(tmp, dir, StandardCopyOption.ATOMIC_MOVE);
      writeAtomically(out.resolve(LATEST), name + "\n");
      lastCheckpoint = dir;
      pruneCheckpoints();
      log.accept("checkpoint " + dir);
      return dir;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write checkpoint " + dir + ": " + e.getMessage(), e);
    }
  }

  private void pruneCheckpoints() throws IOException {
    List<Path> all;
    try (Stream<Path> s = Files.list(out)) {
      all = s.filter(p -> Files.isDirectory(p) && p.getFileName().toString().matches("checkpoint-\\d{6}"))
          .sorted(Comparator.comparing(p -> p.getFileName().toString()))
          .toList();
    }
    for (int i = 0; i < all.size() - config.keepCheckpoints(); i++) {
      if (!all.get(i).equals(lastCheckpoint)) {
        deleteTree(all.get(i));
      }
    }
  }

  /** Copies every file of the starting checkpoint but its weights and config. */
  private static void copySupportFiles(Path from, Path to) throws IOException {
    try (Stream<Path> s = Files.list(from)) {
      for (Path f : s.filter(Files::isRegularFile).toList()) {
        String n = f.getFileName().toString();
        if (n.endsWith(".safetensors") || n.equals("model.safetensors.index.json") || n.equals("config.json")
            || n.endsWith(".bin") || n.endsWith(".pt")) {
          continue;
        }
        Files.copy(f, to.resolve(n), StandardCopyOption.REPLACE_EXISTING);
      }
    }
  }

  private static void writeAtomically(Path file, String text) {
    try {
      Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
      Files.writeString(tmp, text, StandardCharsets.UTF_8);
      Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
    }
  }

  private static void deleteTree(Path p) throws IOException {
    if (!Files.exists(p)) {
      return;
    }
    try (Stream<Path> s = Files.walk(p)) {
      for (Path q : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(q);
      }
    }
  }

  /** The process's peak resident memory in bytes ({@code VmHWM} of {@code /proc/self/status}), or -1. */
  public static long peakRss() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("VmHWM:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
        }
      }
    } catch (IOException | RuntimeException e) {
      return -1;
    }
    return -1;
  }

  /**
   * A natively allocated scalar: DJL's {@code div(Number)} wraps the number in an array over a
   * Java buffer and frees it at once, while autograd keeps it for the backward pass.
   */
  private static NDArray scalar(NDManager m, float v) {
    return m.full(new Shape(), v, DataType.FLOAT32);
  }

  private static float[] oneHot(int[] indexes, int width) {
    float[] a = new float[indexes.length * width];
    for (int i = 0; i < indexes.length; i++) {
      a[i * width + indexes[i]] = 1f;
    }
    return a;
  }

  /** Frees the optimiser state and the model. */
  @Override
  public void close() {
    optimizer.close();
    vlm.close();
  }
}
