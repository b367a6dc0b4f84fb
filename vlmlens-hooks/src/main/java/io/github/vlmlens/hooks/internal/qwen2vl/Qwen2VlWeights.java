package io.github.vlmlens.hooks.internal.qwen2vl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.github.vlmlens.hooks.CheckpointException;
import io.github.vlmlens.hooks.internal.io.SafetensorsCheckpoint;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The tensors of a Qwen2-VL or Qwen2.5-VL checkpoint, under the published (transformers 4) names:
 * {@code model.embed_tokens}, {@code model.layers.N.*}, {@code model.norm}, {@code lm_head},
 * {@code visual.*}. The transformers 5 layout ({@code model.language_model.*},
 * {@code model.visual.*}, {@code lm_head.weight}) loads under the same names.
 */
public final class Qwen2VlWeights {
  /** Prefix of the decoder's tensors. */
  public static final String LM = "model.";
  /** The head. */
  public static final String LM_HEAD = "lm_head.weight";
  /** Prefix of the vision tower's and merger's tensors. */
  public static final String VISUAL = "visual.";

  private static final Set<String> FLOAT_DTYPES = Set.of("F32", "F16", "BF16", "F64");

  private Qwen2VlWeights() {}

  /** One expected tensor: its name and shape. */
  public record Entry(String name, long[] shape) {
    @Override
    public String toString() {
      return name + Arrays.toString(shape);
    }
  }

  /** Every tensor a checkpoint of this config holds, in a fixed order. */
  public static List<Entry> layout(Qwen2VlConfig config) {
    List<Entry> out = new ArrayList<>();
    Qwen2VlConfig.Vision v = config.vision();
    long d = v.width();
    long vi = v.intermediateSize();
    boolean v25 = config.isQwen25();
    String vp = VISUAL;
    out.add(new Entry(
        vp + "patch_embed.proj.weight",
        new long[] {d, v.inChannels(), v.temporalPatchSize(), v.patchSize(), v.patchSize()}));
    for (int i = 0; i < v.depth(); i++) {
      String bp = vp + "blocks." + i + ".";
      norm(out, bp + "norm1", d, !v25);
      norm(out, bp + "norm2", d, !v25);
      linear(out, bp + "attn.qkv", 3 * d, d, true);
      linear(out, bp + "attn.proj", d, d, true);
      if (v25) {
        linear(out, bp + "mlp.gate_proj", vi, d, true);
        linear(out, bp + "mlp.up_proj", vi, d, true);
        linear(out, bp + "mlp.down_proj", d, vi, true);
      } else {
        linear(out, bp + "mlp.fc1", vi, d, true);
        linear(out, bp + "mlp.fc2", d, vi, true);
      }
    }
    long merged = d * v.spatialMergeSize() * v.spatialMergeSize();
    norm(out, vp + "merger.ln_q", d, !v25);
    linear(out, vp + "merger.mlp.0", merged, merged, true);
    linear(out, vp + "merger.mlp.2", v.outHiddenSize(), merged, true);

    Qwen2VlConfig.Text t = config.text();
    long h = t.hiddenSize();
    long hd = t.headDim();
    long q = (long) t.numAttentionHeads() * hd;
    long kv = (long) t.numKeyValueHeads() * hd;
    long inter = t.intermediateSize();
    out.add(new Entry(LM + "embed_tokens.weight", new long[] {t.vocabSize(), h}));
    for (int i = 0; i < t.numHiddenLayers(); i++) {
      String lp = LM + "layers." + i + ".";
      out.add(new Entry(lp + "input_layernorm.weight", new long[] {h}));
      linear(out, lp + "self_attn.q_proj", q, h, true);
      linear(out, lp + "self_attn.k_proj", kv, h, true);
      linear(out, lp + "self_attn.v_proj", kv, h, true);
      linear(out, lp + "self_attn.o_proj", h, q, false);
      out.add(new Entry(lp + "post_attention_layernorm.weight", new long[] {h}));
      linear(out, lp + "mlp.gate_proj", inter, h, false);
      linear(out, lp + "mlp.up_proj", inter, h, false);
      linear(out, lp + "mlp.down_proj", h, inter, false);
    }
    out.add(new Entry(LM + "norm.weight", new long[] {h}));
    if (!config.tieWordEmbeddings()) {
      out.add(new Entry(LM_HEAD, new long[] {t.vocabSize(), h}));
    }
    return Collections.unmodifiableList(out);
  }

