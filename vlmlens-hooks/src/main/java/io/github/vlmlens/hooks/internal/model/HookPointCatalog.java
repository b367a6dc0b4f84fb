package io.github.vlmlens.hooks.internal.model;

import io.github.vlmlens.core.HookPoint;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
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

  /**
   * A compact list of every valid point, grouped by component and site in model order, e.g.
   * {@code vision.0..2.resid_post, vision.1..2.attn_out, ..., projector.out, lm.0..32.resid_post}.
   */
  public String describe() {
    Map<String, List<Integer>> groups = new LinkedHashMap<>();
    for (HookPoint p : points) {
      String c = p.toString();
      if (p.component() == HookPoint.Component.PROJECTOR) {
        groups.putIfAbsent(c, new ArrayList<>());
        continue;
      }
      String[] parts = c.split("\\.", 3);
      groups.computeIfAbsent(parts[0] + "\u0000" + parts[2], k -> new ArrayList<>()).add(p.layer());
    }
    List<String> out = new ArrayList<>();
    for (Map.Entry<String, List<Integer>> e : groups.entrySet()) {
      if (e.getValue().isEmpty()) {
        out.add(e.getKey());
        continue;
      }
      String[] cs = e.getKey().split("\u0000");
      List<Integer> layers = e.getValue();
      int first = layers.get(0);
      int last = layers.get(layers.size() - 1);
      boolean contiguous = last - first + 1 == layers.size();
      if (contiguous) {
        out.add(range(cs[0], first, last, cs[1]));
      } else {
        out.add(cs[0] + "." + layers + "." + cs[1]);
      }
    }
    return String.join(", ", out);
  }

  private static String range(String c, int from, int to, String site) {
    return from == to ? c + "." + from + "." + site : c + "." + from + ".." + to + "." + site;
  }
}
