package io.github.vlmlens.hooks.internal.model;

import ai.djl.ndarray.NDArray;
import io.github.vlmlens.hooks.ForwardTap;

/**
 * A Llama-style pre-norm decoder block (RMSNorm, grouped-query attention with half-split rotary
 * embeddings, gated MLP), as LLaVA's Llama and Qwen2 use it, with a tap at each of its
 * {@link LayerPoints}.
 */
public final class LlamaBlock {
  /** One block's weights; biases may be null. */
  public record Weights(
      NDArray inNorm,
      NDArray qW,
      NDArray qB,
      NDArray kW,
      NDArray kB,
      NDArray vW,
      NDArray vB,
      NDArray oW,
      NDArray oB,
      NDArray postNorm,
      NDArray gateW,
      NDArray gateB,
      NDArray upW,
      NDArray upB,
      NDArray downW,
      NDArray downB) {}

  /** The block's sizes and settings. */
  public record Settings(int heads, int kvHeads, int headDim, float eps, String act, float scale) {}

  private LlamaBlock() {}

  /**
   * Runs the block on {@code x} ({@code [B, T, hidden]}).
   *
   * @param cos rotary table broadcast to {@code [B, heads, T, d]}
   * @param mask additive float32 mask, or null
   * @param cache earlier positions' keys and values (generation), or null
   */
  public static NDArray forward(
      Weights w, Settings s, LayerPoints p, int layer, NDArray x, NDArray cos, NDArray sin,
      NDArray mask, KvCache cache, ForwardTap tap) {
    x = tap.visit(p.residPre, x);
    NDArray a = Ops.rmsNorm(x, w.inNorm(), s.eps());
    NDArray q = Ops.splitHeads(Ops.linear(a, w.qW(), w.qB()), s.heads(), s.headDim());
    NDArray k = Ops.splitHeads(Ops.linear(a, w.kW(), w.kB()), s.kvHeads(), s.headDim());
    NDArray v = Ops.splitHeads(Ops.linear(a, w.vW(), w.vB()), s.kvHeads(), s.headDim());
    q = Ops.applyRotary(q, cos, sin);
    k = Ops.applyRotary(k, cos, sin);
    if (cache != null) {
      NDArray[] kv = cache.append(layer, k, v);
      k = kv[0];
      v = kv[1];
    }
    NDArray z = Attention.attend(q, k, v, mask, s.scale(), p, tap);
    NDArray attnOut = tap.visit(p.attnOut, Ops.linear(z, w.oW(), w.oB()));
    NDArray h = tap.visit(p.residMid, x.add(attnOut));
    NDArray n = Ops.rmsNorm(h, w.postNorm(), s.eps());
    NDArray gate = Ops.activation(s.act(), Ops.linear(n, w.gateW(), w.gateB()));
    NDArray mlp = Ops.linear(gate.mul(Ops.linear(n, w.upW(), w.upB())), w.downW(), w.downB());
    NDArray mlpOut = tap.visit(p.mlpOut, mlp);
    return tap.visit(p.residPost, h.add(mlpOut));
  }
}
