package io.github.vlmlens.temporal.video;

import com.google.common.collect.ImmutableList;
import io.github.vlmlens.core.API;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * A seeded split of the unordered object pairs into training and held-out pairs, so a model can be
 * trained on some pairs and evaluated on pairs it never saw together.
 *
 * <p>Algorithm (a function of the seed and the fraction only): the pairs {@code (a, b)} with
 * {@code a} before {@code b} in {@link VideoObject} order are shuffled (Fisher-Yates from the last
 * element down, {@code java.util.Random} seeded with {@code seed}) and taken in that order as held
 * out while fewer than {@code round(fraction * pairs)} are and both objects keep at least one
 * training pair.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1.0")
public final class ObjectPairSplit {
  /** The default fraction of pairs held out. */
  public static final double DEFAULT_HELD_OUT = 0.2;

  /** Which pairs to draw from. */
  public enum Part {
    /** The training pairs. */
    TRAIN,
    /** The held-out pairs. */
    HELD_OUT,
    /** Every pair. */
    ALL
  }

  private final long seed;
  private final double fraction;
  private final ImmutableList<List<VideoObject>> train;
  private final ImmutableList<List<VideoObject>> heldOut;

  private ObjectPairSplit(long seed, double fraction) {
    this.seed = seed;
    this.fraction = fraction;
    List<List<VideoObject>> pairs = allPairs();
    List<List<VideoObject>> order = new ArrayList<>(pairs);
    Random random = new Random(seed);
    for (int i = order.size() - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      List<VideoObject> t = order.get(i);
      order.set(i, order.get(j));
      order.set(j, t);
    }
    int target = (int) Math.round(fraction * pairs.size());
    Map<VideoObject, Integer> training = new EnumMap<>(VideoObject.class);
    for (List<VideoObject> p : pairs) {
      training.merge(p.get(0), 1, Integer::sum);
      training.merge(p.get(1), 1, Integer::sum);
    }
    Set<List<VideoObject>> held = new HashSet<>();
    for (List<VideoObject> p : order) {
      if (held.size() >= target) {
        break;
      }
      if (training.get(p.get(0)) > 1 && training.get(p.get(1)) > 1) {
        training.merge(p.get(0), -1, Integer::sum);
        training.merge(p.get(1), -1, Integer::sum);
        held.add(p);
      }
    }
    ImmutableList.Builder<List<VideoObject>> tr = ImmutableList.builder();
    ImmutableList.Builder<List<VideoObject>> ho = ImmutableList.builder();
    for (List<VideoObject> p : pairs) {
      (held.contains(p) ? ho : tr).add(p);
    }
    this.train = tr.build();
    this.heldOut = ho.build();
  }

  /** The split for {@code seed} with {@link #DEFAULT_HELD_OUT} of the pairs held out. */
  public static ObjectPairSplit of(long seed) {
    return of(seed, DEFAULT_HELD_OUT);
  }

  /**
   * The split for {@code seed} holding out {@code round(fraction * pairs)} pairs (fewer only where
   * an object would be left without a training pair).
   *
   * @throws IllegalArgumentException for a fraction outside {@code [0, 1)}
   */
  public static ObjectPairSplit of(long seed, double fraction) {
    if (!(fraction >= 0 && fraction < 1)) {
      throw new IllegalArgumentException("held-out fraction must lie in [0, 1), got " + fraction);
    }
    return new ObjectPairSplit(seed, fraction);
  }

  /** Every unordered pair, {@code a} before {@code b} in enum order. */
  public static List<List<VideoObject>> allPairs() {
    ImmutableList.Builder<List<VideoObject>> out = ImmutableList.builder();
    VideoObject[] v = VideoObject.values();
    for (int i = 0; i < v.length; i++) {
      for (int j = i + 1; j < v.length; j++) {
        out.add(List.of(v[i], v[j]));
      }
    }
    return out.build();
  }

  /** The seed. */
  public long seed() {
    return seed;
  }

  /** The asked fraction held out. */
  public double fraction() {
    return fraction;
  }

  /** The training pairs, in enum order. */
  public List<List<VideoObject>> trainPairs() {
    return train;
  }

  /** The held-out pairs, in enum order. */
  public List<List<VideoObject>> heldOutPairs() {
    return heldOut;
  }

  /** The pairs of a part. */
  public List<List<VideoObject>> pairs(Part part) {
    switch (part) {
      case TRAIN:
        return train;
      case HELD_OUT:
        return heldOut;
      default:
        return allPairs();
    }
  }

  /** Whether the unordered pair {@code a, b} is held out. */
  public boolean isHeldOut(VideoObject a, VideoObject b) {
    return heldOut.contains(a.ordinal() < b.ordinal() ? List.of(a, b) : List.of(b, a));
  }

  @Override
  public String toString() {
    return "ObjectPairSplit[seed " + seed + ", " + heldOut.size() + " of " + (train.size() + heldOut.size())
        + " pairs held out]";
  }
}
