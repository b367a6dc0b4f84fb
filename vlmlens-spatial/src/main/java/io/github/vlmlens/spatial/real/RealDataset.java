package io.github.vlmlens.spatial.real;

import io.github.vlmlens.core.API;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * Samples read from a data set, and the rows that could not be used (each with its reason) when
 * the reader was asked to skip them.
 *
 * @param samples the usable samples, in file order
 * @param skipped one line per skipped row: where it is and why
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1.0")
public record RealDataset(List<RealSample> samples, List<String> skipped) {
  /** Copies the lists. */
  public RealDataset {
    samples = List.copyOf(samples);
    skipped = List.copyOf(skipped);
  }

  /**
   * A seeded sample of at most {@code limit} samples: the list shuffled by
   * {@code Collections.shuffle(list, new Random(seed))} and cut to {@code limit}; the same seed and
   * file give the same samples on every machine. A limit at or above the size keeps every sample
   * (in shuffled order).
   *
   * @throws IllegalArgumentException when the limit is not positive
   */
  public RealDataset sample(long seed, int limit) {
    if (limit < 1) {
      throw new IllegalArgumentException("--limit must be at least 1, got " + limit);
    }
    List<RealSample> s = new ArrayList<>(samples);
    Collections.shuffle(s, new Random(seed));
    return new RealDataset(s.subList(0, Math.min(limit, s.size())), skipped);
  }

  /** Only the samples whose relation is on {@code axis}. */
  public RealDataset onAxis(Relation.Axis axis) {
    return new RealDataset(samples.stream().filter(s -> s.relation().axis() == axis).toList(), skipped);
  }

  /** Only the samples with both boxes. */
  public RealDataset withBoxes() {
    return new RealDataset(samples.stream().filter(RealSample::hasBoxes).toList(), skipped);
  }
}
