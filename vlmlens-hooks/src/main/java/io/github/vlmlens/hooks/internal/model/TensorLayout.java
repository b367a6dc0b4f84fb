package io.github.vlmlens.hooks.internal.model;

import io.github.vlmlens.hooks.LlavaConfig;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * The tensors a LLaVA checkpoint holds for a given config, under their canonical (old-layout)
 * Hugging Face names, with their shapes and PyTorch's default initialisation.
 */
public final class TensorLayout {
  /** Prefix of the language model's decoder tensors. */
  public static final String LM = "language_model.model.";
  /** The language-model head. */
  public static final String LM_HEAD = "language_model.lm_head.weight";
  /** Prefix of the CLIP vision tower's tensors. */
  public static final String VISION = "vision_tower.vision_model.";
  /** Prefix of the projector's tensors. */
  public static final String PROJECTOR = "multi_modal_projector.";

  /** How PyTorch initialises a tensor by default. */
  public enum Init {
    /** {@code U(-1/sqrt(fanIn), 1/sqrt(fanIn))}: Linear and Conv weights and biases. */
    UNIFORM_FAN_IN,
    /** {@code N(0, 1)}: Embedding, class embedding. */
    NORMAL,
    /** Norm weights. */
    ONES,
    /** Norm biases. */
    ZEROS
  }

  /** One expected tensor. */
  public static final class Entry {
    private final String name;
    private final long[] shape;
    private final Init init;
    private final long fanIn;

    Entry(String name, long[] shape, Init init, long fanIn) {
      this.name = name;
      this.shape = shape;
      this.init = init;
      this.fanIn = fanIn;
    }

    /** The canonical name. */
    public String name() {
      return name;
    }

    /** The expected shape (a copy). */
    public long[] shape() {
      return shape.clone();
    }

    /** The default initialisation. */
    public Init init() {
      return init;
    }

    /** The fan-in for {@link Init#UNIFORM_FAN_IN}, else 0. */
    public long fanIn() {
      return fanIn;
    }

    /** The number of elements. */
    public long size() {
      long n = 1;
      for (long d : shape) {
        n *= d;
      }
      return n;
    }

    @Override
    public String toString() {
      return name + Arrays.toString(shape);
    }
  }

  private TensorLayout() {}

