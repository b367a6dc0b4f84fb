package io.github.vlmlens.examples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CliTest {
  /** Runs the tool in-process: {exit code, standard output, standard error}. */
  static String[] run(String... args) {
    return InProcessCli.run(args);
  }

  @Test
  void helpListsTheSubcommands() {
    String[] r = run("--help");
    assertEquals("0", r[0]);
    for (String c : new String[] {"demo", "mirror-swap", "hook-points", "train-tiny"}) {
      assertTrue(r[1].contains(c), r[1]);
    }
  }

  @Test
  void badLayerListIsAClearError() {
    String[] r = run("mirror-swap", "--out", "target/cli-bad", "--layers", "0-99", "--samples", "1");
    assertNotEquals("0", r[0]);
    assertTrue(r[2].contains("layer 7 is outside 0..6"), r[2]);
  }

  @Test
  void unknownModelDirectoryIsAClearError() {
    String[] r = run("hook-points", "--model", "/no/such/checkpoint");
    assertNotEquals("0", r[0]);
    assertTrue(r[2].contains("is neither 'tiny', 'tiny-video' nor a checkpoint directory"), r[2]);
  }

  @Test
  void demoWritesEveryReport(@TempDir Path tmp) throws java.io.IOException {
    String[] r = run("demo", "--samples", "12", "--out", tmp.toString());
    assertEquals("0", r[0], r[2]);
    for (String part : new String[] {"mirror-swap", "spatial-ids", "steering", "temporal-swap", "temporal-ids"}) {
      Path html = tmp.resolve(part).resolve("report.html");
      assertTrue(Files.isRegularFile(html), "no report " + html);
      assertTrue(Files.readString(html).contains("<img"), html + " has no plot");
    }
  }

  @Test
  void hookPointsOfTheTinyVideoModel() {
    String[] r = run("hook-points", "--model", "tiny-video");
    assertEquals("0", r[0], r[2]);
  }

  @Test
  void hookPointsOfTheTinyModel() {
    String[] r = run("hook-points");
    assertEquals("0", r[0], r[2]);
  }
}
