package io.github.vlmlens.core;

import com.google.common.collect.ImmutableSortedMap;
import java.util.Collection;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The activations captured in one run, by hook point. Immutable; the vectors are plain floats on
 * the host, so a cache outlives the model run (and the model) that made it.
 */
@API(status = API.Status.STABLE, since = "0.1.0")
public final class ActivationCache {
  private static final ActivationCache EMPTY = new ActivationCache(ImmutableSortedMap.of(), null);

  private final ImmutableSortedMap<HookPoint, Activations> byPoint;
  private final String input;

  private ActivationCache(ImmutableSortedMap<HookPoint, Activations> byPoint, String input) {
    this.byPoint = byPoint;
    this.input = input;
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
    return new ActivationCache(ImmutableSortedMap.copyOf(m), null);
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
    String in = other.byPoint.isEmpty() ? input : byPoint.isEmpty() ? other.input
        : Objects.equals(input, other.input) ? input : null;
    return new ActivationCache(ImmutableSortedMap.copyOf(m), in);
  }

  /**
   * The {@link VlmInput#fingerprint() fingerprint} of the input a model run captured this cache
   * from; empty for a cache assembled with {@link #of} (or joined from two inputs' caches).
   * Resuming a run from a cache of another input is refused.
   */
  public Optional<String> inputFingerprint() {
    return Optional.ofNullable(input);
  }

  /** This cache, stamped as captured from the input with the given {@link VlmInput#fingerprint()}. */
  public ActivationCache fromInput(String inputFingerprint) {
    return new ActivationCache(byPoint, Objects.requireNonNull(inputFingerprint, "inputFingerprint"));
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
