package io.github.vlmlens.core;

import java.util.Arrays;
import java.util.Objects;

/**
 * One change to an activation during a forward pass. Interventions at the same hook point apply
 * in the order the {@link RunSpec} lists them; captures at that point see the changed activation.
 *
 * <p>Build them with the static factories: {@link #patch}, {@link #add}, {@link #replace},
 * {@link #zeroAblate}, {@link #meanAblate}, {@link #custom}, and for attention
 * {@link #knockout} (block queries from keys) and {@link #zeroAblateHeads} /
 * {@link #meanAblateHeads}.
 */
@API(status = API.Status.STABLE, since = "0.1.0")
public final class Intervention {

  /** What an intervention does. */
  public enum Kind {
    /** Copy vectors from another run's cache. */
    PATCH,
    /** Add one vector at each position. */
    ADD,
    /** Set the vectors at the positions to given values. */
    REPLACE,
    /** Set the vectors at the positions to zero. */
    ZERO_ABLATE,
    /** Set each vector at the positions to their mean over those positions in this run. */
    MEAN_ABLATE,
    /** Hand the activation to a user callback. */
    CUSTOM,
    /** Block attention from query positions to key positions (at {@code attn_scores}). */
    KNOCKOUT,
    /** Set chosen heads' outputs ({@code attn_z} columns) to zero at the positions. */
    HEAD_ZERO_ABLATE,
    /** Set chosen heads' outputs to their mean over the positions in this run. */
    HEAD_MEAN_ABLATE
  }

  private final Kind kind;
  private final HookPoint point;
  private final Positions positions;
  private final ActivationCache source;
  private final Positions sourcePositions;
  private final float[][] vectors;
  private final ActivationHook hook;
  private final Positions keys;
  private final int[] heads;

  private Intervention(
      Kind kind,
      HookPoint point,
      Positions positions,
      ActivationCache source,
      Positions sourcePositions,
      float[][] vectors,
      ActivationHook hook) {
    this(kind, point, positions, source, sourcePositions, vectors, hook, null, null);
  }

  private Intervention(
      Kind kind,
      HookPoint point,
      Positions positions,
      ActivationCache source,
      Positions sourcePositions,
      float[][] vectors,
      ActivationHook hook,
      Positions keys,
      int[] heads) {
    this.keys = keys;
    this.heads = heads;
    this.kind = kind;
    this.point = Objects.requireNonNull(point, "point");
    this.positions = Objects.requireNonNull(positions, "positions");
    this.source = source;
    this.sourcePositions = sourcePositions;
    this.vectors = vectors;
    this.hook = hook;
  }

  /**
   * Replaces the activation at {@code positions} by the vectors {@code source} holds for the same
   * hook point and the same positions ("activation patching").
   *
   * @throws IllegalArgumentException when the cache does not hold the hook point
   */
  public static Intervention patch(HookPoint point, Positions positions, ActivationCache source) {
    return patch(point, positions, source, positions);
  }

  /**
   * Replaces the activation at {@code targets[i]} by the vector {@code source} holds at
   * {@code sources[i]}: for runs whose token positions differ.
   *
   * @throws IllegalArgumentException when the cache does not hold the hook point, or the two lists
   *     differ in length
   */
  public static Intervention patch(
      HookPoint point, Positions targets, ActivationCache source, Positions sources) {
    Objects.requireNonNull(source, "source");
    source.get(point); // fails early, naming what the cache holds
    if (targets.isAll() != sources.isAll() || targets.size() != sources.size()) {
      throw new IllegalArgumentException(
          "patch at " + point + ": target positions " + targets + " and source positions "
              + sources + " differ in length");
    }
    return new Intervention(Kind.PATCH, point, targets, source, sources, null, null);
  }

  /** Adds {@code vector} to the activation at every one of {@code positions} (steering). */
  public static Intervention add(HookPoint point, Positions positions, float[] vector) {
    return new Intervention(
        Kind.ADD, point, positions, null, null, new float[][] {vector.clone()}, null);
  }

  /**
   * Sets the activation at {@code positions}: {@code values} holds one vector per position, or a
   * single vector used at every position.
   */
  public static Intervention replace(HookPoint point, Positions positions, float[]... values) {
    if (values.length == 0) {
      throw new IllegalArgumentException("replace at " + point + " needs at least one vector");
    }
    if (values.length != 1 && values.length != positions.size()) {
      throw new IllegalArgumentException(
          "replace at " + point + ": " + values.length + " vectors for positions " + positions);
    }
    float[][] copy = new float[values.length][];
    for (int i = 0; i < values.length; i++) {
      copy[i] = values[i].clone();
      if (copy[i].length != copy[0].length) {
        throw new IllegalArgumentException("replace at " + point + ": vectors of different widths");
      }
    }
    return new Intervention(Kind.REPLACE, point, positions, null, null, copy, null);
  }

  /** Sets the activation at {@code positions} to zero. */
  public static Intervention zeroAblate(HookPoint point, Positions positions) {
    return new Intervention(Kind.ZERO_ABLATE, point, positions, null, null, null, null);
  }

  /**
   * Sets the activation at each of {@code positions} to the mean, over those positions, of this
   * run's activation. To ablate to a mean taken elsewhere, use {@link #replace} with that mean.
   */
  public static Intervention meanAblate(HookPoint point, Positions positions) {
    return new Intervention(Kind.MEAN_ABLATE, point, positions, null, null, null, null);
  }

  /** Runs a user callback at {@code point}; it may read and write any position. */
  public static Intervention custom(HookPoint point, ActivationHook hook) {
    return new Intervention(
        Kind.CUSTOM, point, Positions.all(), null, null, null, Objects.requireNonNull(hook, "hook"));
  }

