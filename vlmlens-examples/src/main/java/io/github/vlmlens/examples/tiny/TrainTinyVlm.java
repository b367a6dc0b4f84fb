package io.github.vlmlens.examples.tiny;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.vlmlens.core.API;
import io.github.vlmlens.core.HookPoint;
import io.github.vlmlens.core.RunRequest;
import io.github.vlmlens.core.RunResult;
import io.github.vlmlens.core.RunSpec;
import io.github.vlmlens.core.Tokenization;
import io.github.vlmlens.core.VlmInput;
import io.github.vlmlens.hooks.ForwardTap;
import io.github.vlmlens.hooks.HookedLlava;
import io.github.vlmlens.hooks.LlavaConfig;
import io.github.vlmlens.hooks.LlavaModel;
import io.github.vlmlens.hooks.LoadOptions;
import io.github.vlmlens.spatial.scene.PaletteColor;
import io.github.vlmlens.spatial.scene.Placement;
import io.github.vlmlens.spatial.scene.QuestionAxis;
import io.github.vlmlens.spatial.scene.SceneSampler;
import io.github.vlmlens.spatial.scene.SceneSplit;
import io.github.vlmlens.spatial.scene.SpatialQuestion;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Trains the bundled tiny VLM from a seed on the synthetic grid questions (left/right,
 * above/below, colour), on the CPU with DJL, and writes the checkpoint in the Hugging Face layout
 * with its training log (JSON lines), a plot, and a model card.
 *
 * <p>The recipe (see {@code shared/TINY_VLM.md}): loss on the answer token only, plus, for the
 * first {@code --aux-steps} steps (by default all), an auxiliary cross-entropy that asks linear
 * heads to read each object word's grid row, grid column and colour from {@code lm.1.resid_post}
 * (weight 0.5). Without it the model sits at chance; {@code --control} trains without it. A
 * curriculum starts with left/right questions, adds above/below, then colour. AdamW, warm-up then
 * cosine decay, gradient norm clipped at 1, fresh batches every step. {@code --init} continues from
 * an earlier checkpoint.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1.0")
@Command(
    name = "train-tiny",
    mixinStandardHelpOptions = true,
    description = "Train the tiny VLM on synthetic spatial questions and write an HF checkpoint.")
public final class TrainTinyVlm implements Callable<Integer> {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final boolean DEBUG = Boolean.getBoolean("vlmlens.debug");
  private static final List<QuestionAxis> AXES =
      List.of(QuestionAxis.HORIZONTAL, QuestionAxis.VERTICAL, QuestionAxis.COLOR);
  private static final List<SceneSplit.Part> HELD_OUT =
      List.of(SceneSplit.Part.HELD_OUT_PAIRS, SceneSplit.Part.HELD_OUT_PLACEMENTS, SceneSplit.Part.HELD_OUT_BOTH);

  @Option(names = "--out", required = true, description = "Checkpoint directory to write.")
  Path out;

  @Option(names = "--steps", defaultValue = "5000", description = "Training steps (default ${DEFAULT-VALUE}).")
  int steps;

  @Option(names = "--batch", defaultValue = "32", description = "Batch size (default ${DEFAULT-VALUE}).")
  int batch;

  @Option(names = "--lr", defaultValue = "1e-3", description = "Peak learning rate (default ${DEFAULT-VALUE}).")
  float learningRate;

  @Option(names = "--warmup", defaultValue = "100", description = "Warm-up steps (default ${DEFAULT-VALUE}).")
  int warmup;

  @Option(names = "--aux-steps", defaultValue = "5000", description = "Steps with the auxiliary loss (default ${DEFAULT-VALUE}).")
  int auxSteps;

  @Option(names = "--aux-weight", defaultValue = "0.5", description = "Weight of the auxiliary loss (default ${DEFAULT-VALUE}).")
  float auxWeight;

  @Option(
      names = "--curriculum",
      defaultValue = "1000,2000",
      description = "Steps after which above/below, then colour questions join left/right ones (default ${DEFAULT-VALUE}; 0,0 mixes all from the start).")
  String curriculum;

  @Option(
      names = "--init",
      description = "Start from this checkpoint's weights (a previous run's --out) instead of random ones; the optimiser state starts afresh.")
  Path init;

