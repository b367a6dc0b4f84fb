package io.github.vlmlens.core.lens;

import io.github.vlmlens.core.API;
import io.github.vlmlens.core.HookPoint;
import io.github.vlmlens.core.HookedVlm;
import io.github.vlmlens.core.Positions;
import io.github.vlmlens.core.RunResult;
import io.github.vlmlens.core.RunSpec;
import io.github.vlmlens.core.Tokenization;
import io.github.vlmlens.core.VlmInput;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * The logit lens on one input: for each chosen layer {@code L} ({@code lm.L.resid_post}, 0 = the
 * embeddings) and position, the {@code k} most likely tokens when the residual stream is decoded
 * as if it were the last layer's, with their probabilities (softmax over the whole vocabulary).
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.2.0")
public final class LogitLens {
  private LogitLens() {}

  /**
   * Runs the lens.
   *
   * @param positions sequence positions to read (e.g. image tokens and object words)
   * @param layers residual layers {@code 0..numLayers()}, in the order to report them
   * @param k how many top tokens per cell (at least 1)
   * @throws IllegalArgumentException for a layer outside the model, a position outside the
   *     sequence or {@code k < 1}
   */
  public static LogitLensResult run(HookedVlm vlm, VlmInput input, int[] positions, List<Integer> layers, int k) {
    Objects.requireNonNull(vlm, "vlm");
    if (k < 1) {
      throw new IllegalArgumentException("k must be at least 1, got " + k);
    }
    if (positions.length == 0 || layers.isEmpty()) {
      throw new IllegalArgumentException("the logit lens needs at least one position and one layer");
    }
    Tokenization tok = vlm.tokenize(input);
    for (int p : positions) {
      if (p < 0 || p >= tok.length()) {
        throw new IllegalArgumentException("position " + p + " is outside the " + tok.length() + " tokens of the input");
      }
    }
    RunSpec.Builder b = RunSpec.builder().logits(RunSpec.LogitsMode.NONE);
    for (int l : layers) {
      if (l < 0 || l > vlm.numLayers()) {
        throw new IllegalArgumentException("layer " + l + " is outside 0.." + vlm.numLayers());
      }
      b.capture(HookPoint.lmResid(l), Positions.of(positions));
    }
    RunResult r = vlm.run(input, b.build());
    List<List<List<LogitLensResult.Entry>>> top = new ArrayList<>();
    for (int l : layers) {
      float[][] logits = vlm.unembed(r.cache().get(HookPoint.lmResid(l)).matrix());
      List<List<LogitLensResult.Entry>> row = new ArrayList<>();
      for (float[] lg : logits) {
        row.add(topK(vlm, lg, k));
      }
      top.add(row);
    }
    List<String> tokens = new ArrayList<>();
    for (int p : positions) {
      tokens.add(tok.tokens().get(p));
    }
    return new LogitLensResult(
        vlm.name(), tok.prompt(), Arrays.stream(positions).boxed().toList(), tokens, List.copyOf(layers), k, top);
  }

  /** The {@code k} largest probabilities of a logit row, softmax in double. */
  static List<LogitLensResult.Entry> topK(HookedVlm vlm, float[] logits, int k) {
    double max = Double.NEGATIVE_INFINITY;
    for (float v : logits) {
      max = Math.max(max, v);
    }
    double z = 0;
    for (float v : logits) {
      z += Math.exp(v - max);
    }
    Integer[] order = new Integer[logits.length];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    Arrays.sort(order, (a, c) -> Float.compare(logits[c], logits[a]));
    List<LogitLensResult.Entry> out = new ArrayList<>();
    for (int i = 0; i < Math.min(k, order.length); i++) {
      int id = order[i];
      out.add(new LogitLensResult.Entry(id, vlm.tokenText(id), Math.exp(logits[id] - max) / z));
    }
    return out;
  }
}
