package io.github.vlmlens.examples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** User errors are one line on standard error and exit status 2; the stack trace only with --verbose. */
class CliErrorsTest {
  @TempDir Path tmp;

  private static String[] run(String... args) {
    return InProcessCli.run(args);
  }

  private static long lines(String s) {
    return s.lines().filter(l -> !l.isBlank()).count();
  }

  @Test
  void aBackwardsLayerRangeIsAnErrorNotEveryLayer() {
    Path out = tmp.resolve("r");
    String[] r = run("mirror-swap", "--out", out.toString(), "--layers", "3-1", "--samples", "1", "--no-progress");
    assertEquals("2", r[0], r[2]);
    assertTrue(r[2].startsWith("vlmlens mirror-swap: --layers: the range '3-1' runs backwards"), r[2]);
    assertEquals(2, lines(r[2]), r[2]); // the message and where to find help
    assertFalse(r[2].contains("at io.github"), r[2]);
    assertFalse(Files.exists(out));
  }

  @Test
  void anEmptyOutIsAnErrorAndNothingIsWritten() {
    String[] r = run("mirror-swap", "--out", "", "--samples", "1", "--layers", "0-1", "--no-progress");
    assertEquals("2", r[0], r[2]);
    assertTrue(r[2].contains("the output directory is empty"), r[2]);
    assertEquals(1, lines(r[2]), r[2]);
    assertFalse(Files.exists(Path.of("run.json")));
  }

  @Test
  void aDirectoryHoldingSomethingElseIsNotAdopted() throws Exception {
    Path out = Files.createDirectories(tmp.resolve("mine"));
    Files.writeString(out.resolve("thesis.tex"), "keep me");
    String[] r = run("mirror-swap", "--out", out.toString(), "--samples", "1", "--layers", "0-1", "--no-progress");
    assertEquals("2", r[0], r[2]);
    assertTrue(r[2].contains("is not empty and holds no vlmlens run (it has thesis.tex)"), r[2]);
    assertEquals("keep me", Files.readString(out.resolve("thesis.tex")));
    try (var s = Files.list(out)) {
      assertEquals(1, s.filter(p -> !p.getFileName().toString().startsWith(".")).count());
    }
  }

  @Test
  void verboseAddsTheStackTrace() {
    String[] r = run("mirror-swap", "--out", "", "--samples", "1", "--layers", "0-1", "--no-progress", "--verbose");
    assertEquals("2", r[0], r[2]);
    assertTrue(r[2].contains("\tat "), r[2]);
  }

  @Test
  void aFileAsOutputDirectoryIsAnError() throws Exception {
    Path f = Files.writeString(tmp.resolve("file"), "x");
    String[] r = run("mirror-swap", "--out", f.toString(), "--samples", "1", "--layers", "0-1", "--no-progress");
    assertEquals("2", r[0], r[2]);
    assertTrue(r[2].contains("is a file"), r[2]);
  }

  @Test
  void percentSignsInHelpArePrinted() {
    for (String cmd : new String[] {"steer", "temporal-steer"}) {
      String[] r = run(cmd, "--help");
      assertEquals("0", r[0], r[2]);
      assertTrue(r[1].contains("% "), cmd + ": " + r[1]);
      assertFalse(r[1].contains("%n"), r[1]);
    }
  }

  @Test
  void demoAcceptsNoProgress() {
    DemoCommand demo = new DemoCommand();
    new CommandLine(demo).parseArgs("--no-progress", "--samples", "3");
    assertTrue(demo.noProgress);
  }

  @Test
  void anUnknownOptionIsOneLineAndStatus2() {
    String[] r = run("mirror-swap", "--out", tmp.resolve("u").toString(), "--frobnicate");
    assertEquals("2", r[0], r[2]);
    assertTrue(r[2].startsWith("vlmlens mirror-swap: Unknown option: '--frobnicate'"), r[2]);
  }
}
