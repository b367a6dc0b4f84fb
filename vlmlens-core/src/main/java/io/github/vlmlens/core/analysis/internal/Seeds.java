package io.github.vlmlens.core.analysis.internal;

import com.google.common.hash.Hashing;
import java.nio.charset.StandardCharsets;

/** Deterministic seed derivation, independent of run order and JVM. */
public final class Seeds {
  private Seeds() {}

  /** Mixes a base seed with further parts (SplitMix64 finaliser after each part). */
  public static long mix(long base, long... parts) {
    long h = splitMix(base);
    for (long p : parts) {
      h = splitMix(h ^ splitMix(p + 0x632BE59BD9B4E019L));
    }
    return h;
  }

  /** A stable 64-bit hash of a string (Murmur3, 128 bits truncated). */
  public static long of(String text) {
    return Hashing.murmur3_128().hashString(text, StandardCharsets.UTF_8).asLong();
  }

  private static long splitMix(long z) {
    z += 0x9E3779B97F4A7C15L;
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }
}
