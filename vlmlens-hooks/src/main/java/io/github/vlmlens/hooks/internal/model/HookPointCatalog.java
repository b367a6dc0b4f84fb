package io.github.vlmlens.hooks.internal.model;

import io.github.vlmlens.core.HookPoint;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** The hook points a model visits, with a compact description of them for error messages. */
public final class HookPointCatalog {
  private final List<HookPoint> points;
  private final Set<HookPoint> set;
  private final int lmLayers;
  private final int visionRun;
  private final int visionLayers;

  /**
   * @param lmLayers decoder blocks
   * @param visionRun vision layers the pass runs
   * @param visionLayers vision layers the checkpoint has
   */
  public HookPointCatalog(List<HookPoint> points, int lmLayers, int visionRun, int visionLayers) {
    List<HookPoint> sorted = new ArrayList<>(points);
    Collections.sort(sorted);
    this.points = Collections.unmodifiableList(sorted);
    this.set = new HashSet<>(sorted);
    this.lmLayers = lmLayers;
    this.visionRun = visionRun;
    this.visionLayers = visionLayers;
  }

  /** The points in model order. */
  public List<HookPoint> points() {
    return points;
  }

  /** Whether the model visits a point. */
  public boolean contains(HookPoint p) {
    return set.contains(p);
  }

  /**
   * Fails for a point the model does not visit.
   *
   * @throws IllegalArgumentException naming the point, what uses it, and every valid point
   */
  public void check(HookPoint p, String usedBy) {
    if (set.contains(p)) {
      return;
    }
    String why = "";
    if (p.component() == HookPoint.Component.VISION && p.layer() > visionRun && p.layer() <= visionLayers) {
      why =
          " (vision layers after " + visionRun + " exist in the checkpoint but are not run: their output"
              + " does not reach the language model)";
    }
    throw new IllegalArgumentException(
        "unknown hook point " + p + " in " + usedBy + why + "; this model has " + describe());
  }

  /** A compact list of every valid point, e.g. {@code lm.0..32.resid_post, lm.1..32.attn_out, ...}. */
  public String describe() {
    List<String> parts = new ArrayList<>();
    parts.add(visionRun == 0 ? "vision.0.resid_post" : "vision.0.." + visionRun + ".resid_post");
    if (visionRun > 0) {
      parts.add(range("vision", 1, visionRun, "attn_out"));
      parts.add(range("vision", 1, visionRun, "mlp_out"));
    }
    parts.add("projector.out");
    parts.add(lmLayers == 0 ? "lm.0.resid_post" : "lm.0.." + lmLayers + ".resid_post");
    if (lmLayers > 0) {
      parts.add(range("lm", 1, lmLayers, "attn_out"));
      parts.add(range("lm", 1, lmLayers, "mlp_out"));
    }
    return String.join(", ", parts);
  }

  private static String range(String c, int from, int to, String site) {
    return from == to ? c + "." + from + "." + site : c + "." + from + ".." + to + "." + site;
  }
}
