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
    java.util.Map<String, Class<?>> types = new java.util.LinkedHashMap<>();
    types.put("mirror-swap", io.github.vlmlens.core.analysis.SwapResult.class);
    types.put("spatial-ids", io.github.vlmlens.spatial.ids.IdExtractionResult.class);
    types.put("steering", io.github.vlmlens.spatial.steer.SteeringResult.class);
    types.put("temporal-swap", io.github.vlmlens.core.analysis.SwapResult.class);
    types.put("temporal-ids", io.github.vlmlens.temporal.ids.TemporalIdResult.class);
    for (var e : types.entrySet()) {
      Path html = tmp.resolve(e.getKey()).resolve("report.html");
      assertTrue(Files.isRegularFile(html), "no report " + html);
      String page = Files.readString(html);
      assertTrue(page.contains("<img"), html + " has no plot");
      assertTrue(page.contains("<h2>Settings</h2>"), html + " has no Settings section");
      assertTrue(Files.isRegularFile(tmp.resolve(e.getKey()).resolve("figures/01-" + firstFigure(page) + ".svg")),
          html + ": its first chart's SVG is missing");
      io.github.vlmlens.examples.ResultSchemas.assertValid(tmp.resolve(e.getKey()).resolve("result.json"), e.getValue());
    }
    // No "all layers" sentinel: the steering result names the layers it steered.
    var steering = io.github.vlmlens.spatial.steer.SteeringReport.readJson(tmp.resolve("steering/result.json"));
    assertEquals(steering.layers(), steering.config().layers());
    assertTrue(!steering.config().layers().isEmpty() && !steering.config().pairs().isEmpty());
    assertTrue(steering.config().arbitraryRow() >= 0 && steering.config().arbitraryColumn() >= 0);
  }

  /** The slug of a page's first chart, from its SVG link. */
  private static String firstFigure(String page) {
    int at = page.indexOf("figures/01-") + "figures/01-".length();
    return page.substring(at, page.indexOf(".svg", at));
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
