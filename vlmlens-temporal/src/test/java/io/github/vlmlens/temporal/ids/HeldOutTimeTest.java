package io.github.vlmlens.temporal.ids;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static io.github.vlmlens.temporal.testing.PlantedCodes.FRAMES;
import static io.github.vlmlens.temporal.testing.PlantedCodes.PAIRS;

import io.github.vlmlens.temporal.ids.TemporalIdResult.LayerIds;
import io.github.vlmlens.temporal.testing.PlantedCodes;
import org.junit.jupiter.api.Test;

/** Out-of-sample linearity of temporal IDs on a planted code and on pure noise. */
class HeldOutTimeTest {
  private static LayerIds time(double signal, long seed) {
    PlantedCodes.Design d = PlantedCodes.Design.of(1, signal, seed);
    return TimeAxes.analyse(1, d.acts(), d.pair(), d.anchor(), d.label(), FRAMES, 5, 199, 0);
  }

  @Test
  void aPlantedTimeCodeIsLinearOutOfSample() {
    LayerIds l = time(1.5, 1);
    assertEquals(PAIRS, l.principal().cvFolds());
    assertTrue(l.principal().cvR2() > 0.9, "CV " + l.principal().cvR2());
    assertTrue(l.principal().cvPValue() < 0.05, "p " + l.principal().cvPValue());
    assertTrue(l.orderedDifference().cvR2() > 0.9, "CV " + l.orderedDifference().cvR2());
  }

  @Test
  void noiseHasHighInSampleButNoOutOfSampleTimeCode() {
    LayerIds l = time(0, 2);
    assertTrue(l.orderedDifference().rSquaredFrameMeans() > 0.5,
        "in-sample " + l.orderedDifference().rSquaredFrameMeans());
    assertTrue(l.orderedDifference().cvR2() <= 0.05, "CV " + l.orderedDifference().cvR2());
    assertTrue(l.principal().cvR2() <= 0.05, "CV " + l.principal().cvR2());
    assertTrue(l.principal().cvPValue() > 0.05, "p " + l.principal().cvPValue());
    System.out.printf("temporal noise, width 128: in-sample frame-mean R^2 %.3f (ordered difference), %.3f"
        + " (principal); CV R^2 %.3f / %.3f, p %.3f / %.3f%n", l.orderedDifference().rSquaredFrameMeans(),
        l.principal().rSquaredFrameMeans(), l.orderedDifference().cvR2(), l.principal().cvR2(),
        l.orderedDifference().cvPValue(), l.principal().cvPValue());
  }
}
