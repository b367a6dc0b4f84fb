package io.github.vlmlens.core.analysis.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The plain lines progress writes where standard error is not a terminal. */
class ProgressTest {
  private long now;

  private List<String> run(int total, int done, int steps, long nanosPerStep, String... statuses) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
    now = 1_000;
    try (Progress p = Progress.lines(out, () -> now, "train-tiny", "steps", total, done)) {
      for (int i = 0; i < steps; i++) {
        now += nanosPerStep;
        p.step(statuses.length == 0 ? null : statuses[i % statuses.length]);
      }
    }
    return bytes.toString(StandardCharsets.UTF_8).lines().toList();
  }

  @Test
  void aLineAtTheStartAtEachTenthAndAtTheEndWithEtaAndStatus() {
    // 20 steps of 2 s: lines at 0, 2, 4, ..., 20 (a tenth is 2 steps)
    List<String> lines = run(20, 0, 20, 2_000_000_000L, "loss 0.5000");
    assertEquals(11, lines.size(), String.join("\n", lines));
    assertEquals("train-tiny: 0/20 steps (0%), 0:00 elapsed", lines.get(0));
    // 2 steps in 4 s: 18 to go at 2 s each is 36 s
    assertEquals("train-tiny: 2/20 steps (10%), 0:04 elapsed, ETA 0:36, loss 0.5000", lines.get(1));
    assertEquals("train-tiny: 10/20 steps (50%), 0:20 elapsed, ETA 0:20, loss 0.5000", lines.get(5));
    // no ETA once done
    assertEquals("train-tiny: 20/20 steps (100%), 0:40 elapsed, loss 0.5000", lines.get(10));
  }

  @Test
  void atMostOneLinePerThirtySecondsWithinATenth() {
    // 1000 steps of 1 s: a tenth is 100 steps, so a line every 30 s (30 steps) comes first
    List<String> lines = run(1000, 0, 60, 1_000_000_000L);
    assertEquals(List.of(
        "train-tiny: 0/1000 steps (0%), 0:00 elapsed",
        "train-tiny: 30/1000 steps (3%), 0:30 elapsed, ETA 16:10",
        "train-tiny: 60/1000 steps (6%), 1:00 elapsed, ETA 15:40"), lines);
  }

  @Test
  void theEtaCountsOnlyTheUnitsOfThisRunAndStoppingShortEndsWithALine() {
    // resumed at 50 of 100; 5 steps of 10 s: 45 to go at 10 s each, 7:30
    List<String> lines = run(100, 50, 5, 10_000_000_000L, "lm 1.0000", "lm 0.9000", "lm 0.8000", "lm 0.7000", "lm 0.6000");
    // a line at 30 s (53 steps: 47 to go), and one at close (stopped short of the total)
    assertEquals(List.of(
        "train-tiny: 50/100 steps (50%), 0:00 elapsed",
        "train-tiny: 53/100 steps (53%), 0:30 elapsed, ETA 7:50, lm 0.8000",
        "train-tiny: 55/100 steps (55%), 0:50 elapsed, ETA 7:30, lm 0.6000"), lines);
  }

  @Test
  void hoursAreShownAsSuch() {
    assertEquals("1:01:05", Progress.clockTime(3665));
    assertEquals("59:59", Progress.clockTime(3599));
  }
}
