package io.github.vlmlens.hooks.internal.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.github.vlmlens.hooks.ForwardTap;

/**
 * The attention every family's blocks share, with taps at its inner points: the scaled, masked
 * scores ({@code attn_scores}, float32 {@code [B, heads, T, S]}, where knockouts apply), the
 * probabilities ({@code attn_pattern}, {@code [B, heads, T, S]}) and the per-head outputs before
 * the output projection ({@code attn_z}, {@code [B, T, heads * d]}). Scores are taken in the
 * input dtype, the mask is added and the softmax taken in float32, as Hugging Face's eager
 * attention does; the one implementation for text and vision towers.
 */
public final class Attention {
  private Attention() {}

  /**
   * Grouped-query attention: {@code q} is {@code [B, heads, T, d]}, {@code k} and {@code v}
   * {@code [B, kvHeads, S, d]}; query head {@code h} reads key-value head {@code h / (heads /
   * kvHeads)}. Returns {@code z} merged to {@code [B, T, heads * d]}.
   *
   * @param mask additive float32 mask broadcast to {@code [B, heads, T, S]}, or null
   * @param points the block's points; when it has no attention maps they are not visited
   */
  public static NDArray attend(
      NDArray q, NDArray k, NDArray v, NDArray mask, float scale, LayerPoints points, ForwardTap tap) {
    return attend(q, k, v, mask, scale, points, tap, false);
  }

  /**
   * Cross-attention to image states ({@code k}, {@code v} from the states): as {@link #attend},
   * except that a query row whose every key is blocked (knocked out, or masked) attends to
   * nothing: its probabilities, and so its {@code attn_z}, are zero, instead of the softmax's
   * uniform spread over blocked keys.
   */
  public static NDArray attendCross(
      NDArray q, NDArray k, NDArray v, NDArray mask, float scale, LayerPoints points, ForwardTap tap) {
    return attend(q, k, v, mask, scale, points, tap, true);
  }

  private static NDArray attend(
      NDArray q, NDArray k, NDArray v, NDArray mask, float scale, LayerPoints points, ForwardTap tap,
      boolean cross) {
    Shape qs = q.getShape();
    long b = qs.get(0);
    long heads = qs.get(1);
    long t = qs.get(2);
    long d = qs.get(3);
    long kvHeads = k.getShape().get(1);
    long s = k.getShape().get(2);
    if (heads % kvHeads != 0) {
      throw new IllegalArgumentException(
          heads + " query heads are not a multiple of " + kvHeads + " key-value heads");
    }
    long rep = heads / kvHeads;
    DataType dt = q.getDataType();
    NDArray scores;
    if (rep == 1) {
      scores = q.matMul(k.transpose(0, 1, 3, 2));
    } else {
      scores = q.reshape(b, kvHeads, rep, t, d).matMul(k.expandDims(2).transpose(0, 1, 2, 4, 3));
      scores = scores.reshape(b, heads, t, s);
    }
    scores = scores.mul(Ops.scalar(scores, scale)).toType(DataType.FLOAT32, false);
    if (mask != null) {
      scores = scores.add(mask);
    }
    if (points.hasMaps()) {
      scores = tap.visit(points.scores, scores);
    }
    NDArray probs = scores.softmax(-1).toType(dt, false);
    if (cross) {
      // blocked entries hold the lowest float; a row of nothing else has no key to attend to
      NDArray open = scores.max(new int[] {-1}, true).gt(-Float.MAX_VALUE / 2);
      probs = probs.mul(open.toType(dt, false));
    }
    if (points.hasMaps()) {
      probs = tap.visit(points.pattern, probs);
    }
    NDArray out;
    if (rep == 1) {
      out = probs.matMul(v);
    } else {
      out = probs.reshape(b, kvHeads, rep, t, s).matMul(v.expandDims(2)).reshape(b, heads, t, d);
    }
    return tap.visit(points.z, Ops.mergeHeads(out));
  }
}
