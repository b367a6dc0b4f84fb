package io.github.vlmlens.core;

import com.google.common.collect.ImmutableSortedMap;
import java.util.Collection;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The activations captured in one run, by hook point. Immutable; the vectors are plain floats on
 * the host, so a cache outlives the model run (and the model) that made it.
 */
@API(status = API.Status.STABLE, since = "0.1.0")
public final class ActivationCache {
  private static final ActivationCache EMPTY = new ActivationCache(ImmutableSortedMap.of());

  private final ImmutableSortedMap<HookPoint, Activations> byPoint;

  private ActivationCache(ImmutableSortedMap<HookPoint, Activations> byPoint) {
    this.byPoint = byPoint;
  }

  /** A cache with nothing in it. */
  public static ActivationCache empty() {
    return EMPTY;
  }

  /**
   * A cache of the given activations.
   *
   * @throws IllegalArgumentException when two share a hook point
   */
  public static ActivationCache of(Collection<Activations> activations) {
    Map<HookPoint, Activations> m = new TreeMap<>();
    for (Activations a : activations) {
      if (m.put(a.point(), a) != null) {
        throw new IllegalArgumentException("two activations for " + a.point());
      }
    }
    return new ActivationCache(ImmutableSortedMap.copyOf(m));
  }

  /** The hook points held, in model order. */
  public Set<HookPoint> points() {
    return byPoint.keySet();
  }

  /** Whether a hook point is held. */
  public boolean contains(HookPoint point) {
    return byPoint.containsKey(point);
  }

  /**
   * The activations at a hook point.
   *
   * @throws IllegalArgumentException naming the point and the held ones when it is absent
   */
  public Activations get(HookPoint point) {
    Activations a = byPoint.get(point);
    if (a == null) {
      throw new IllegalArgumentException(
          point + " was not captured; the cache holds "
              + byPoint.keySet().stream().map(HookPoint::toString).collect(Collectors.joining(", ", "[", "]")));
    }
    return a;
  }

  /** The vector at a hook point and sequence position. */
  public float[] vector(HookPoint point, int position) {
    return get(point).vector(position);
  }

  /**
   * This cache and another one together.
   *
   * @throws IllegalArgumentException when both hold the same hook point
   */
  public ActivationCache with(ActivationCache other) {
    Map<HookPoint, Activations> m = new TreeMap<>(byPoint);
    for (Activations a : other.byPoint.values()) {
      if (m.put(a.point(), a) != null) {
        throw new IllegalArgumentException("both caches hold " + a.point());
      }
    }
    return new ActivationCache(ImmutableSortedMap.copyOf(m));
  }

  /** The number of hook points held. */
  public int size() {
    return byPoint.size();
  }

  @Override
  public String toString() {
    return "ActivationCache" + byPoint.keySet();
  }
}
