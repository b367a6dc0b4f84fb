package io.github.vlmlens.core;

import com.google.common.collect.ImmutableList;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * How {@link HookedVlm#generate} continues a prompt: greedy or seeded sampling, a token limit,
 * stop tokens, and interventions that stay on while the model answers.
 *
 * <p>Interventions take positions in the whole sequence (prompt, then generated tokens): one at
 * prompt positions applies once, in the pass over the prompt; {@link Positions#all()} also applies
 * at every generated token as it is computed; an explicit position past the prompt applies when
 * the sequence reaches it. Mean ablations apply in the pass over the prompt only; custom hooks are
 * not allowed (use add, replace, patch, ablations and knockouts).
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.2.0")
public final class GenerateSpec {
  private final int maxNewTokens;
  private final ImmutableList<String> stopTokens;
  private final boolean useDefaultStops;
  private final double temperature;
  private final int topK;
  private final double topP;
  private final long seed;
  private final ImmutableList<Intervention> interventions;
  private final boolean cache;
  private final boolean keepLogits;

  private GenerateSpec(Builder b) {
    this.maxNewTokens = b.maxNewTokens;
    this.stopTokens = ImmutableList.copyOf(b.stopTokens);
    this.useDefaultStops = b.useDefaultStops;
    this.temperature = b.temperature;
    this.topK = b.topK;
    this.topP = b.topP;
    this.seed = b.seed;
    this.interventions = ImmutableList.copyOf(b.interventions);
    this.cache = b.cache;
    this.keepLogits = b.keepLogits;
  }

  /** Greedy decoding of up to {@code maxNewTokens} tokens, stopping at the model's end tokens. */
  public static GenerateSpec greedy(int maxNewTokens) {
    return builder().maxNewTokens(maxNewTokens).build();
  }

  /** A new builder (greedy, 32 tokens, the model's end tokens, the KV cache on). */
  public static Builder builder() {
    return new Builder();
  }

  /** The most tokens to generate. */
  public int maxNewTokens() {
    return maxNewTokens;
  }

  /** Extra stop tokens (single tokens of the model). */
  public List<String> stopTokens() {
    return stopTokens;
  }

  /** Whether the model's own end tokens ({@code eos_token_id}) stop generation. */
  public boolean useDefaultStops() {
    return useDefaultStops;
  }

  /** Whether tokens are sampled (else greedy). */
  public boolean sampling() {
    return temperature > 0;
  }

  /** The sampling temperature; 0 for greedy. */
  public double temperature() {
    return temperature;
  }

  /** Sampling keeps the {@code topK} most likely tokens; 0 keeps all. */
  public int topK() {
    return topK;
  }

  /** Sampling keeps the smallest set of tokens with probability {@code >= topP}; 1 keeps all. */
  public double topP() {
    return topP;
  }

  /** The seed of sampling. */
  public long seed() {
    return seed;
  }

  /** The interventions, in application order. */
  public List<Intervention> interventions() {
    return interventions;
  }

  /** Whether earlier positions' keys and values are kept (else every step recomputes the sequence). */
  public boolean useCache() {
    return cache;
  }

  /** Whether the result keeps each step's logits. */
  public boolean keepLogits() {
    return keepLogits;
  }

  @Override
  public String toString() {
    return "GenerateSpec[" + maxNewTokens + " tokens, "
        + (sampling() ? "sampling T=" + temperature + " top-k " + topK + " top-p " + topP + " seed " + seed : "greedy")
        + ", stops " + stopTokens + (useDefaultStops ? " + model's" : "") + ", " + interventions.size()
        + " intervention(s)" + (cache ? "" : ", no cache") + "]";
  }

  /** Builds a {@link GenerateSpec}. */
  public static final class Builder {
    private int maxNewTokens = 32;
    private final List<String> stopTokens = new ArrayList<>();
    private boolean useDefaultStops = true;
    private double temperature;
    private int topK;
    private double topP = 1.0;
    private long seed;
    private final List<Intervention> interventions = new ArrayList<>();
    private boolean cache = true;
    private boolean keepLogits;

    private Builder() {}

    /** The most tokens to generate (at least 1). */
    public Builder maxNewTokens(int n) {
      if (n < 1) {
        throw new IllegalArgumentException("maxNewTokens must be at least 1, got " + n);
      }
      this.maxNewTokens = n;
      return this;
    }

    /** Also stop at these tokens (each a single token of the model, e.g. {@code "<|im_end|>"}). */
    public Builder stopAt(String... tokens) {
      for (String t : tokens) {
        stopTokens.add(Objects.requireNonNull(t, "token"));
      }
      return this;
    }

    /** Whether the model's own end tokens stop generation (default true). */
    public Builder useDefaultStops(boolean use) {
      this.useDefaultStops = use;
      return this;
    }

    /** Greedy decoding (the default). */
    public Builder greedy() {
      this.temperature = 0;
      return this;
    }

    /**
     * Seeded sampling: softmax of logits / temperature, restricted to the top-k tokens (0: all)
     * and then to the top-p nucleus (1: all).
     */
    public Builder sample(double temperature, int topK, double topP, long seed) {
      if (!(temperature > 0) || Double.isInfinite(temperature)) {
        throw new IllegalArgumentException("temperature must be positive and finite, got " + temperature);
      }
      if (topK < 0) {
        throw new IllegalArgumentException("topK must be >= 0, got " + topK);
      }
      if (!(topP > 0 && topP <= 1)) {
        throw new IllegalArgumentException("topP must lie in (0, 1], got " + topP);
      }
      this.temperature = temperature;
      this.topK = topK;
      this.topP = topP;
      this.seed = seed;
      return this;
    }

    /** An intervention applied while generating (see the class comment for positions). */
    public Builder intervene(Intervention intervention) {
      Objects.requireNonNull(intervention, "intervention");
      if (intervention.kind() == Intervention.Kind.CUSTOM) {
        throw new IllegalArgumentException(
            "custom hooks are not supported while generating; use add, replace, patch, ablations or knockouts");
      }
      interventions.add(intervention);
      return this;
    }

    /** Whether to keep earlier keys and values (default true); false recomputes every step. */
    public Builder useCache(boolean use) {
      this.cache = use;
      return this;
    }

    /** Whether to keep each step's logits in the result (default false). */
    public Builder keepLogits(boolean keep) {
      this.keepLogits = keep;
      return this;
    }

    /** The spec. */
    public GenerateSpec build() {
      return new GenerateSpec(this);
    }
  }
}