  @Option(names = "--control", description = "Train without the auxiliary cell loss.")
  boolean control;

  @Option(names = "--seed", defaultValue = "7", description = "Seed of weights and batches (default ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--eval-every", defaultValue = "200", description = "Held-out evaluation period (default ${DEFAULT-VALUE}).")
  int evalEvery;

  @Option(names = "--eval-samples", defaultValue = "200", description = "Held-out samples per part and question type (default ${DEFAULT-VALUE}).")
  int evalSamples;

  /** Runs the training program. */
  public static void main(String[] args) {
    System.exit(new CommandLine(new TrainTinyVlm()).execute(args));
  }

  @Override
  public Integer call() throws IOException {
    Files.createDirectories(out);
    TinyVlmRecipe.writeSupportFiles(out);
    int vocab = TinyVlmRecipe.vocabSize();
    LlavaConfig config = TinyVlmRecipe.config(vocab);
    SceneSplit split = TinyVlmRecipe.split();
    SceneSampler train = split.sampler(SceneSplit.Part.TRAIN).withRandomColors(true);
    Random random = new Random(seed);
    int auxUntil = control ? 0 : auxSteps;
    long t0 = System.nanoTime();

    try (LlavaModel model = initialModel(config);
        HookedLlava hooked =
            HookedLlava.of(
                model,
                out.resolve("tokenizer.json"),
                out.resolve("preprocessor_config.json"),
                TinyVlmRecipe.PROMPT);
        BufferedWriter log =
            Files.newBufferedWriter(out.resolve("training_log.jsonl"), StandardCharsets.UTF_8)) {
      NDManager root = model.manager();
      Map<String, NDArray> params = new LinkedHashMap<>(model.parameters());
      long paramCount = 0;
      for (NDArray p : params.values()) {
        paramCount += p.getShape().size();
      }
      int hidden = config.text().hiddenSize();
      int cells = TinyVlmRecipe.grid().cellCount();
      Random headInit = new Random(seed + 1);
      float bound = (float) (1 / Math.sqrt(hidden));
      int m = TinyVlmRecipe.grid().gridSize();
      params.put("aux.row_head.weight", root.create(uniform(headInit, m * hidden, bound), new Shape(m, hidden)));
      params.put("aux.row_head.bias", root.create(uniform(headInit, m, bound), new Shape(m)));
      params.put("aux.column_head.weight", root.create(uniform(headInit, m * hidden, bound), new Shape(m, hidden)));
      params.put("aux.column_head.bias", root.create(uniform(headInit, m, bound), new Shape(m)));
      int colours = PaletteColor.values().length;
      params.put("aux.color_head.weight", root.create(uniform(headInit, colours * hidden, bound), new Shape(colours, hidden)));
      params.put("aux.color_head.bias", root.create(uniform(headInit, colours, bound), new Shape(colours)));
      for (NDArray p : params.values()) {
        p.setRequiresGradient(true);
      }
      Tracker lr =
          Tracker.warmUp()
              .optWarmUpSteps(warmup)
              .setMainTracker(
                  Tracker.cosine()
                      .setBaseValue(learningRate)
                      .optFinalValue(learningRate * 0.02f)
                      .setMaxUpdates(Math.max(1, steps - warmup))
                      .build())
              .build();
      Optimizer optimizer = Optimizer.adamW().optLearningRateTracker(lr).build();
      System.err.printf(
          Locale.ROOT, "tiny VLM: %,d parameters, vocabulary %d, %d steps of %d%n",
          paramCount, vocab, steps, batch);

      List<double[]> curve = new ArrayList<>();
      List<double[]> evalCurve = new ArrayList<>();
      for (int step = 1; step <= steps; step++) {
        boolean aux = step <= auxUntil;
        Batch b = Batch.sample(hooked, train, random, batch, cells, axesAt(step));
        double[] stats;
        try (NDManager sm = root.newSubManager()) {
          stats = trainStep(model, params, optimizer, sm, b, aux, hidden, vocab);
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        curve.add(new double[] {step, stats[0], stats[3]});
        if (step % 10 == 0 || step == 1) {
          ObjectNode line = JSON.createObjectNode();
          line.put("step", step);
          line.put("loss", stats[0]);
          line.put("answer_loss", stats[1]);
          line.put("cell_loss", stats[2]);
          line.put("train_accuracy", stats[3]);
          line.put("grad_norm", stats[4]);
          line.put("lr", lr.getNewValue(step));
          line.put("seconds", seconds);
          log.write(JSON.writeValueAsString(line));
          log.newLine();
          log.flush();
          System.err.printf(
              Locale.ROOT, "step %5d  loss %.4f  answer %.4f  cell %.4f  acc %.3f  |g| %.2f  %.0fs%n",
              step, stats[0], stats[1], stats[2], stats[3], stats[4], seconds);
        }
        if (step % evalEvery == 0 || step == steps) {
          Map<SceneSplit.Part, Map<QuestionAxis, Double>> acc = evaluate(hooked, split, evalSamples, 99);
          ObjectNode line = JSON.createObjectNode();
          line.put("step", step);
          line.put("seconds", (System.nanoTime() - t0) / 1e9);
          ObjectNode heldOut = line.putObject("held_out_accuracy");
          double worst = 1;
          for (var e : acc.entrySet()) {
            ObjectNode part = heldOut.putObject(e.getKey().name().toLowerCase(Locale.ROOT));
            for (var a : e.getValue().entrySet()) {
              part.put(a.getKey().name().toLowerCase(Locale.ROOT), a.getValue());
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
      double trainSeconds = (System.nanoTime() - t0) / 1e9;
      model.save(out);
      Map<SceneSplit.Part, Map<QuestionAxis, Double>> finalAcc = evaluate(hooked, split, 500, 12345);
      writePlot(out.resolve("training.png"), curve, evalCurve);
      writeModelCard(out, config, paramCount, trainSeconds, finalAcc);
      System.err.printf(Locale.ROOT, "trained in %.0f s; final held-out accuracy %s%n", trainSeconds, finalAcc);
    }
    return 0;
  }

  private LlavaModel initialModel(LlavaConfig config) {
    if (init == null) {
      return LlavaModel.initRandom(config, seed, LoadOptions.defaults());
    }
    LlavaModel m = LlavaModel.load(init, LoadOptions.defaults());
    if (!m.config().equals(config)) {
      m.close();
      throw new IllegalArgumentException(
          "--init " + init + " holds a different architecture than the recipe: " + m.config());
    }
    return m;
  }

  /**
   * The question types of a step's batch, cycled through its samples: left/right only at first,
   * then with above/below, then with colour (a fifth of the batch).
   */
  List<QuestionAxis> axesAt(int step) {
    String[] c = curriculum.split(",");
    int vertical = Integer.parseInt(c[0].trim());
    int colour = Integer.parseInt(c[1].trim());
    QuestionAxis h = QuestionAxis.HORIZONTAL;
    QuestionAxis v = QuestionAxis.VERTICAL;
    if (step > colour) {
      return List.of(h, v, h, v, QuestionAxis.COLOR);
    }
    return step > vertical ? List.of(h, v) : List.of(h);
  }

  /** One optimisation step; returns {loss, answer loss, cell loss, batch accuracy, grad norm}. */
  private double[] trainStep(
      LlavaModel model, Map<String, NDArray> params, Optimizer optimizer, NDManager sm, Batch b,
      boolean aux, int hidden, int vocab) {
    int n = b.size;
    int t = b.length;
    NDArray ids = sm.create(b.ids, new Shape(n, t));
    NDArray pixels = sm.create(b.pixels, new Shape(n, 3, b.imageSize, b.imageSize));
    NDArray answerSelect = sm.create(oneHot(b.answerRows, n * t), new Shape(n, n * t));
    NDArray answerTargets = sm.create(oneHot(b.answerIds, vocab), new Shape(n, vocab));
    double answerLoss;
    double cellLoss = 0;
    double accuracy;
    double total;
    try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
      NDArray[] layer1 = new NDArray[1];
      HookPoint l1 = HookPoint.lmResid(1);
      ForwardTap tap =
          (point, activation) -> {
            if (DEBUG) {
              float mx = activation.abs().max().getFloat();
              if (!Float.isFinite(mx) || mx > 1e4f) {
                System.err.println("DEBUG " + point + " max|a| = " + mx + " shape " + activation.getShape());
              }
            }
            if (aux && point.equals(l1)) {
              activation.attach(sm);
              layer1[0] = activation;
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
        int k = b.cellRows.length;
        NDArray select = sm.create(oneHot(b.cellRows, n * t), new Shape(k, n * t));
        NDArray words = select.matMul(layer1[0].reshape(n * t, hidden));
        int m = (int) Math.round(Math.sqrt(b.cellCount));
        int[] rowsOf = new int[k];
        int[] columnsOf = new int[k];
        for (int i = 0; i < k; i++) {
          rowsOf[i] = b.cells[i] / m;
          columnsOf[i] = b.cells[i] % m;
        }
        NDArray cl =
            headLoss(sm, words, params, "aux.row_head", rowsOf, m)
                .add(headLoss(sm, words, params, "aux.column_head", columnsOf, m));
        int colours = PaletteColor.values().length;
        cl = cl.add(headLoss(sm, words, params, "aux.color_head", b.colours, colours));
        cellLoss = cl.getFloat();
        loss = loss.add(cl.mul(scalar(sm, auxWeight)));
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
      NDArray p = params.get(e.getKey());
      if (!e.getKey().startsWith("aux.") || aux) {
        optimizer.update(e.getKey(), p, g);
      }
      g.subi(g);
    }
    return new double[] {total, answerLoss, cellLoss, accuracy, norm};
  }

  /** Mean cross-entropy of a linear probe {@code name} on {@code words} against {@code targets}. */
  private static NDArray headLoss(
      NDManager sm, NDArray words, Map<String, NDArray> params, String name, int[] targets, int classes) {
    NDArray logits =
        words.matMul(params.get(name + ".weight").transpose()).add(params.get(name + ".bias"));
    NDArray t = sm.create(oneHot(targets, classes), new Shape(targets.length, classes));
    return logits.logSoftmax(1).mul(t).sum().neg().div(scalar(sm, targets.length));
  }

  /**
   * A natively allocated scalar. DJL's {@code div(Number)} and friends wrap the number in an array
   * over a Java buffer and close it at once, while autograd keeps it for the backward pass, which
   * then reads freed memory (sporadic NaN gradients); {@code full} allocates in PyTorch.
   */
  private static NDArray scalar(NDManager m, float v) {
    return m.full(new Shape(), v, ai.djl.ndarray.types.DataType.FLOAT32);
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

  /**
   * Held-out accuracy per part and question type: the most likely next token over the whole
   * vocabulary must be the correct answer.
   */
  static Map<SceneSplit.Part, Map<QuestionAxis, Double>> evaluate(
      HookedLlava hooked, SceneSplit split, int samples, long seed) {
    Map<SceneSplit.Part, Map<QuestionAxis, Double>> out = new EnumMap<>(SceneSplit.Part.class);
    for (SceneSplit.Part part : HELD_OUT) {
      SceneSampler sampler = split.sampler(part).withRandomColors(true);
      Map<QuestionAxis, Double> byAxis = new EnumMap<>(QuestionAxis.class);
      for (QuestionAxis axis : AXES) {
        Random r = new Random(seed * 31 + axis.ordinal());
        List<RunRequest> requests = new ArrayList<>();
        List<String> correct = new ArrayList<>();
        for (Placement p : sampler.sample(seed + axis.ordinal(), samples, axis)) {
          SpatialQuestion q = SpatialQuestion.of(axis, p, r);
          requests.add(
              RunRequest.of(
                  TinyVlmRecipe.PROMPT.input(p.render(), q.text()),
                  RunSpec.builder().readWords(q.answers()).build()));
          correct.add(q.correctAnswer().orElseThrow());
        }
        List<RunResult> results = hooked.runAll(requests);
        int right = 0;
        for (int i = 0; i < results.size(); i++) {
          if (correct.get(i).equals(results.get(i).topToken())) {
            right++;
          }
        }
        byAxis.put(axis, right / (double) results.size());
      }
      out.put(part, byAxis);
    }
    return out;
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

  private static void writePlot(Path file, List<double[]> curve, List<double[]> evalCurve)
      throws IOException {
    XYChart chart =
        new XYChartBuilder().width(900).height(500).title("Tiny VLM training").xAxisTitle("step").build();
    double[] x = curve.stream().mapToDouble(c -> c[0]).toArray();
    chart.addSeries("loss", x, curve.stream().mapToDouble(c -> c[1]).toArray()).setMarker(org.knowm.xchart.style.markers.SeriesMarkers.NONE);
    chart.addSeries("train batch accuracy", x, smooth(curve.stream().mapToDouble(c -> c[2]).toArray(), 20))
        .setMarker(org.knowm.xchart.style.markers.SeriesMarkers.NONE);
    if (!evalCurve.isEmpty()) {
      chart.addSeries(
          "worst held-out accuracy",
          evalCurve.stream().mapToDouble(c -> c[0]).toArray(),
          evalCurve.stream().mapToDouble(c -> c[1]).toArray());
    }
    BitmapEncoder.saveBitmap(chart, file.toString(), BitmapEncoder.BitmapFormat.PNG);
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

  private void writeModelCard(
      Path dir, LlavaConfig config, long params, double seconds,
      Map<SceneSplit.Part, Map<QuestionAxis, Double>> acc) throws IOException {
    StringBuilder s = new StringBuilder();
    s.append("# vlmlens tiny VLM\n\n");
    s.append("A LLaVA-architecture model trained from scratch by `TrainTinyVlm` (vlmlens-examples) on the\n")
        .append("synthetic grid scenes of vlmlens-spatial: 64 px images, a 4 x 4 grid, 12 objects, six colours.\n")
        .append("It answers \"Is the {B} to the left or right of the {A}?\", \"Is the {B} above or below the {A}?\"\n")
        .append("and \"What color is the {A}, {c1} or {c2}?\" with one word.\n\n");
    s.append("## Architecture\n\n");
    s.append(String.format(Locale.ROOT,
        "- CLIP-style vision tower: %d px, patch %d, width %d, %d layers, %d heads, %s; features of the last layer, CLS dropped (%d image tokens)%n",
        config.vision().imageSize(), config.vision().patchSize(), config.vision().hiddenSize(),
        config.vision().numHiddenLayers(), config.vision().numAttentionHeads(), config.vision().hiddenAct(),
        config.numImageTokens()));
    s.append("- projector: linear, GELU, linear\n");
    s.append(String.format(Locale.ROOT,
        "- Llama-style decoder: width %d, %d blocks, %d heads, %d key-value heads, SwiGLU %d, RoPE theta %.0f%n",
        config.text().hiddenSize(), config.text().numHiddenLayers(), config.text().numAttentionHeads(),
        config.text().numKeyValueHeads(), config.text().intermediateSize(), config.text().ropeTheta()));
    s.append(String.format(Locale.ROOT, "- %,d parameters (float32); word-level tokenizer of %d tokens%n%n",
        params, config.text().vocabSize()));
    s.append("## Training\n\n");
    s.append(String.format(Locale.ROOT,
        "`TrainTinyVlm --steps %d --batch %d --lr %s --warmup %d --aux-steps %d --aux-weight %s --curriculum %s --seed %d%s%s`: %.1f minutes on this machine's CPU (2 cores, shared).%n%n",
        steps, batch, learningRate, warmup, auxSteps, auxWeight, curriculum, seed,
        control ? " --control" : "", init == null ? "" : " --init " + init.getFileName(), seconds / 60));
    if (init != null) {
      s.append("This run continued from the weights of an earlier run of the program (`--init`), whose own\n")
          .append("model card and log are kept as `stage1_MODEL_CARD.md` and `stage1_training_log.jsonl`.\n\n");
    }
    s.append("Loss on the answer token only (cross-entropy over the whole vocabulary), AdamW, warm-up then\n")
        .append("cosine decay, gradient norm clipped at 1, fresh batches every step. Curriculum (`--curriculum`):\n")
        .append("left/right questions only, then with above/below, then two fifths of each with one fifth colour.\n\n");
    if (!control) {
      s.append("**An auxiliary spatial loss was used** for the first ").append(auxSteps)
          .append(" steps: linear heads read each object word's grid row, grid\n")
          .append("column and colour from `lm.1.resid_post` (4-, 4- and 6-way cross-entropy, summed, weight ").append(auxWeight)
          .append(").\nWithout it this set-up stays at chance. It seeds\n")
          .append("the very routing (object positions carried by the object words) that the experiments measure, so\n")
          .append("findings about object-word routing on this model are partly by construction; the head is not shipped.\n\n");
    }
    s.append("## Held-out accuracy\n\n");
    s.append("Most likely next token over the whole vocabulary, 500 samples per cell, object pairs and/or placements never seen in training:\n\n");
    s.append("| part | left/right | above/below | colour |\n|---|---|---|---|\n");
    for (var e : acc.entrySet()) {
      s.append("| ").append(e.getKey().name().toLowerCase(Locale.ROOT));
      for (QuestionAxis a : AXES) {
        s.append(String.format(Locale.ROOT, " | %.3f", e.getValue().get(a)));
      }
      s.append(" |\n");
    }
    s.append("\nThe training log is `training_log.jsonl` (every 10 steps, held-out accuracy every ")
        .append(evalEvery).append(" steps) and `training.png`.\n");
    Files.writeString(dir.resolve("MODEL_CARD.md"), s.toString(), StandardCharsets.UTF_8);
  }

  /** One training batch, on the host. */
  static final class Batch {
    int size;
    int length;
    int imageSize;
    long[] ids;
    float[] pixels;
    int[] answerRows;
    int[] answerIds;
    int[] cellRows;
    int[] cells;
    int[] colours;
    int cellCount;

    static Batch sample(
        HookedLlava hooked, SceneSampler sampler, Random random, int n, int cellCount, List<QuestionAxis> mix) {
      List<Tokenization> toks = new ArrayList<>();
      List<float[]> pix = new ArrayList<>();
      List<String> answers = new ArrayList<>();
      List<int[]> objectCells = new ArrayList<>();
      int maxLen = 0;
      for (int i = 0; i < n; i++) {
        QuestionAxis axis = mix.get(i % mix.size());
        Placement p = sampler.next(random, axis);
        SpatialQuestion q = SpatialQuestion.of(axis, p, random);
        var image = p.render();
        VlmInput in = TinyVlmRecipe.PROMPT.input(image, q.text());
        Tokenization t = hooked.tokenize(in);
        toks.add(t);
        pix.add(hooked.pixelValues(image));
        answers.add(q.correctAnswer().orElseThrow());
        List<Integer> cells = new ArrayList<>();
        for (String w : q.objectWords()) {
          int pos = t.lastSubToken(w);
          var placed = w.equals(p.b().word()) ? p.b() : p.a();
          cells.add(pos);
          cells.add(placed.cell().index(p.grid().gridSize()));
          cells.add(placed.color().ordinal());
        }
        objectCells.add(cells.stream().mapToInt(Integer::intValue).toArray());
        maxLen = Math.max(maxLen, t.length());
      }
      Batch b = new Batch();
      b.size = n;
      b.length = maxLen;
      b.cellCount = cellCount;
      b.imageSize = (int) Math.round(Math.sqrt(pix.get(0).length / 3.0));
      b.ids = new long[n * maxLen];
      b.pixels = new float[n * pix.get(0).length];
      b.answerRows = new int[n];
      b.answerIds = new int[n];
      List<Integer> rows = new ArrayList<>();
      List<Integer> cells = new ArrayList<>();
      List<Integer> colours = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        int[] ids = toks.get(i).ids();
        for (int j = 0; j < maxLen; j++) {
          b.ids[i * maxLen + j] = j < ids.length ? ids[j] : TinyVlmRecipe.PAD_ID;
        }
        System.arraycopy(pix.get(i), 0, b.pixels, i * pix.get(i).length, pix.get(i).length);
        b.answerRows[i] = i * maxLen + ids.length - 1;
        b.answerIds[i] = hooked.answerTokenId(answers.get(i));
        int[] oc = objectCells.get(i);
        for (int k = 0; k < oc.length; k += 3) {
          rows.add(i * maxLen + oc[k]);
          cells.add(oc[k + 1]);
          colours.add(oc[k + 2]);
        }
      }
      b.cellRows = rows.stream().mapToInt(Integer::intValue).toArray();
      b.cells = cells.stream().mapToInt(Integer::intValue).toArray();
      b.colours = colours.stream().mapToInt(Integer::intValue).toArray();
      return b;
    }
  }
}
