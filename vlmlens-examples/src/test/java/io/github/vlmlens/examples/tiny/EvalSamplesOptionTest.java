package io.github.vlmlens.examples.tiny;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code train-tiny --eval-samples} reaches the final evaluation too (it was fixed at 500). */
class EvalSamplesOptionTest {
  private static TrainTinyVlm parse(String... args) {
    TrainTinyVlm t = new TrainTinyVlm();
    new CommandLine(t).parseArgs(args);
    return t;
  }

  @Test
  void finalEvaluationFollowsEvalSamplesUnlessGivenItsOwn() {
    assertEquals(200, parse("--out", "x").evalSamples());
    assertEquals(500, parse("--out", "x").finalEvalSamples());
    assertEquals(10, parse("--out", "x", "--eval-samples", "10").finalEvalSamples());
    assertEquals(10, parse("--out", "x", "--eval-samples", "10").evalSamples());
    assertEquals(7, parse("--out", "x", "--eval-samples", "10", "--final-eval-samples", "7").finalEvalSamples());
  }
}
