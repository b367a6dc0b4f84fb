package io.github.vlmlens.hooks.train;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.vlmlens.core.API;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a fine-tuning run did: every step's losses, every evaluation, the last checkpoint, and
 * what it cost (steps per second and peak resident memory of this process).
 *
 * @param config the settings
 * @param trainableParameters the names of the trained parameters, in checkpoint order
 * @param trainableValues how many values they hold
 * @param steps one record per step done, in order (a resumed run includes the steps before the kill)
 * @param evaluations the evaluations, in step order
 * @param checkpoint the newest checkpoint directory (Hugging Face layout), or null when none was written
 * @param stepsPerSecond steps done by this process per second of its training (evaluation excluded)
 * @param peakRssBytes the process's peak resident memory ({@code VmHWM}), or -1 where unknown
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.2.0")
public record FineTuneResult(
    FineTuneConfig config,
    List<String> trainableParameters,
    long trainableValues,
    List<StepRecord> steps,
    List<EvalRecord> evaluations,
    Path checkpoint,
    double stepsPerSecond,
    long peakRssBytes) {
  private static final JsonMapper JSON = JsonMapper.builder().build();

  /** Copies the lists. */
  public FineTuneResult {
    trainableParameters = List.copyOf(trainableParameters);
    steps = List.copyOf(steps);
    evaluations = List.copyOf(evaluations);
  }

  /**
   * One optimisation step.
   *
   * @param lmLoss the answer tokens' mean cross-entropy
   * @param spatialLoss the spatial-ID loss (NaN when the batch had no usable anchor or no layer is set)
   * @param loss what was minimised: {@code lmLoss + weight * spatialLoss}
   * @param gradNorm the global gradient norm before clipping
   * @param learningRate the step's learning rate
   */
  public record StepRecord(
      int step, double lmLoss, double spatialLoss, double loss, double gradNorm, double learningRate) {}

  /**
   * One evaluation.
   *
   * @param step the steps done before it (0: the starting model)
   * @param lmLoss the mean training LM loss of the steps since the previous evaluation (at step 0:
   *     of the first batch, before any update)
   * @param spatialLoss the same for the spatial-ID loss
   * @param metrics what the {@link Evaluation} returned
   */
  public record EvalRecord(int step, double lmLoss, double spatialLoss, Map<String, Double> metrics) {
    /** Copies the metrics. */
    public EvalRecord {
      metrics = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(metrics));
    }
  }

  /** The evaluation at a step, if any. */
  public java.util.Optional<EvalRecord> evaluationAt(int step) {
    return evaluations.stream().filter(e -> e.step() == step).findFirst();
  }

  /** The result as JSON. */
  public ObjectNode toJson() {
    ObjectNode o = JSON.createObjectNode();
    o.set("config", config.toJson());
    ArrayNode names = o.putArray("trainable_parameters");
    trainableParameters.forEach(names::add);
    o.put("trainable_values", trainableValues);
    o.put("steps_per_second", stepsPerSecond);
    if (peakRssBytes >= 0) {
      o.put("peak_rss_bytes", peakRssBytes);
    } else {
      o.putNull("peak_rss_bytes"); // unknown on this platform
    }
    o.put("checkpoint", checkpoint == null ? null : checkpoint.toString());
    o.set("evaluations", evaluationsJson(evaluations));
    o.set("steps", stepsJson(steps));
    return o;
  }

  static ArrayNode stepsJson(List<StepRecord> steps) {
    ArrayNode a = JSON.createArrayNode();
    for (StepRecord s : steps) {
      ObjectNode n = a.addObject();
      n.put("step", s.step());
      putNumber(n, "lm_loss", s.lmLoss());
      putNumber(n, "spatial_loss", s.spatialLoss());
      putNumber(n, "loss", s.loss());
      putNumber(n, "grad_norm", s.gradNorm());
      n.put("lr", s.learningRate());
    }
    return a;
  }

  static ArrayNode evaluationsJson(List<EvalRecord> evals) {
    ArrayNode a = JSON.createArrayNode();
    for (EvalRecord e : evals) {
      ObjectNode n = a.addObject();
      n.put("step", e.step());
      putNumber(n, "lm_loss", e.lmLoss());
      putNumber(n, "spatial_loss", e.spatialLoss());
      ObjectNode m = n.putObject("metrics");
      e.metrics().forEach((k, v) -> putNumber(m, k, v));
    }
    return a;
  }

  static List<StepRecord> stepsFromJson(JsonNode a) {
    List<StepRecord> out = new ArrayList<>();
    for (JsonNode n : a) {
      out.add(new StepRecord(n.get("step").asInt(), num(n, "lm_loss"), num(n, "spatial_loss"), num(n, "loss"),
          num(n, "grad_norm"), n.get("lr").asDouble()));
    }
    return out;
  }

  static List<EvalRecord> evaluationsFromJson(JsonNode a) {
    List<EvalRecord> out = new ArrayList<>();
    for (JsonNode n : a) {
      Map<String, Double> m = new LinkedHashMap<>();
      n.get("metrics").fields().forEachRemaining(e -> m.put(e.getKey(), e.getValue().isNull() ? Double.NaN
          : e.getValue().asDouble()));
      out.add(new EvalRecord(n.get("step").asInt(), num(n, "lm_loss"), num(n, "spatial_loss"), m));
    }
    return out;
  }

  private static void putNumber(ObjectNode n, String key, double v) {
    if (Double.isFinite(v)) {
      n.put(key, v);
    } else {
      n.putNull(key);
    }
  }

  private static double num(JsonNode n, String key) {
    JsonNode v = n.get(key);
    return v == null || v.isNull() ? Double.NaN : v.asDouble();
  }
}
