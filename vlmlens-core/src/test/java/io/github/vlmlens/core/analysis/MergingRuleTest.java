package io.github.vlmlens.core.analysis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.github.vlmlens.core.analysis.SwapResult.LayerStats;
import io.github.vlmlens.core.analysis.SwapResult.MergingPoint;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class MergingRuleTest {
  private static List<LayerStats> curve(int firstLayer, double... means) {
    List<LayerStats> out = new ArrayList<>();
    for (int i = 0; i < means.length; i++) {
      out.add(new LayerStats(firstLayer + i, Double.isNaN(means[i]) ? 0 : 10, means[i], 0, means[i], means[i]));
    }
    return out;
  }

  @Test
  void theRangeHoldsTheConsecutiveLayersNearThePeak() {
    // The tiny-model prototype's four-layer curve from TINY_VLM.md.
    MergingPoint m = MergingRule.find(curve(0, 0.00, 1.00, 0.99, 0.75, 0.00), 0.9);
    assertEquals(1, m.fromLayer());
    assertEquals(2, m.toLayer());
    assertEquals(1, m.peakLayer());
    assertEquals(1.00, m.peakShift(), 0);
    MergingPoint wide = MergingRule.find(curve(0, 0.00, 1.00, 0.99, 0.75, 0.00), 0.7);
    assertEquals(3, wide.toLayer());
  }

  @Test
  void aSecondBumpAfterADipIsNotPartOfTheRange() {
    MergingPoint m = MergingRule.find(curve(10, 0.2, 0.95, 0.5, 0.93, 0.1), 0.9);
    assertEquals(11, m.fromLayer());
    assertEquals(11, m.toLayer());
  }

  @Test
  void tiesTakeTheFirstPeakAndEmptyLayersAreSkipped() {
    MergingPoint m = MergingRule.find(curve(0, Double.NaN, 0.5, 0.8, 0.8, Double.NaN), 0.95);
    assertEquals(2, m.peakLayer());
    assertEquals(2, m.fromLayer());
    assertEquals(3, m.toLayer());
  }

  @Test
  void noPositivePeakMeansNoMergingPoint() {
    assertNull(MergingRule.find(curve(0, 0.0, -0.1, 0.0), 0.9));
    assertNull(MergingRule.find(curve(0, Double.NaN, Double.NaN), 0.9));
  }
}
