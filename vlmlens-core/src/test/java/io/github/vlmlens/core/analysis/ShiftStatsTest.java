package io.github.vlmlens.core.analysis;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.vlmlens.core.analysis.SwapResult.LayerStats;
import io.github.vlmlens.core.analysis.internal.Seeds;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ShiftStatsTest {

  @Test
  void meanAndSampleStandardDeviationByHand() {
    LayerStats s = ShiftStats.of(3, new double[] {1, 2, 3, 4}, 500, 0.95, 1);
    assertEquals(3, s.layer());
    assertEquals(4, s.n());
    assertEquals(2.5, s.mean(), 1e-15);
    // sum of squared deviations 5, divided by n - 1 = 3
    assertEquals(Math.sqrt(5.0 / 3.0), s.sd(), 1e-15);
  }

  @Test
  void constantDataGiveAZeroWidthInterval() {
    LayerStats s = ShiftStats.of(0, new double[] {0.7, 0.7, 0.7}, 200, 0.95, 5);
    assertEquals(0.0, s.sd(), 0);
    assertEquals(0.7, s.lower(), 1e-15);
    assertEquals(0.7, s.upper(), 1e-15);
  }

  @Test
  void emptyAndSingletonSamples() {
    LayerStats none = ShiftStats.of(1, new double[0], 100, 0.95, 0);
    assertEquals(0, none.n());
    assertTrue(Double.isNaN(none.mean()) && Double.isNaN(none.sd()) && Double.isNaN(none.lower()));
    LayerStats one = ShiftStats.of(1, new double[] {0.3}, 100, 0.95, 0);
    assertEquals(0.0, one.sd(), 0);
    assertEquals(0.3, one.lower(), 0);
    assertEquals(0.3, one.upper(), 0);
  }

  @Test
  void twoPointBootstrapHasTheKnownQuantiles() {
    // Resampling {0, 1} twice gives means 0, 0.5, 1 with probabilities 1/4, 1/2, 1/4, so the 2.5%
    // and 97.5% quantiles of many resampled means are 0 and 1, and the 30% and 70% ones are 0.5.
    double[] ci95 = ShiftStats.bootstrapInterval(new double[] {0, 1}, 4000, 0.95, 11);
    assertArrayEquals(new double[] {0, 1}, ci95, 1e-15);
    double[] ci40 = ShiftStats.bootstrapInterval(new double[] {0, 1}, 4000, 0.40, 11);
    assertArrayEquals(new double[] {0.5, 0.5}, ci40, 1e-15);
  }

  @Test
  void largeSampleIntervalMatchesTheNormalApproximation() {
    Random r = new Random(42);
    double[] v = new double[400];
    for (int i = 0; i < v.length; i++) {
      v[i] = r.nextGaussian();
    }
    LayerStats s = ShiftStats.of(0, v, 4000, 0.95, 3);
    double half = 1.959964 * s.sd() / Math.sqrt(v.length);
    assertEquals(s.mean() - half, s.lower(), 0.15 * half);
    assertEquals(s.mean() + half, s.upper(), 0.15 * half);
  }

  @Test
  void theBootstrapIsSeeded() {
    double[] v = {0.1, 0.9, 0.4, 0.35, 1.2, -0.1};
    assertArrayEquals(
        ShiftStats.bootstrapInterval(v, 300, 0.95, 9), ShiftStats.bootstrapInterval(v, 300, 0.95, 9), 0);
    assertNotEquals(
        ShiftStats.bootstrapInterval(v, 300, 0.95, 9)[0], ShiftStats.bootstrapInterval(v, 300, 0.95, 10)[0]);
    assertNotEquals(Seeds.mix(1, 0, 2), Seeds.mix(1, 2, 0));
  }
}
