package io.github.vlmlens.core.analysis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class EstimateTest {
  @Test
  void proportionOfIndicatorsWithAnIntervalAroundIt() {
    double[] flips = new double[40];
    for (int i = 0; i < 30; i++) {
      flips[i] = 1;
    }
    Estimate e = Estimate.of(flips, 1000, 0.95, 5);
    assertEquals(40, e.n());
    assertEquals(0.75, e.mean(), 1e-12);
    assertTrue(e.lower() < 0.75 && e.upper() > 0.75 && e.lower() > 0.5 && e.upper() <= 1);
    Estimate pct = e.times(100);
    assertEquals(75, pct.mean(), 1e-9);
    assertEquals(100 * e.lower(), pct.lower(), 1e-9);
    assertEquals(e, Estimate.of(flips, 1000, 0.95, 5)); // seeded
  }

  @Test
  void emptyAndSingleValues() {
    Estimate none = Estimate.of(new double[0], 10, 0.9, 1);
    assertEquals(0, none.n());
    assertTrue(Double.isNaN(none.mean()));
    Estimate one = Estimate.of(new double[] {2.5}, 10, 0.9, 1);
    assertEquals(2.5, one.mean(), 0);
    assertEquals(0, one.sd(), 0);
    assertEquals(2.5, one.lower(), 0);
    assertThrows(IllegalArgumentException.class, () -> Estimate.of(new double[] {1}, 0, 0.9, 1));
    assertThrows(IllegalArgumentException.class, () -> Estimate.of(new double[] {1}, 10, 1.0, 1));
  }
}