  /**
   * Attention knockout in decoder block {@code layer}: the {@code queries} positions cannot attend
   * to the {@code keys} positions, in the given heads (all heads when none are given). Applied to
   * the scores before the softmax ({@code lm.layer.attn_scores}), so each query's remaining keys
   * share its attention. A knockout that leaves a query no key at all is refused when it runs.
   *
   * @throws IllegalArgumentException for a negative head or an empty query or key set
   */
  public static Intervention knockout(int layer, Positions queries, Positions keys, int... heads) {
    Objects.requireNonNull(queries, "queries");
    Objects.requireNonNull(keys, "keys");
    if ((!queries.isAll() && queries.size() == 0) || (!keys.isAll() && keys.size() == 0)) {
      throw new IllegalArgumentException("knockout in lm." + layer + " needs query and key positions");
    }
    HookPoint p = HookPoint.of(HookPoint.Component.LM, layer, HookPoint.Site.ATTN_SCORES);
    return new Intervention(Kind.KNOCKOUT, p, queries, null, null, null, null, keys, checkHeads(heads, p));
  }

  /**
   * Zero-ablates heads: their outputs at {@code zPoint} (an {@code attn_z} point, e.g.
   * {@code lm.3.attn_z}) become zero at {@code positions}.
   */
  public static Intervention zeroAblateHeads(HookPoint zPoint, Positions positions, int... heads) {
    return headAblation(Kind.HEAD_ZERO_ABLATE, zPoint, positions, heads);
  }

  /**
   * Mean-ablates heads: their outputs at {@code zPoint} become, at each of {@code positions}, their
   * mean over those positions in this run.
   */
  public static Intervention meanAblateHeads(HookPoint zPoint, Positions positions, int... heads) {
    return headAblation(Kind.HEAD_MEAN_ABLATE, zPoint, positions, heads);
  }

  private static Intervention headAblation(Kind kind, HookPoint zPoint, Positions positions, int[] heads) {
    Objects.requireNonNull(zPoint, "zPoint");
    if (zPoint.site() != HookPoint.Site.ATTN_Z) {
      throw new IllegalArgumentException(
          "head ablation acts on an attn_z point (e.g. lm.3.attn_z), not " + zPoint);
    }
    if (heads.length == 0) {
      throw new IllegalArgumentException("head ablation at " + zPoint + " needs at least one head");
    }
    return new Intervention(kind, zPoint, positions, null, null, null, null, null, checkHeads(heads, zPoint));
  }

  private static int[] checkHeads(int[] heads, HookPoint p) {
    for (int h : heads) {
      if (h < 0) {
        throw new IllegalArgumentException("head " + h + " at " + p + " is negative");
      }
    }
    return heads.clone();
  }

  /** For {@link Kind#KNOCKOUT}: the key positions queries may not attend to; else {@code null}. */
  public Positions keys() {
    return keys;
  }

  /**
   * For {@link Kind#KNOCKOUT} and head ablations: the heads (empty: every head, for a knockout);
   * else an empty array. A copy.
   */
  public int[] heads() {
    return heads == null ? new int[0] : heads.clone();
  }

  /** What this intervention does. */
  public Kind kind() {
    return kind;
  }

  /** Where it acts. */
  public HookPoint point() {
    return point;
  }

  /** The positions it changes (for {@link Kind#CUSTOM}: all). */
  public Positions positions() {
    return positions;
  }

  /** For {@link Kind#PATCH}: the cache the vectors come from; else {@code null}. */
  public ActivationCache source() {
    return source;
  }

  /** For {@link Kind#PATCH}: the positions in the source run; else {@code null}. */
  public Positions sourcePositions() {
    return sourcePositions;
  }

  /**
   * For {@link Kind#ADD}: one vector; for {@link Kind#REPLACE}: one vector per position or one
   * for all; else an empty array. A copy.
   */
  public float[][] vectors() {
    if (vectors == null) {
      return new float[0][];
    }
    float[][] copy = new float[vectors.length][];
    for (int i = 0; i < vectors.length; i++) {
      copy[i] = vectors[i].clone();
    }
    return copy;
  }

  /** For {@link Kind#CUSTOM}: the callback; else {@code null}. */
  public ActivationHook hook() {
    return hook;
  }

  @Override
  public String toString() {
    String extra = "";
    if (vectors != null) {
      extra = ", " + vectors.length + " vector(s) of width " + vectors[0].length;
    }
    if (keys != null) {
      extra += ", keys " + keys;
    }
    if (heads != null) {
      extra += ", heads " + (heads.length == 0 ? "all" : Arrays.toString(heads));
    }
    return kind.name().toLowerCase(java.util.Locale.ROOT) + "(" + point + " @ " + positions + extra + ")";
  }

  /** Width of the vectors of an ADD or REPLACE, or -1. */
  int vectorWidth() {
    return vectors == null ? -1 : vectors[0].length;
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof Intervention)) {
      return false;
    }
    Intervention i = (Intervention) o;
    return kind == i.kind
        && point.equals(i.point)
        && positions.equals(i.positions)
        && source == i.source
        && Objects.equals(sourcePositions, i.sourcePositions)
        && Arrays.deepEquals(vectors, i.vectors)
        && hook == i.hook
        && Objects.equals(keys, i.keys)
        && Arrays.equals(heads, i.heads);
  }

  @Override
  public int hashCode() {
    return Objects.hash(kind, point, positions, Arrays.deepHashCode(vectors));
  }
}
