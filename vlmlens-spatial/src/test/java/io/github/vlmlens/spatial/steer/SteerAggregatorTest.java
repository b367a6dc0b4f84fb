package io.github.vlmlens.spatial.steer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.vlmlens.spatial.scene.QuestionAxis;
import io.github.vlmlens.spatial.steer.SteeringResult.Sample;
import java.util.List;
import org.junit.jupiter.api.Test;

class SteerAggregatorTest {
  @Test
  void swapsAndCorrectnessFollowTheSignOfTheBelief() {
    assertTrue(SteerAggregator.swapped(1.5, -0.1));
    assertFalse(SteerAggregator.swapped(-1.5, -0.1));
    assertTrue(SteerAggregator.swapped(0.3, 0));
    Sample left = new Sample("s", QuestionAxis.HORIZONTAL, "a", "b", 0, 2, 0, 0, 0, "left", "right", "left", "f", 1,
        List.of());
    assertTrue(SteerAggregator.correct(left, 0.2));
    assertFalse(SteerAggregator.correct(left, -0.2));
    assertEquals(0.5, SteerAggregator.secondProbability(0), 0);
    assertEquals(1 / (1 + Math.exp(2)), SteerAggregator.secondProbability(2), 1e-15);
  }
}
