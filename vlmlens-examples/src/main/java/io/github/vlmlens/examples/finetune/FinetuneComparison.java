package io.github.vlmlens.examples.finetune;

import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.vlmlens.core.API;
import io.github.vlmlens.core.report.HtmlPage;
import io.github.vlmlens.core.report.Plot;
import io.github.vlmlens.hooks.LoadOptions;
import io.github.vlmlens.hooks.train.Evaluation;
import io.github.vlmlens.hooks.train.FineTuneConfig;
import io.github.vlmlens.hooks.train.FineTuneResult;
import io.github.vlmlens.hooks.train.FineTuner;
import io.github.vlmlens.hooks.train.TrainingData;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.LongFunction;

/**
 * The fair comparison of METHOD.md section 5: for every seed, a control arm (spatial-ID loss
 * weight 0: measured, not trained on) and a spatial-loss arm, both from the same initial weights,
 * on exactly the same batches in the same order ({@code data.apply(seed)} for both), with the same
 * configuration otherwise. Each run lives in {@code out/seed-S/<arm>/} and resumes after a kill.
 * The table gives, at every evaluation step, each arm's training LM loss, spatial-ID loss and
 * held-out accuracy as a mean over seeds with a 95% t interval, and the paired difference of
 * accuracy (spatial minus control, per seed); convergence is summarised by the mean accuracy over
 * the evaluations after step 0 (an area under the curve) and the first evaluation step reaching a
 * target accuracy.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.2.0")
public final class FinetuneComparison {
  /** The JSON record's file name. */
  public static final String JSON_FILE = "comparison.json";
  /** The report's file name. */
  public static final String HTML_FILE = "comparison.html";
  /** The arms, in order. */
  public static final List<String> ARMS = List.of("control", "spatial");
  private static final JsonMapper JSON = JsonMapper.builder().build();

  private FinetuneComparison() {}

  /** Every run's result, by arm then seed, and the summary. */
  public record Outcome(Map<String, Map<Long, FineTuneResult>> runs, ObjectNode summary) {}

  /**
   * Runs (or resumes) both arms for every seed and writes {@value #JSON_FILE} and
   * {@value #HTML_FILE}.
   *
   * @param config the spatial arm's configuration (its spatial layer and weight > 0); the control
   *     arm is the same with weight 0; the seed is replaced by each seed in turn
   * @param metric the evaluation metric compared (e.g. {@link SpatialHeldOut#MEAN})
   * @param targetAccuracy the accuracy whose first reaching step is reported
   * @param progress whether each run shows its progress ({@link FineTuner#withProgress})
   */
  public static Outcome run(
      Path init, LoadOptions options, FineTuneConfig config, List<Long> seeds, LongFunction<TrainingData> data,
      Evaluation evaluation, String metric, double targetAccuracy, Path out, String command, Consumer<String> log,
      boolean progress) {
    if (config.spatialLayer() < 0 || config.spatialWeight() <= 0) {
      throw new IllegalArgumentException("the spatial arm needs a spatial layer and a weight > 0, got " + config);
    }
    Map<String, Map<Long, FineTuneResult>> runs = new LinkedHashMap<>();
    ARMS.forEach(a -> runs.put(a, new LinkedHashMap<>()));
    for (long seed : seeds) {
      for (String arm : ARMS) {
        FineTuneConfig c = config.toBuilder()
            .seed(seed)
            .spatialLoss(config.spatialLayer(), arm.equals("control") ? 0 : config.spatialWeight())
            .build();
        Path dir = out.resolve("seed-" + seed).resolve(arm);
        log.accept("== seed " + seed + ", " + arm + " arm -> " + dir);
        try (FineTuner t = FineTuner.open(init, options, c, dir).withLog(s -> log.accept("[" + arm + " " + seed + "] " + s))) {
          if (progress) {
            t.withProgress(arm + " arm, seed " + seed);
          }
          runs.get(arm).put(seed, t.run(data.apply(seed), evaluation));
        }
      }
    }
    ObjectNode summary = summarise(runs, seeds, metric, targetAccuracy, config, init, command);
    write(out, summary, runs, metric);
    return new Outcome(runs, summary);
  }

  static ObjectNode summarise(
      Map<String, Map<Long, FineTuneResult>> runs, List<Long> seeds, String metric, double target,
      FineTuneConfig config, Path init, String command) {
    ObjectNode o = JSON.createObjectNode();
    o.put("command", command);
    o.put("init", init.toAbsolutePath().toString());
    o.set("config", config.toJson());
    ArrayNode s = o.putArray("seeds");
    seeds.forEach(s::add);
    o.put("metric", metric);
    o.put("target_accuracy", target);
    FineTuneResult first = runs.get("control").get(seeds.get(0));
    o.put("trainable_values", first.trainableValues());
    ArrayNode table = o.putArray("table");
    for (FineTuneResult.EvalRecord e : first.evaluations()) {
      int step = e.step();
      ObjectNode row = table.addObject();
      row.put("step", step);
      for (String arm : ARMS) {
        ObjectNode a = row.putObject(arm);
        a.set("lm_loss", interval(collect(runs.get(arm), seeds, r -> r.evaluationAt(step).orElseThrow().lmLoss())));
        a.set("spatial_loss",
            interval(collect(runs.get(arm), seeds, r -> r.evaluationAt(step).orElseThrow().spatialLoss())));
        a.set("accuracy", interval(collect(runs.get(arm), seeds, r -> accuracy(r, step, metric))));
      }
      double[] diff = new double[seeds.size()];
      for (int i = 0; i < seeds.size(); i++) {
        diff[i] = accuracy(runs.get("spatial").get(seeds.get(i)), step, metric)
            - accuracy(runs.get("control").get(seeds.get(i)), step, metric);
      }
      row.set("accuracy_difference", interval(diff));
    }
    ObjectNode conv = o.putObject("convergence");
    double[][] auc = new double[2][seeds.size()];
    for (int k = 0; k < 2; k++) {
      String arm = ARMS.get(k);
      ObjectNode a = conv.putObject(arm);
      double[] reach = new double[seeds.size()];
      ArrayNode reachSeeds = a.putArray("first_step_reaching_target");
      for (int i = 0; i < seeds.size(); i++) {
        FineTuneResult r = runs.get(arm).get(seeds.get(i));
        double sum = 0;
        int n = 0;
        reach[i] = Double.NaN;
        for (FineTuneResult.EvalRecord e : r.evaluations()) {
          double acc = e.metrics().getOrDefault(metric, Double.NaN);
          if (e.step() > 0) {
            sum += acc;
            n++;
          }
          if (Double.isNaN(reach[i]) && acc >= target) {
            reach[i] = e.step();
          }
        }
        auc[k][i] = sum / Math.max(1, n);
        if (Double.isNaN(reach[i])) {
          reachSeeds.addNull();
        } else {
          reachSeeds.add((int) reach[i]);
        }
      }
      a.set("mean_accuracy_over_evaluations", interval(auc[k]));
      a.set("final_accuracy", interval(collect(runs.get(arm), seeds,
          r -> r.evaluations().get(r.evaluations().size() - 1).metrics().getOrDefault(metric, Double.NaN))));
      a.set("steps_per_second", interval(collect(runs.get(arm), seeds, FineTuneResult::stepsPerSecond)));
      long peak = runs.get(arm).values().stream().mapToLong(FineTuneResult::peakRssBytes).max().orElse(-1);
      if (peak >= 0) {
        a.put("peak_rss_bytes", peak);
      } else {
        a.putNull("peak_rss_bytes"); // unknown on this platform
      }
    }
    double[] aucDiff = new double[seeds.size()];
    double[] finalDiff = new double[seeds.size()];
    for (int i = 0; i < seeds.size(); i++) {
      aucDiff[i] = auc[1][i] - auc[0][i];
      FineTuneResult sp = runs.get("spatial").get(seeds.get(i));
      FineTuneResult co = runs.get("control").get(seeds.get(i));
      finalDiff[i] = last(sp, metric) - last(co, metric);
    }
    conv.set("mean_accuracy_difference", interval(aucDiff));
    conv.set("final_accuracy_difference", interval(finalDiff));
    return o;
  }

  private static double last(FineTuneResult r, String metric) {
    return r.evaluations().get(r.evaluations().size() - 1).metrics().getOrDefault(metric, Double.NaN);
  }

  private static double accuracy(FineTuneResult r, int step, String metric) {
    return r.evaluationAt(step).orElseThrow().metrics().getOrDefault(metric, Double.NaN);
  }

  private static double[] collect(
      Map<Long, FineTuneResult> bySeed, List<Long> seeds, java.util.function.ToDoubleFunction<FineTuneResult> f) {
    double[] v = new double[seeds.size()];
    for (int i = 0; i < v.length; i++) {
      v[i] = f.applyAsDouble(bySeed.get(seeds.get(i)));
    }
    return v;
  }

  /** Mean, standard deviation and the 95% t interval of the mean, with the values. */
  static ObjectNode interval(double[] v) {
    ObjectNode o = JSON.createObjectNode();
    int n = 0;
    double sum = 0;
    for (double x : v) {
      if (!Double.isNaN(x)) {
        sum += x;
        n++;
      }
    }
    ArrayNode vals = o.putArray("values");
    for (double x : v) {
      if (Double.isNaN(x)) {
        vals.addNull();
      } else {
        vals.add(x);
      }
    }
    if (n == 0) {
      o.putNull("mean");
      return o;
    }
    double mean = sum / n;
    double ss = 0;
    for (double x : v) {
      if (!Double.isNaN(x)) {
        ss += (x - mean) * (x - mean);
      }
    }
    o.put("mean", mean);
    if (n >= 2) {
      double sd = Math.sqrt(ss / (n - 1));
      double half = tQuantile975(n - 1) * sd / Math.sqrt(n);
      o.put("sd", sd);
      o.put("lo", mean - half);
      o.put("hi", mean + half);
    }
    return o;
  }

  /** The 0.975 quantile of Student's t with {@code df} degrees of freedom (Commons Math). */
  static double tQuantile975(int df) {
    return new org.apache.commons.math3.distribution.TDistribution(df).inverseCumulativeProbability(0.975);
  }

  /** An interval node of the summary as {@code mean [lo, hi]}. */
  public static String format(com.fasterxml.jackson.databind.JsonNode iv, int digits) {
    if (iv.get("mean") == null || iv.get("mean").isNull()) {
      return "-";
    }
    String f = "%." + digits + "f";
    String s = String.format(Locale.ROOT, f, iv.get("mean").asDouble());
    if (iv.has("lo")) {
      s += String.format(Locale.ROOT, " [" + f + ", " + f + "]", iv.get("lo").asDouble(), iv.get("hi").asDouble());
    }
    return s;
  }

  private static void write(Path out, ObjectNode summary, Map<String, Map<Long, FineTuneResult>> runs, String metric) {
    try {
      Files.createDirectories(out);
      writeAtomically(out.resolve(JSON_FILE), summary.toPrettyString());
      HtmlPage page = HtmlPage.titled("Fine-tuning with a spatial-ID loss: control vs spatial-ID loss");
      page.paragraph(String.format(Locale.ROOT,
          "Both arms start from %s and see exactly the same batches in the same order for each seed (seeds %s); the "
              + "control arm measures the spatial-ID loss but gives it weight 0. Means over seeds with 95%% t intervals. "
              + "Trainable values: %,d. Command: %s",
          summary.get("init").asText(), summary.get("seeds"), summary.get("trainable_values").asLong(),
          summary.get("command").asText()));
      List<String> header = List.of("step", "LM loss (control)", "LM loss (spatial)", "spatial-ID loss (control)",
          "spatial-ID loss (spatial)", "accuracy (control)", "accuracy (spatial)", "accuracy difference");
      List<List<String>> rows = new ArrayList<>();
      for (var row : summary.get("table")) {
        rows.add(List.of(row.get("step").asText(),
            format(row.get("control").get("lm_loss"), 4), format(row.get("spatial").get("lm_loss"), 4),
            format(row.get("control").get("spatial_loss"), 4), format(row.get("spatial").get("spatial_loss"), 4),
            format(row.get("control").get("accuracy"), 3), format(row.get("spatial").get("accuracy"), 3),
            format(row.get("accuracy_difference"), 3)));
      }
      page.subheading("By evaluation step (" + metric + ")");
      page.table(header, rows);
      var conv = summary.get("convergence");
      page.subheading("Convergence");
      page.table(List.of("", "control", "spatial", "difference (spatial - control)"), List.of(
          List.of("mean accuracy over evaluations after step 0",
              format(conv.get("control").get("mean_accuracy_over_evaluations"), 3),
              format(conv.get("spatial").get("mean_accuracy_over_evaluations"), 3),
              format(conv.get("mean_accuracy_difference"), 3)),
          List.of("final accuracy", format(conv.get("control").get("final_accuracy"), 3),
              format(conv.get("spatial").get("final_accuracy"), 3), format(conv.get("final_accuracy_difference"), 3)),
          List.of("first step reaching " + summary.get("target_accuracy").asDouble() + " (per seed)",
              conv.get("control").get("first_step_reaching_target").toString(),
              conv.get("spatial").get("first_step_reaching_target").toString(), ""),
          List.of("steps/s", format(conv.get("control").get("steps_per_second"), 2),
              format(conv.get("spatial").get("steps_per_second"), 2), "")));
      page.chartRow(List.of(armPlot(summary, "accuracy", "Held-out accuracy (" + metric + ")", "accuracy"),
          armPlot(summary, "lm_loss", "LM loss", "LM loss")));
      Map<String, String> facts = new LinkedHashMap<>();
      facts.put("initial weights", summary.get("init").asText());
      facts.put("seeds", summary.get("seeds").toString());
      facts.put("metric", metric);
      facts.put("target accuracy", summary.get("target_accuracy").asText());
      facts.put("trainable values", summary.get("trainable_values").asText());
      facts.put("command", summary.get("command").asText());
      page.settings(summary.get("config"), facts);
      page.write(out.resolve(HTML_FILE));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the comparison report in " + out + ": " + e.getMessage(), e);
    }
  }

  /** Both arms' mean over seeds of one quantity by step, their 95% t intervals shaded. */
  private static Plot armPlot(ObjectNode summary, String key, String title, String yTitle) {
    Plot p = Plot.lines(title + " by step (mean over seeds; shaded: 95% t interval)", "step", yTitle)
        .withSize(520, 380).withIntegerX();
    for (int k = 0; k < ARMS.size(); k++) {
      List<double[]> pts = new ArrayList<>();
      for (var row : summary.get("table")) {
        var iv = row.get(ARMS.get(k)).get(key);
        pts.add(new double[] {row.get("step").asDouble(), value(iv, "mean"), value(iv, "lo"), value(iv, "hi")});
      }
      double[][] cols = new double[4][pts.size()];
      for (int i = 0; i < pts.size(); i++) {
        for (int c = 0; c < 4; c++) {
          cols[c][i] = pts.get(i)[c];
        }
      }
      p = p.with(Plot.Series.line(ARMS.get(k), cols[0], cols[1], k).withBand(cols[2], cols[3]));
    }
    return p;
  }

  private static double value(com.fasterxml.jackson.databind.JsonNode iv, String field) {
    return iv.hasNonNull(field) ? iv.get(field).asDouble() : Double.NaN;
  }

  private static void writeAtomically(Path file, String text) throws IOException {
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    Files.writeString(tmp, text, StandardCharsets.UTF_8);
    Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }
}
