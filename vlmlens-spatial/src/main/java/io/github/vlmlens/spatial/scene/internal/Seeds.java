package io.github.vlmlens.spatial.scene.internal;

import java.util.List;
import java.util.Random;

/**
 * Seeded randomness with a fixed algorithm: {@link Random}'s generator and {@code nextInt(bound)}
 * are specified by the JDK, and the shuffle below is written out, so a seed means the same thing
 * on every JVM.
 */
public final class Seeds {
  private Seeds() {}

  /** SplitMix64's finaliser: a well-mixed 64-bit function of {@code x}. */
  public static long mix64(long x) {
    long z = x + 0x9E3779B97F4A7C15L;
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  /** An independent stream for purpose {@code stream} derived from {@code seed}. */
  public static Random stream(long seed, long stream) {
    return new Random(mix64(seed ^ mix64(stream)));
  }

  /** Fisher-Yates shuffle in place, from the last element down. */
  public static <T> void shuffle(List<T> list, Random random) {
    for (int i = list.size() - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      T t = list.get(i);
      list.set(i, list.get(j));
      list.set(j, t);
    }
  }
}