  /** Every tensor a checkpoint of this config must hold, in a fixed order. */
  public static List<Entry> of(LlavaConfig config) {
    List<Entry> out = new ArrayList<>();
    LlavaConfig.Text t = config.text();
    long h = t.hiddenSize();
    long inter = t.intermediateSize();
    long hd = t.headDim();
    long qOut = (long) t.numAttentionHeads() * hd;
    long kvOut = (long) t.numKeyValueHeads() * hd;

    LlavaConfig.Vision v = config.vision();
    long d = v.hiddenSize();
    long vi = v.intermediateSize();
    long p = v.patchSize();
    long c = v.numChannels();
    long grid = v.imageSize() / v.patchSize();
    String vp = VISION;
    out.add(new Entry(vp + "embeddings.class_embedding", new long[] {d}, Init.NORMAL, 0));
    out.add(linear(vp + "embeddings.patch_embedding.weight", new long[] {d, c, p, p}, c * p * p));
    out.add(new Entry(vp + "embeddings.position_embedding.weight", new long[] {grid * grid + 1, d}, Init.NORMAL, 0));
    out.add(new Entry(vp + "pre_layrnorm.weight", new long[] {d}, Init.ONES, 0));
    out.add(new Entry(vp + "pre_layrnorm.bias", new long[] {d}, Init.ZEROS, 0));
    for (int i = 0; i < v.numHiddenLayers(); i++) {
      String lp = vp + "encoder.layers." + i + ".";
      norm(out, lp + "layer_norm1", d);
      for (String proj : new String[] {"q_proj", "k_proj", "v_proj", "out_proj"}) {
        out.add(linear(lp + "self_attn." + proj + ".weight", new long[] {d, d}, d));
        out.add(linear(lp + "self_attn." + proj + ".bias", new long[] {d}, d));
      }
      norm(out, lp + "layer_norm2", d);
      out.add(linear(lp + "mlp.fc1.weight", new long[] {vi, d}, d));
      out.add(linear(lp + "mlp.fc1.bias", new long[] {vi}, d));
      out.add(linear(lp + "mlp.fc2.weight", new long[] {d, vi}, vi));
      out.add(linear(lp + "mlp.fc2.bias", new long[] {d}, vi));
    }
    norm(out, vp + "post_layernorm", d);

    long projIn = d * config.visionFeatureLayers().size();
    out.add(linear(PROJECTOR + "linear_1.weight", new long[] {h, projIn}, projIn));
    if (config.multimodalProjectorBias()) {
      out.add(linear(PROJECTOR + "linear_1.bias", new long[] {h}, projIn));
    }
    out.add(linear(PROJECTOR + "linear_2.weight", new long[] {h, h}, h));
    if (config.multimodalProjectorBias()) {
      out.add(linear(PROJECTOR + "linear_2.bias", new long[] {h}, h));
    }

    out.add(new Entry(LM + "embed_tokens.weight", new long[] {t.vocabSize(), h}, Init.NORMAL, 0));
    for (int i = 0; i < t.numHiddenLayers(); i++) {
      String lp = LM + "layers." + i + ".";
      out.add(new Entry(lp + "input_layernorm.weight", new long[] {h}, Init.ONES, 0));
      linearWithBias(out, lp + "self_attn.q_proj", qOut, h, t.attentionBias());
      linearWithBias(out, lp + "self_attn.k_proj", kvOut, h, t.attentionBias());
      linearWithBias(out, lp + "self_attn.v_proj", kvOut, h, t.attentionBias());
      linearWithBias(out, lp + "self_attn.o_proj", h, qOut, t.attentionBias());
      out.add(new Entry(lp + "post_attention_layernorm.weight", new long[] {h}, Init.ONES, 0));
      linearWithBias(out, lp + "mlp.gate_proj", inter, h, t.mlpBias());
      linearWithBias(out, lp + "mlp.up_proj", inter, h, t.mlpBias());
      linearWithBias(out, lp + "mlp.down_proj", h, inter, t.mlpBias());
    }
    out.add(new Entry(LM + "norm.weight", new long[] {h}, Init.ONES, 0));
    if (!tied(config)) {
      out.add(linear(LM_HEAD, new long[] {t.vocabSize(), h}, h));
    }
    return Collections.unmodifiableList(out);
  }

  /** Whether the head shares the input embedding (the top level or the text config says so). */
  public static boolean tied(LlavaConfig config) {
    return config.tieWordEmbeddings() || config.text().tieWordEmbeddings();
  }

  /**
   * Whether a tensor a checkpoint may hold beyond {@link #of} is safe to ignore: non-persistent
   * buffers ({@code position_ids}, rotary {@code inv_freq}) and a head tensor when the head is
   * tied to the embedding.
   */
  public static boolean ignorable(String name, LlavaConfig config) {
    return name.endsWith(".position_ids")
        || name.endsWith(".inv_freq")
        || (name.equals(LM_HEAD) && tied(config));
  }

  private static Entry linear(String name, long[] shape, long fanIn) {
    return new Entry(name, shape, Init.UNIFORM_FAN_IN, fanIn);
  }

  private static void linearWithBias(List<Entry> out, String prefix, long outF, long inF, boolean bias) {
    out.add(linear(prefix + ".weight", new long[] {outF, inF}, inF));
    if (bias) {
      out.add(linear(prefix + ".bias", new long[] {outF}, inF));
    }
  }

  private static void norm(List<Entry> out, String prefix, long d) {
    out.add(new Entry(prefix + ".weight", new long[] {d}, Init.ONES, 0));
    out.add(new Entry(prefix + ".bias", new long[] {d}, Init.ZEROS, 0));
  }
}