  private static void linear(List<Entry> out, String prefix, long outF, long inF, boolean bias) {
    out.add(new Entry(prefix + ".weight", new long[] {outF, inF}));
    if (bias) {
      out.add(new Entry(prefix + ".bias", new long[] {outF}));
    }
  }

  private static void norm(List<Entry> out, String prefix, long d, boolean bias) {
    out.add(new Entry(prefix + ".weight", new long[] {d}));
    if (bias) {
      out.add(new Entry(prefix + ".bias", new long[] {d}));
    }
  }

  /**
   * The published name of a tensor under {@link SafetensorsCheckpoint}'s canonical name:
   * {@code language_model.model.X -> model.X} (transformers 5's {@code model.language_model.X}),
   * {@code language_model.lm_head.X -> lm_head.X}, {@code model.visual.X -> visual.X}; other names
   * are unchanged.
   */
  public static String publishedName(String canonical) {
    if (canonical.startsWith("language_model.model.")) {
      return LM + canonical.substring("language_model.model.".length());
    }
    if (canonical.startsWith("language_model.lm_head.")) {
      return canonical.substring("language_model.".length());
    }
    if (canonical.startsWith("model.visual.")) {
      return canonical.substring("model.".length());
    }
    return canonical;
  }

  /**
   * Loads every tensor of the layout from a checkpoint directory, in {@code dataType} on
   * {@code manager}'s device.
   *
   * @throws CheckpointException naming every missing tensor, tensor of the wrong shape or dtype, and
   *     unexpected tensor
   */
  public static Map<String, NDArray> load(
      Path dir, Qwen2VlConfig config, NDManager manager, DataType dataType) {
    List<Entry> layout = layout(config);
    try (SafetensorsCheckpoint ckpt = SafetensorsCheckpoint.open(dir)) {
      Map<String, String> byPublished = new HashMap<>();
      for (String c : ckpt.names()) {
        String p = publishedName(c);
        String prev = byPublished.put(p, c);
        if (prev != null) {
          throw new CheckpointException(
              "checkpoint " + dir + ": tensors '" + prev + "' and '" + c + "' both name '" + p + "'");
        }
      }
      check(dir, ckpt, layout, byPublished, config);
      Map<String, NDArray> params = new LinkedHashMap<>();
      for (Entry e : layout) {
        NDArray a = ckpt.load(manager, byPublished.get(e.name()), dataType, new Shape(e.shape()));
        a.setName(e.name());
        params.put(e.name(), a);
      }
      return params;
    }
  }

  private static void check(
      Path dir, SafetensorsCheckpoint ckpt, List<Entry> layout, Map<String, String> byPublished,
      Qwen2VlConfig config) {
    List<String> problems = new ArrayList<>();
    Set<String> expected = new java.util.HashSet<>();
    for (Entry e : layout) {
      expected.add(e.name());
      String c = byPublished.get(e.name());
      if (c == null) {
        problems.add("missing tensor '" + e.name() + "' (expected shape " + Arrays.toString(e.shape()) + ")");
        continue;
      }
      long[] found = ckpt.shape(c);
      if (!Arrays.equals(found, e.shape())) {
        problems.add(
            "tensor '" + e.name() + "' has shape " + Arrays.toString(found) + ", expected "
                + Arrays.toString(e.shape()));
      }
      String dtype = ckpt.dtype(c);
      if (!FLOAT_DTYPES.contains(dtype)) {
        problems.add("tensor '" + e.name() + "' has dtype " + dtype + ", expected a floating type " + FLOAT_DTYPES);
      }
    }
    Set<String> extra = new TreeSet<>();
    for (String p : byPublished.keySet()) {
      if (!expected.contains(p) && !(p.equals(LM_HEAD) && config.tieWordEmbeddings())) {
        extra.add(p);
      }
    }
    if (!extra.isEmpty()) {
      problems.add(
          extra.size() + " unexpected tensor(s) for this config: "
              + (extra.size() <= 20 ? extra.toString() : new ArrayList<>(extra).subList(0, 20) + " ..."));
    }
    if (!problems.isEmpty()) {
      int shown = Math.min(problems.size(), 20);
      throw new CheckpointException(
          "checkpoint " + dir + " does not match its config.json: " + String.join("; ", problems.subList(0, shown))
              + (problems.size() > shown ? "; and " + (problems.size() - shown) + " more" : ""));
    }
  }
}
