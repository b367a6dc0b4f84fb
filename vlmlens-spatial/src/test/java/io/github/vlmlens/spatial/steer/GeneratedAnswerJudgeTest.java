package io.github.vlmlens.spatial.steer;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** How a generated text is read as one of the two answers. */
class GeneratedAnswerJudgeTest {
  @Test
  void theFirstAnswerWordInTheTextWinsAsAWordIgnoringCase() {
    assertEquals(1, SteeringPlan.judge("Left.", "Left", "Right"));
    assertEquals(-1, SteeringPlan.judge("The dog is on the right, not the left.", "Left", "Right"));
    assertEquals(1, SteeringPlan.judge("left of the cat", "Left", "Right"));
    assertEquals(0, SteeringPlan.judge("I cannot tell.", "Left", "Right"));
    // Inside another word is not the word: "leftover" and "brighter".
    assertEquals(0, SteeringPlan.judge("leftover brighter", "left", "right"));
    assertEquals(-1, SteeringPlan.judge("Right!", "left", "right"));
  }
}
