package io.github.vlmlens.temporal.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class IdTablesTest {
  @Test
  void centringPerPairAndAnchorThenAveragingLevelByLevel() {
    // one pair, two anchor frames; 1-D activations
    // anchor 0: label 1 -> 4, label 2 -> 6 and 8        group mean 6   -> Delta -2, 0, 2
    // anchor 1: label 0 -> 1, label 2 -> 5              group mean 3   -> Delta -2, 2
    double[][] acts = {{4}, {6}, {8}, {1}, {5}};
    int[] pair = {0, 0, 0, 0, 0};
    int[] anchor = {0, 0, 0, 1, 1};
    int[] label = {1, 2, 2, 0, 2};
    double[][] c = IdTables.centre(acts, pair, anchor);
    assertArrayEquals(new double[] {-2, 0, 2, -2, 2}, Arrays.stream(c).mapToDouble(r -> r[0]).toArray(), 1e-12);
    double[][] ids = IdTables.ids(c, pair, anchor, label, 3);
    assertEquals(-2, ids[0][0], 1e-12); // anchor 1 only
    assertEquals(-2, ids[1][0], 1e-12); // anchor 0 only
    // label 2: anchor 0 mean (0 + 2) / 2 = 1, anchor 1: 2 -> mean over anchors 1.5 (not the sample mean 4/3)
    assertEquals(1.5, ids[2][0], 1e-12);
    assertThrows(IllegalArgumentException.class, () -> IdTables.ids(c, pair, anchor, label, 4));
  }

  @Test
  void pairsAreAveragedWithEqualWeight() {
    double[][] acts = {{0}, {2}, {10}, {30}, {50}};
    int[] pair = {0, 0, 1, 1, 1};
    int[] anchor = {0, 0, 0, 0, 0};
    int[] label = {0, 1, 0, 1, 1};
    double[][] ids = IdTables.ids(IdTables.centre(acts, pair, anchor), pair, anchor, label, 2);
    // pair 0: -1, 1; pair 1 (mean 30): -20, 10 -> labels: (-1 - 20) / 2, (1 + 10) / 2
    assertEquals(-10.5, ids[0][0], 1e-12);
    assertEquals(5.5, ids[1][0], 1e-12);
  }

  @Test
  void shufflingPermutesLabelsOnlyWithinGroups() {
    int[] label = {0, 1, 2, 3, 4, 5, 6, 7};
    int[] pair = {0, 0, 0, 0, 1, 1, 1, 1};
    int[] anchor = {0, 0, 1, 1, 0, 0, 0, 0};
    int[] s = IdTables.shuffleWithinGroups(label, pair, anchor, new Random(3));
    assertEquals(Set2.of(s[0], s[1]), Set2.of(0, 1));
    assertEquals(Set2.of(s[2], s[3]), Set2.of(2, 3));
    int[] tail = Arrays.copyOfRange(s, 4, 8);
    Arrays.sort(tail);
    assertArrayEquals(new int[] {4, 5, 6, 7}, tail);
    assertNotEquals(Arrays.toString(label), Arrays.toString(
        IdTables.shuffleWithinGroups(label, new int[8], new int[8], new Random(1))));
  }

  private static final class Set2 {
    static java.util.Set<Integer> of(int a, int b) {
      return java.util.Set.of(a, b);
    }
  }
}
