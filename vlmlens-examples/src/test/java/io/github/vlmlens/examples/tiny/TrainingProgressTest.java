package io.github.vlmlens.examples.tiny;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code train-tiny} shows its progress (steps done of the total, loss, ETA; then the final
 * evaluation's cells) on standard error, as plain lines here where it is not a terminal, and
 * {@code --no-progress} swaps them for the log line every 10 steps.
 */
class TrainingProgressTest {
  private static final String[] SHORT_RUN = {"--steps", "3", "--batch", "2", "--eval-samples", "1"};

  /** Runs {@code train-tiny} with {@code extra} options: its standard error, line by line. */
  private static List<String> trainTiny(Path out, String... extra) {
    String[] args = new String[2 + SHORT_RUN.length + extra.length];
    args[0] = "--out";
    args[1] = out.toString();
    System.arraycopy(SHORT_RUN, 0, args, 2, SHORT_RUN.length);
    System.arraycopy(extra, 0, args, 2 + SHORT_RUN.length, extra.length);
    PrintStream old = System.err;
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    int code;
    try {
      code = new CommandLine(new TrainTinyVlm()).execute(args);
    } finally {
      System.setErr(old);
    }
    String text = err.toString(StandardCharsets.UTF_8);
    assertEquals(0, code, text);
    return text.lines().toList();
  }

  @Test
  void plainProgressLinesCountStepsWithLossAndEta(@TempDir Path out) {
    List<String> lines = trainTiny(out);
    List<String> progress = lines.stream().filter(l -> l.startsWith("train-tiny: ")).toList();
    String all = String.join("\n", lines);
    // three steps: each is a tenth of the work, so a line each, after the one at the start
    assertEquals(4, progress.size(), all);
    assertTrue(Pattern.matches("train-tiny: 0/3 steps \\(0%\\), 0:\\d\\d elapsed", progress.get(0)), all);
    for (int step = 1; step <= 2; step++) {
      String pattern = "train-tiny: " + step + "/3 steps \\(" + (100 * step / 3)
          + "%\\), \\d+:\\d\\d elapsed, ETA \\d+:\\d\\d, loss \\d+\\.\\d{4}, acc \\d\\.\\d{3}";
      assertTrue(Pattern.matches(pattern, progress.get(step)), progress.get(step) + " !~ " + pattern);
    }
    assertTrue(Pattern.matches("train-tiny: 3/3 steps \\(100%\\), \\d+:\\d\\d elapsed, loss \\d+\\.\\d{4}, acc \\d\\.\\d{3}",
        progress.get(3)), all);
    assertFalse(all.contains("step     1  loss"), "progress replaces the step log:\n" + all);
    // the final evaluation counts its 3 parts x 3 question types, the last one's accuracy shown
    List<String> eval = lines.stream().filter(l -> l.startsWith("train-tiny final evaluation: ")).toList();
    assertEquals("train-tiny final evaluation: 0/9 cells (0%), 0:00 elapsed", eval.get(0).replaceAll("\\d+:\\d\\d elapsed", "0:00 elapsed"));
    assertTrue(Pattern.matches("train-tiny final evaluation: 9/9 cells \\(100%\\), \\d+:\\d\\d elapsed, held_out_both color [01]\\.\\d{3}",
        eval.get(eval.size() - 1)), all);
  }

  @Test
  void noProgressLogsTheStepLinesInstead(@TempDir Path out) {
    List<String> lines = trainTiny(out, "--no-progress");
    String all = String.join("\n", lines);
    assertTrue(lines.stream().noneMatch(l -> l.startsWith("train-tiny: ") || l.startsWith("train-tiny final")), all);
    assertTrue(Pattern.compile("^step +1  loss \\d+\\.\\d{4}", Pattern.MULTILINE).matcher(all).find(), all);
  }
}
