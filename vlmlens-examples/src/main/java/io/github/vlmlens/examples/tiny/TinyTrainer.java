package io.github.vlmlens.examples.tiny;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.vlmlens.core.HookPoint;
import io.github.vlmlens.core.analysis.TaskProgress;
import io.github.vlmlens.core.report.HtmlPage;
import io.github.vlmlens.core.report.Plot;
import io.github.vlmlens.hooks.ForwardTap;
import io.github.vlmlens.hooks.LlavaConfig;
import io.github.vlmlens.hooks.LlavaModel;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * The optimisation loop shared by the tiny image and video models' training programs: loss on the
 * answer token only (cross-entropy over the whole vocabulary), plus, while the auxiliary loss is
 * on, linear heads that read labels of chosen tokens (an object word's grid row or frame, an image
 * token's object, ...) from {@code lm.L.resid_post} of each head's layer {@code L}; AdamW, warm-up then cosine decay to 2% of the peak, gradient norm
 * clipped at 1, one fresh batch per step, every step's arrays in a sub-manager. Writes
 * {@code training_log.jsonl} (every 10 steps, and each held-out evaluation) and a plot. Shows its
 * progress (steps, loss, batch accuracy, ETA) on standard error, or, with progress off, a line of
 * losses every 10 steps.
 */
final class TinyTrainer {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** A linear probe trained beside the model on the activations of chosen tokens at {@code lm.layer.resid_post}. */
  record AuxHead(String name, int classes, int layer) {}

  /**
   * The optimisation settings, and whether to show a progress bar ({@code progress}, else a line
   * every 10 steps).
   */
  record Settings(
      int steps, float learningRate, int warmup, int auxSteps, float auxWeight, long seed,
      int evalEvery, boolean progress) {}

  /** Draws the batch of a step. */
  interface BatchSource {
    Batch next(int step);
  }

  /** Held-out accuracy by part, then by question type. */
  interface Evaluator {
    Map<String, Map<String, Double>> evaluate();
  }

  /** What a finished run reports. */
  record Outcome(long parameterCount, double seconds) {}

  private TinyTrainer() {}

  /**
   * Trains {@code model} in place.
   *
   * @param task the name progress is shown under (the command's)
   * @param heads the auxiliary heads, in the order of {@link Batch#auxTargets}
   */
  static Outcome train(
      String task, LlavaModel model, Settings s, List<AuxHead> heads, BatchSource batches, Evaluator eval,
      Path dir) throws IOException {
    long t0 = System.nanoTime();
    NDManager root = model.manager();
    Map<String, NDArray> params = new LinkedHashMap<>(model.parameters());
    long paramCount = 0;
    for (NDArray p : params.values()) {
      paramCount += p.getShape().size();
    }
    int hidden = model.config().text().hiddenSize();
    int vocab = model.config().text().vocabSize();
    Random headInit = new Random(s.seed() + 1);
    float bound = (float) (1 / Math.sqrt(hidden));
    for (AuxHead h : heads) {
      params.put("aux." + h.name() + ".weight",
          root.create(uniform(headInit, h.classes() * hidden, bound), new Shape(h.classes(), hidden)));
      params.put("aux." + h.name() + ".bias",
          root.create(uniform(headInit, h.classes(), bound), new Shape(h.classes())));
    }
    for (NDArray p : params.values()) {
      p.setRequiresGradient(true);
    }
    Tracker lr =
        Tracker.warmUp()
            .optWarmUpSteps(s.warmup())
            .setMainTracker(
                Tracker.cosine()
                    .setBaseValue(s.learningRate())
                    .optFinalValue(s.learningRate() * 0.02f)
                    .setMaxUpdates(Math.max(1, s.steps() - s.warmup()))
                    .build())
            .build();
    Optimizer optimizer = Optimizer.adamW().optLearningRateTracker(lr).build();
    System.err.printf(Locale.ROOT, "%,d parameters, vocabulary %d, %d steps%n", paramCount, vocab, s.steps());

    List<double[]> curve = new ArrayList<>();
    List<double[]> evalCurve = new ArrayList<>();
    try (BufferedWriter log = Files.newBufferedWriter(dir.resolve("training_log.jsonl"), StandardCharsets.UTF_8);
        TaskProgress progress = TaskProgress.start(s.progress(), task, "steps", s.steps(), 0)) {
      for (int step = 1; step <= s.steps(); step++) {
        boolean aux = step <= s.auxSteps() && !heads.isEmpty();
        Batch b = batches.next(step);
        double[] stats;
        try (NDManager sm = root.newSubManager()) {
          stats = trainStep(model, params, heads, optimizer, sm, b, aux, s, hidden, vocab);
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        curve.add(new double[] {step, stats[0], stats[3]});
        progress.step(String.format(Locale.ROOT, "loss %.4f, acc %.3f", stats[0], stats[3]));
        if (step % 10 == 0 || step == 1) {
          ObjectNode line = JSON.createObjectNode();
          line.put("step", step);
          line.put("loss", stats[0]);
          line.put("answer_loss", stats[1]);
          line.put("aux_loss", stats[2]);
          line.put("train_accuracy", stats[3]);
          line.put("grad_norm", stats[4]);
          line.put("lr", lr.getNewValue(step));
          line.put("seconds", seconds);
          log.write(JSON.writeValueAsString(line));
          log.newLine();
          log.flush();
          if (!s.progress()) {
            System.err.printf(
                Locale.ROOT, "step %5d  loss %.4f  answer %.4f  aux %.4f  acc %.3f  |g| %.2f  %.0fs%n",
                step, stats[0], stats[1], stats[2], stats[3], stats[4], seconds);
          }
        }
        if (step % s.evalEvery() == 0 || step == s.steps()) {
          Map<String, Map<String, Double>> acc = eval.evaluate();
          ObjectNode line = JSON.createObjectNode();
          line.put("step", step);
          line.put("seconds", (System.nanoTime() - t0) / 1e9);
          ObjectNode heldOut = line.putObject("held_out_accuracy");
          double worst = 1;
          for (var e : acc.entrySet()) {
            ObjectNode part = heldOut.putObject(e.getKey());
            for (var a : e.getValue().entrySet()) {
              part.put(a.getKey(), a.getValue());
              worst = Math.min(worst, a.getValue());
            }
          }
          evalCurve.add(new double[] {step, worst});
          log.write(JSON.writeValueAsString(line));
          log.newLine();
          log.flush();
          System.err.println("held-out accuracy at step " + step + ": " + heldOut);
        }
      }
    }
    double trainSeconds = (System.nanoTime() - t0) / 1e9;
    writePlot(dir.resolve("training.png"), curve, evalCurve);
    return new Outcome(paramCount, trainSeconds);
  }

  /** One optimisation step; returns {loss, answer loss, aux loss, batch accuracy, grad norm}. */
  private static double[] trainStep(
      LlavaModel model, Map<String, NDArray> params, List<AuxHead> heads, Optimizer optimizer,
      NDManager sm, Batch b, boolean aux, Settings s, int hidden, int vocab) {
    int n = b.size;
    int t = b.length;
    NDArray ids = sm.create(b.ids, new Shape(n, t));
    NDArray pixels = sm.create(b.pixels, new Shape(b.images, 3, b.imageSize, b.imageSize));
    NDArray answerSelect = sm.create(oneHot(b.answerRows, n * t), new Shape(n, n * t));
    NDArray answerTargets = sm.create(oneHot(b.answerIds, vocab), new Shape(n, vocab));
    double answerLoss;
    double auxLoss = 0;
    double accuracy;
    double total;
    try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
      Map<HookPoint, NDArray> recorded = new LinkedHashMap<>();
      if (aux) {
        for (AuxHead head : heads) {
          recorded.put(HookPoint.lmResid(head.layer()), null);
        }
      }
      ForwardTap tap =
          (point, activation) -> {
            if (recorded.containsKey(point)) {
              activation.attach(sm);
              recorded.put(point, activation);
            }
            return activation;
          };
      NDArray h = model.decode(model.embed(ids, pixels, tap), 0, model.numLayers(), tap);
      NDArray last = answerSelect.matMul(h.reshape(n * t, hidden));
      NDArray logp = model.logits(last).logSoftmax(1);
      NDArray loss = logp.mul(answerTargets).sum().neg().div(scalar(sm, n));
      answerLoss = loss.getFloat();
      accuracy = accuracy(logp, b.answerIds);
      if (aux) {
        NDArray al = null;
        for (int i = 0; i < heads.size(); i++) {
          AuxHead head = heads.get(i);
          int[] rows = b.auxRows[i];
          if (rows.length == 0) {
            continue; // no token of this batch has the head's label
          }
          NDArray select = sm.create(oneHot(rows, n * t), new Shape(rows.length, n * t));
          NDArray read = select.matMul(recorded.get(HookPoint.lmResid(head.layer())).reshape(n * t, hidden));
          NDArray hl = headLoss(sm, read, params, head, b.auxTargets[i]);
          al = al == null ? hl : al.add(hl);
        }
        if (al != null) {
          auxLoss = al.getFloat();
          loss = loss.add(al.mul(scalar(sm, s.auxWeight())));
        }
      }
      total = loss.getFloat();
      gc.backward(loss);
    }
    Map<String, NDArray> grads = new LinkedHashMap<>();
    double sq = 0;
    for (var e : params.entrySet()) {
      NDArray g = e.getValue().getGradient();
      g.attach(sm);
      grads.put(e.getKey(), g);
      sq += g.square().sum().getFloat();
    }
    double norm = Math.sqrt(sq);
    if (!Double.isFinite(norm) || !Double.isFinite(total)) {
      StringBuilder bad = new StringBuilder();
      for (var e : grads.entrySet()) {
        double v = e.getValue().square().sum().getFloat();
        double w = params.get(e.getKey()).abs().max().getFloat();
        if (!Double.isFinite(v) || !Double.isFinite(w)) {
          bad.append(' ').append(e.getKey()).append(" grad2=").append(v).append(" wmax=").append(w);
        }
      }
      throw new IllegalStateException("non-finite loss " + total + " or gradient norm " + norm + ":" + bad);
    }
    float scale = norm > 1.0 ? (float) (1.0 / (norm + 1e-6)) : 1f;
    for (var e : grads.entrySet()) {
      NDArray g = e.getValue();
      if (scale < 1f) {
        g.muli(scale);
      }
      if (!e.getKey().startsWith("aux.") || aux) {
        optimizer.update(e.getKey(), params.get(e.getKey()), g);
      }
      g.subi(g);
    }
    return new double[] {total, answerLoss, auxLoss, accuracy, norm};
  }

  /** Mean cross-entropy of a linear probe on {@code words} against {@code targets}. */
  private static NDArray headLoss(
      NDManager sm, NDArray words, Map<String, NDArray> params, AuxHead head, int[] targets) {
    String name = "aux." + head.name();
    NDArray logits =
        words.matMul(params.get(name + ".weight").transpose()).add(params.get(name + ".bias"));
    NDArray t = sm.create(oneHot(targets, head.classes()), new Shape(targets.length, head.classes()));
    return logits.logSoftmax(1).mul(t).sum().neg().div(scalar(sm, targets.length));
  }

  /**
   * A natively allocated scalar. DJL's {@code div(Number)} and friends wrap the number in an array
   * over a Java buffer and close it at once, while autograd keeps it for the backward pass, which
   * then reads freed memory (sporadic NaN gradients); {@code full} allocates in PyTorch.
   */
  private static NDArray scalar(NDManager m, float v) {
    return m.full(new Shape(), v, DataType.FLOAT32);
  }

  /**
   * The model card's "Architecture" section: the vision tower ({@code tokensNote} says what its
   * image tokens are), projector, decoder, parameter count and vocabulary.
   */
  static String architectureSection(LlavaConfig config, long params, String tokensNote, String extraLine) {
    StringBuilder s = new StringBuilder("## Architecture\n\n");
    s.append(String.format(Locale.ROOT,
        "- CLIP-style vision tower: %d px, patch %d, width %d, %d layers, %d heads, %s; features of the last layer, CLS dropped (%d image tokens%s)%n",
        config.vision().imageSize(), config.vision().patchSize(), config.vision().hiddenSize(),
        config.vision().numHiddenLayers(), config.vision().numAttentionHeads(), config.vision().hiddenAct(),
        config.numImageTokens(), tokensNote));
    if (extraLine != null) {
      s.append("- ").append(extraLine).append('\n');
    }
    s.append("- projector: linear, GELU, linear\n");
    s.append(String.format(Locale.ROOT,
        "- Llama-style decoder: width %d, %d blocks, %d heads, %d key-value heads, SwiGLU %d, RoPE theta %.0f%n",
        config.text().hiddenSize(), config.text().numHiddenLayers(), config.text().numAttentionHeads(),
        config.text().numKeyValueHeads(), config.text().intermediateSize(), config.text().ropeTheta()));
    s.append(String.format(Locale.ROOT, "- %,d parameters (float32); word-level tokenizer of %d tokens%n%n",
        params, config.text().vocabSize()));
    return s.toString();
  }

  private static double accuracy(NDArray logp, int[] answers) {
    long[] argmax = logp.argMax(1).toLongArray();
    int right = 0;
    for (int i = 0; i < answers.length; i++) {
      if (argmax[i] == answers[i]) {
        right++;
      }
    }
    return right / (double) answers.length;
  }

  private static float[] uniform(Random r, int n, float bound) {
    float[] a = new float[n];
    for (int i = 0; i < n; i++) {
      a[i] = (r.nextFloat() * 2 - 1) * bound;
    }
    return a;
  }

  private static float[] oneHot(int[] indexes, int width) {
    float[] a = new float[indexes.length * width];
    for (int i = 0; i < indexes.length; i++) {
      a[i * width + indexes[i]] = 1f;
    }
    return a;
  }

  /** The training curves as {@code file} (PNG) and an SVG beside it. */
  private static void writePlot(Path file, List<double[]> curve, List<double[]> evalCurve) {
    double[] x = curve.stream().mapToDouble(c -> c[0]).toArray();
    Plot p = Plot.lines("Tiny VLM training", "step", "loss; accuracy (fraction)").withSize(900, 500).withIntegerX()
        .with(Plot.Series.line("loss", x, curve.stream().mapToDouble(c -> c[1]).toArray(), 0).drawn(Plot.Style.PATH))
        .with(Plot.Series.line("train batch accuracy (20-step mean)", x,
            smooth(curve.stream().mapToDouble(c -> c[2]).toArray(), 20), 1).drawn(Plot.Style.PATH));
    if (!evalCurve.isEmpty()) {
      p = p.with(Plot.Series.line("worst held-out accuracy", evalCurve.stream().mapToDouble(c -> c[0]).toArray(),
          evalCurve.stream().mapToDouble(c -> c[1]).toArray(), 2));
    }
    HtmlPage.writeChart(p, file);
  }

  private static double[] smooth(double[] v, int window) {
    double[] s = new double[v.length];
    double sum = 0;
    for (int i = 0; i < v.length; i++) {
      sum += v[i];
      if (i >= window) {
        sum -= v[i - window];
      }
      s[i] = sum / Math.min(i + 1, window);
    }
    return s;
  }

  /** One training batch on the host, right-padded to its longest prompt. */
  static final class Batch {
    int size;
    int length;
    int images;
    int imageSize;
    long[] ids;
    float[] pixels;
    int[] answerRows;
    int[] answerIds;
    /** Per head, the flat rows ({@code sample * length + position}) it reads. */
    int[][] auxRows;
    /** Per head, the label of each of its rows. */
    int[][] auxTargets;
  }

  /** Collects samples into a {@link Batch}. */
  static final class BatchBuilder {
    private final int heads;
    private final List<int[]> ids = new ArrayList<>();
    private final List<float[]> images = new ArrayList<>();
    private final List<Integer> answers = new ArrayList<>();
    private final List<int[][]> positions = new ArrayList<>();
    private final List<int[][]> labels = new ArrayList<>();

    BatchBuilder(int heads) {
      this.heads = heads;
    }

    /**
     * Adds a sample.
     *
     * @param tokenIds the prompt's token ids, image tokens expanded
     * @param pixels each image's (or frame's) pixel values, in sequence order
     * @param answerId the correct answer's token id
     * @param headPositions per auxiliary head, the positions it reads
     * @param headLabels per auxiliary head, the label of each of those positions
     */
    void add(int[] tokenIds, List<float[]> pixels, int answerId, int[][] headPositions, int[][] headLabels) {
      if (headPositions.length != heads || headLabels.length != heads) {
        throw new IllegalArgumentException("expected positions and labels for " + heads + " head(s)");
      }
      ids.add(tokenIds);
      images.addAll(pixels);
      answers.add(answerId);
      positions.add(headPositions);
      labels.add(headLabels);
    }

    Batch build(int padId) {
      int n = ids.size();
      int maxLen = ids.stream().mapToInt(a -> a.length).max().orElseThrow();
      int perImage = images.get(0).length;
      Batch b = new Batch();
      b.size = n;
      b.length = maxLen;
      b.images = images.size();
      b.imageSize = (int) Math.round(Math.sqrt(perImage / 3.0));
      b.ids = new long[n * maxLen];
      b.pixels = new float[images.size() * perImage];
      for (int i = 0; i < images.size(); i++) {
        System.arraycopy(images.get(i), 0, b.pixels, i * perImage, perImage);
      }
      b.answerRows = new int[n];
      b.answerIds = new int[n];
      for (int i = 0; i < n; i++) {
        int[] s = ids.get(i);
        for (int j = 0; j < maxLen; j++) {
          b.ids[i * maxLen + j] = j < s.length ? s[j] : padId;
        }
        b.answerRows[i] = i * maxLen + s.length - 1;
        b.answerIds[i] = answers.get(i);
      }
      b.auxRows = new int[heads][];
      b.auxTargets = new int[heads][];
      for (int h = 0; h < heads; h++) {
        List<Integer> rows = new ArrayList<>();
        List<Integer> targets = new ArrayList<>();
        for (int i = 0; i < n; i++) {
          int[] pos = positions.get(i)[h];
          for (int k = 0; k < pos.length; k++) {
            rows.add(i * maxLen + pos[k]);
            targets.add(labels.get(i)[h][k]);
          }
        }
        b.auxRows[h] = rows.stream().mapToInt(Integer::intValue).toArray();
        b.auxTargets[h] = targets.stream().mapToInt(Integer::intValue).toArray();
      }
      return b;
    }
  }
}
