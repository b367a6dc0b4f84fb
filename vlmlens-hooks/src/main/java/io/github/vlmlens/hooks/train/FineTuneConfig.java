package io.github.vlmlens.hooks.train;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.vlmlens.core.API;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * The settings of a fine-tuning run (immutable; {@link #builder()}).
 *
 * <ul>
 *   <li>Trainable parameters: those whose Hugging Face name fully matches one of
 *       {@link #trainable()} (Java regular expressions); every other parameter is frozen (gets no
 *       gradient and stays bit-identical). {@link #maxTrainableParameters()} is a budget: a run
 *       whose patterns select more values is refused.
 *   <li>Loss: the answer token's cross-entropy (prompt tokens masked) plus
 *       {@link #spatialWeight()} times the spatial-ID loss at {@code lm.}{@link #spatialLayer()}
 *       {@code .resid_post}: {@code 1 - mean cos(h_L(w) - mean_group h_L, ID(cell of w))} over
 *       the anchors of a batch (the group mean subtracted when {@link #centre()}). With weight 0
 *       the spatial-ID loss is still measured and reported, but adds nothing.
 *   <li>AdamW (decoupled weight decay, as PyTorch's) with linear warm-up to
 *       {@link #learningRate()} then cosine decay to {@link #finalLrFraction()} of it at the last
 *       step; gradient norm clipped at {@link #clipNorm()} (0: off).
 *   <li>Evaluation every {@link #evalEvery()} steps (and at 0 and the end); a checkpoint every
 *       {@link #checkpointEvery()} steps (and at the end), the newest {@link #keepCheckpoints()}
 *       kept.
 * </ul>
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.2.0")
public final class FineTuneConfig {
  private static final JsonMapper JSON = JsonMapper.builder().build();

  private final int steps;
  private final double learningRate;
  private final int warmupSteps;
  private final double finalLrFraction;
  private final double weightDecay;
  private final double beta1;
  private final double beta2;
  private final double epsilon;
  private final double clipNorm;
  private final List<String> trainable;
  private final long maxTrainableParameters;
  private final int spatialLayer;
  private final double spatialWeight;
  private final boolean centre;
  private final long seed;
  private final int evalEvery;
  private final int checkpointEvery;
  private final int keepCheckpoints;

  private FineTuneConfig(Builder b) {
    this.steps = b.steps;
    this.learningRate = b.learningRate;
    this.warmupSteps = b.warmupSteps;
    this.finalLrFraction = b.finalLrFraction;
    this.weightDecay = b.weightDecay;
    this.beta1 = b.beta1;
    this.beta2 = b.beta2;
    this.epsilon = b.epsilon;
    this.clipNorm = b.clipNorm;
    this.trainable = List.copyOf(b.trainable);
    this.maxTrainableParameters = b.maxTrainableParameters;
    this.spatialLayer = b.spatialLayer;
    this.spatialWeight = b.spatialWeight;
    this.centre = b.centre;
    this.seed = b.seed;
    this.evalEvery = b.evalEvery;
    this.checkpointEvery = b.checkpointEvery;
    this.keepCheckpoints = b.keepCheckpoints;
  }

  /** A builder with the defaults: see each setter. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder holding this configuration's settings. */
  public Builder toBuilder() {
    return fromJson(toJson());
  }

  /** Optimisation steps. */
  public int steps() {
    return steps;
  }

  /** The peak learning rate. */
  public double learningRate() {
    return learningRate;
  }

  /** Linear warm-up steps. */
  public int warmupSteps() {
    return warmupSteps;
  }

  /** The learning rate at the last step, as a fraction of the peak. */
  public double finalLrFraction() {
    return finalLrFraction;
  }

  /** AdamW's decoupled weight decay. */
  public double weightDecay() {
    return weightDecay;
  }

  /** AdamW's beta1. */
  public double beta1() {
    return beta1;
  }

  /** AdamW's beta2. */
  public double beta2() {
    return beta2;
  }

  /** AdamW's epsilon. */
  public double epsilon() {
    return epsilon;
  }

  /** The global gradient-norm clip (0: none). */
  public double clipNorm() {
    return clipNorm;
  }

  /** Regular expressions; a parameter trains when its name fully matches one. */
  public List<String> trainable() {
    return trainable;
  }

  /** The most values the trainable parameters may hold (0: no budget). */
  public long maxTrainableParameters() {
    return maxTrainableParameters;
  }

  /** The layer of the spatial-ID loss ({@code lm.L.resid_post}), or -1 for none. */
  public int spatialLayer() {
    return spatialLayer;
  }

  /** The weight of the spatial-ID loss. */
  public double spatialWeight() {
    return spatialWeight;
  }

  /** Whether anchors are centred by their group's batch mean before the cosine. */
  public boolean centre() {
    return centre;
  }

  /** The run's seed (recorded; the data source draws its batches from it). */
  public long seed() {
    return seed;
  }

  /** Evaluation period in steps (0: only at the start and the end). */
  public int evalEvery() {
    return evalEvery;
  }

  /** Checkpoint period in steps (0: only at the end). */
  public int checkpointEvery() {
    return checkpointEvery;
  }

  /** How many checkpoints to keep (the newest). */
  public int keepCheckpoints() {
    return keepCheckpoints;
  }

  /** The learning rate of step {@code step} (1-based). */
  public double learningRateAt(int step) {
    if (step <= warmupSteps) {
      return learningRate * step / Math.max(1, warmupSteps);
    }
    int decay = Math.max(1, steps - warmupSteps);
    double progress = Math.min(1.0, (step - warmupSteps) / (double) decay);
    double cosine = 0.5 * (1 + Math.cos(Math.PI * progress));
    return learningRate * (finalLrFraction + (1 - finalLrFraction) * cosine);
  }

  /** Whether a parameter name is trainable. */
  public boolean isTrainable(String name) {
    for (String p : trainable) {
      if (Pattern.matches(p, name)) {
        return true;
      }
    }
    return false;
  }

  /** The settings as JSON (what a checkpoint records, and what a resumed run must match). */
  public ObjectNode toJson() {
    ObjectNode o = JSON.createObjectNode();
    o.put("steps", steps);
    o.put("learning_rate", learningRate);
    o.put("warmup_steps", warmupSteps);
    o.put("final_lr_fraction", finalLrFraction);
    o.put("weight_decay", weightDecay);
    o.put("beta1", beta1);
    o.put("beta2", beta2);
    o.put("epsilon", epsilon);
    o.put("clip_norm", clipNorm);
    ArrayNode t = o.putArray("trainable");
    trainable.forEach(t::add);
    o.put("max_trainable_parameters", maxTrainableParameters);
    if (spatialLayer >= 0) {
      o.put("spatial_layer", spatialLayer);
    } else {
      o.putNull("spatial_layer"); // no spatial-ID loss
    }
    o.put("spatial_weight", spatialWeight);
    o.put("centre", centre);
    o.put("seed", seed);
    o.put("eval_every", evalEvery);
    o.put("checkpoint_every", checkpointEvery);
    o.put("keep_checkpoints", keepCheckpoints);
    return o;
  }

  /** A builder from {@link #toJson()}'s form. */
  public static Builder fromJson(JsonNode o) {
    Builder b = builder();
    b.steps(o.get("steps").asInt())
        .learningRate(o.get("learning_rate").asDouble())
        .warmupSteps(o.get("warmup_steps").asInt())
        .finalLrFraction(o.get("final_lr_fraction").asDouble())
        .weightDecay(o.get("weight_decay").asDouble())
        .betas(o.get("beta1").asDouble(), o.get("beta2").asDouble())
        .epsilon(o.get("epsilon").asDouble())
        .clipNorm(o.get("clip_norm").asDouble())
        .maxTrainableParameters(o.get("max_trainable_parameters").asLong())
        .spatialLoss(o.get("spatial_layer").isNull() ? -1 : o.get("spatial_layer").asInt(), o.get("spatial_weight").asDouble())
        .centre(o.get("centre").asBoolean())
        .seed(o.get("seed").asLong())
        .evalEvery(o.get("eval_every").asInt())
        .checkpointEvery(o.get("checkpoint_every").asInt())
        .keepCheckpoints(o.get("keep_checkpoints").asInt());
    List<String> t = new ArrayList<>();
    o.get("trainable").forEach(n -> t.add(n.asText()));
    return b.trainable(t);
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof FineTuneConfig c && c.toJson().equals(toJson());
  }

  @Override
  public int hashCode() {
    return toJson().hashCode();
  }

  @Override
  public String toString() {
    return "FineTuneConfig" + toJson();
  }

  /** Builds a {@link FineTuneConfig}. */
  public static final class Builder {
    private int steps = 100;
    private double learningRate = 1e-4;
    private int warmupSteps = 0;
    private double finalLrFraction = 0.0;
    private double weightDecay = 0.01;
    private double beta1 = 0.9;
    private double beta2 = 0.999;
    private double epsilon = 1e-8;
    private double clipNorm = 1.0;
    private List<String> trainable = List.of(".*");
    private long maxTrainableParameters = 0;
    private int spatialLayer = -1;
    private double spatialWeight = 0;
    private boolean centre = true;
    private long seed = 0;
    private int evalEvery = 0;
    private int checkpointEvery = 0;
    private int keepCheckpoints = 2;

    private Builder() {}

    /** Optimisation steps (default 100). */
    public Builder steps(int n) {
      this.steps = n;
      return this;
    }

    /** The peak learning rate (default 1e-4). */
    public Builder learningRate(double lr) {
      this.learningRate = lr;
      return this;
    }

    /** Linear warm-up steps (default 0). */
    public Builder warmupSteps(int n) {
      this.warmupSteps = n;
      return this;
    }

    /** The final learning rate as a fraction of the peak (default 0). */
    public Builder finalLrFraction(double f) {
      this.finalLrFraction = f;
      return this;
    }

    /** AdamW's decoupled weight decay (default 0.01, PyTorch's). */
    public Builder weightDecay(double wd) {
      this.weightDecay = wd;
      return this;
    }

    /** AdamW's betas (default 0.9, 0.999). */
    public Builder betas(double b1, double b2) {
      this.beta1 = b1;
      this.beta2 = b2;
      return this;
    }

    /** AdamW's epsilon (default 1e-8). */
    public Builder epsilon(double eps) {
      this.epsilon = eps;
      return this;
    }

    /** The global gradient-norm clip (default 1; 0 turns it off). */
    public Builder clipNorm(double c) {
      this.clipNorm = c;
      return this;
    }

    /** Regular expressions over parameter names, full match (default {@code .*}: everything). */
    public Builder trainable(List<String> patterns) {
      this.trainable = List.copyOf(patterns);
      return this;
    }

    /** Regular expressions over parameter names, full match. */
    public Builder trainable(String... patterns) {
      return trainable(List.of(patterns));
    }

    /** A budget of trainable values (default 0: none). */
    public Builder maxTrainableParameters(long n) {
      this.maxTrainableParameters = n;
      return this;
    }

    /** The spatial-ID loss at {@code lm.layer.resid_post} with a weight (default: none). */
    public Builder spatialLoss(int layer, double weight) {
      this.spatialLayer = layer;
      this.spatialWeight = weight;
      return this;
    }

    /** Whether anchors are centred by their group's batch mean (default true, the paper's loss). */
    public Builder centre(boolean on) {
      this.centre = on;
      return this;
    }

    /** The run's seed (default 0). */
    public Builder seed(long s) {
      this.seed = s;
      return this;
    }

    /** Evaluation period (default 0: at the start and the end only). */
    public Builder evalEvery(int n) {
      this.evalEvery = n;
      return this;
    }

    /** Checkpoint period (default 0: at the end only). */
    public Builder checkpointEvery(int n) {
      this.checkpointEvery = n;
      return this;
    }

    /** Checkpoints kept, the newest (default 2). */
    public Builder keepCheckpoints(int n) {
      this.keepCheckpoints = n;
      return this;
    }

    /**
     * The configuration.
     *
     * @throws IllegalArgumentException naming the setting out of range or the pattern that does
     *     not compile
     */
    public FineTuneConfig build() {
      check(steps >= 1, "steps must be >= 1, got " + steps);
      check(learningRate > 0 && Double.isFinite(learningRate), "learning rate must be > 0, got " + learningRate);
      check(warmupSteps >= 0, "warm-up steps must be >= 0, got " + warmupSteps);
      check(finalLrFraction >= 0 && finalLrFraction <= 1, "final learning-rate fraction must be in [0, 1]");
      check(weightDecay >= 0, "weight decay must be >= 0");
      check(beta1 >= 0 && beta1 < 1 && beta2 >= 0 && beta2 < 1, "betas must be in [0, 1)");
      check(epsilon > 0, "epsilon must be > 0");
      check(clipNorm >= 0, "clip norm must be >= 0");
      check(!trainable.isEmpty(), "at least one trainable-parameter pattern is needed");
      for (String p : trainable) {
        try {
          Pattern.compile(p);
        } catch (PatternSyntaxException e) {
          throw new IllegalArgumentException("trainable pattern '" + p + "' is not a regular expression: "
              + e.getDescription());
        }
      }
      check(maxTrainableParameters >= 0, "the parameter budget must be >= 0");
      check(spatialLayer >= -1, "spatial layer must be >= 0 (or -1 for none), got " + spatialLayer);
      check(spatialWeight >= 0 && Double.isFinite(spatialWeight), "spatial weight must be >= 0, got " + spatialWeight);
      check(evalEvery >= 0 && checkpointEvery >= 0, "evaluation and checkpoint periods must be >= 0");
      check(keepCheckpoints >= 1, "keep at least one checkpoint");
      Objects.requireNonNull(trainable);
      return new FineTuneConfig(this);
    }

    private static void check(boolean ok, String message) {
      if (!ok) {
        throw new IllegalArgumentException(message);
      }
    }
  }
}
