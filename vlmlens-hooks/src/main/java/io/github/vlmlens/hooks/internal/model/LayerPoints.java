package io.github.vlmlens.hooks.internal.model;

import io.github.vlmlens.core.HookPoint;
import java.util.ArrayList;
import java.util.List;

/**
 * The hook points of one transformer block, in the order a block visits them: {@code resid_pre},
 * ({@code cross_states} in a cross-attention block), {@code attn_scores}, {@code attn_pattern},
 * {@code attn_z}, {@code attn_out}, {@code resid_mid}, {@code mlp_out}, {@code resid_post}. Vision
 * blocks have attention-map points only where the tower attends within each image in one batched
 * call (CLIP, SigLIP, InternViT).
 */
public final class LayerPoints {
  public final HookPoint residPre;
  public final HookPoint scores;
  public final HookPoint pattern;
  public final HookPoint z;
  public final HookPoint attnOut;
  public final HookPoint residMid;
  public final HookPoint mlpOut;
  public final HookPoint residPost;
  /** {@code lm.L.cross_states} in a cross-attention block, else null. */
  public final HookPoint crossStates;
  private final boolean maps;

  private LayerPoints(HookPoint.Component c, int layer, boolean maps) {
    this(c, layer, maps, false);
  }

  private LayerPoints(HookPoint.Component c, int layer, boolean maps, boolean cross) {
    this.residPre = HookPoint.of(c, layer, HookPoint.Site.RESID_PRE);
    this.scores = HookPoint.of(c, layer, HookPoint.Site.ATTN_SCORES);
    this.pattern = HookPoint.of(c, layer, HookPoint.Site.ATTN_PATTERN);
    this.z = HookPoint.of(c, layer, HookPoint.Site.ATTN_Z);
    this.attnOut = HookPoint.of(c, layer, HookPoint.Site.ATTN_OUT);
    this.residMid = HookPoint.of(c, layer, HookPoint.Site.RESID_MID);
    this.mlpOut = HookPoint.of(c, layer, HookPoint.Site.MLP_OUT);
    this.residPost = HookPoint.of(c, layer, HookPoint.Site.RESID_POST);
    this.crossStates = cross ? HookPoint.lmCrossStates(layer) : null;
    this.maps = maps;
  }

  /** A decoder block's points, attention maps included. */
  public static LayerPoints lm(int layer) {
    return new LayerPoints(HookPoint.Component.LM, layer, true);
  }

  /**
   * A cross-attention decoder block's points (Llama-3.2-Vision): {@code cross_states}, the image
   * states its keys and values come from, and attention maps whose keys are those states.
   */
  public static LayerPoints lmCross(int layer) {
    return new LayerPoints(HookPoint.Component.LM, layer, true, true);
  }

  /** Whether this is a cross-attention block (its keys are image states). */
  public boolean isCross() {
    return crossStates != null;
  }

  /** A vision block's points (no attention maps). */
  public static LayerPoints vision(int layer) {
    return new LayerPoints(HookPoint.Component.VISION, layer, false);
  }

  /**
   * A vision block's points with attention maps, for towers that attend within each image in one
   * batched call ({@code [images, heads, S, S]}, every image the same length S).
   */
  public static LayerPoints visionWithMaps(int layer) {
    return new LayerPoints(HookPoint.Component.VISION, layer, true);
  }

  /** Vision points {@code 1..layers} with attention maps, indexed by layer (index 0 unused). */
  public static LayerPoints[] visionStackWithMaps(int layers) {
    LayerPoints[] out = new LayerPoints[layers + 1];
    for (int l = 1; l <= layers; l++) {
      out[l] = visionWithMaps(l);
    }
    return out;
  }

  /** Points {@code 1..layers} of a stack, as an array indexed by layer (index 0 unused). */
  public static LayerPoints[] lmStack(int layers) {
    LayerPoints[] out = new LayerPoints[layers + 1];
    for (int l = 1; l <= layers; l++) {
      out[l] = lm(l);
    }
    return out;
  }

  /** Vision points {@code 1..layers}, indexed by layer (index 0 unused). */
  public static LayerPoints[] visionStack(int layers) {
    LayerPoints[] out = new LayerPoints[layers + 1];
    for (int l = 1; l <= layers; l++) {
      out[l] = vision(l);
    }
    return out;
  }

  /** Whether the block exposes attention scores and patterns. */
  public boolean hasMaps() {
    return maps;
  }

  /** The points in visiting order. */
  public List<HookPoint> all() {
    List<HookPoint> out = new ArrayList<>();
    out.add(residPre);
    if (crossStates != null) {
      out.add(crossStates);
    }
    if (maps) {
      out.add(scores);
      out.add(pattern);
    }
    out.add(z);
    out.add(attnOut);
    out.add(residMid);
    out.add(mlpOut);
    out.add(residPost);
    return out;
  }
}
