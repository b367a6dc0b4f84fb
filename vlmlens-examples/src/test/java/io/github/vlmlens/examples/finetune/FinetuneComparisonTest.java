package io.github.vlmlens.examples.finetune;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.vlmlens.examples.ResultSchemas;
import io.github.vlmlens.examples.cli.InProcessCli;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** finetune-compare's summary: its 95% intervals by hand, and a real comparison.json against its schema. */
class FinetuneComparisonTest {
  @Test
  void intervalsAreTheMeanSdAndTIntervalOfThePresentValues() {
    JsonNode three = FinetuneComparison.interval(new double[] {1, 2, 3});
    assertEquals(2.0, three.get("mean").asDouble(), 1e-12);
    assertEquals(1.0, three.get("sd").asDouble(), 1e-12);
    double half = 4.302652729911275 / Math.sqrt(3); // t(0.975, 2)
    assertEquals(2 - half, three.get("lo").asDouble(), 1e-9);
    assertEquals(2 + half, three.get("hi").asDouble(), 1e-9);

    JsonNode gap = FinetuneComparison.interval(new double[] {1, Double.NaN, 3});
    assertTrue(gap.get("values").get(1).isNull(), "a missing seed is null, not a number");
    assertEquals(2.0, gap.get("mean").asDouble(), 1e-12);
    assertEquals(Math.sqrt(2), gap.get("sd").asDouble(), 1e-12);
    assertEquals(2 + 12.706204736174698, gap.get("hi").asDouble(), 1e-9); // t(0.975, 1) * sqrt(2) / sqrt(2)

    JsonNode one = FinetuneComparison.interval(new double[] {5});
    assertEquals(5.0, one.get("mean").asDouble());
    assertFalse(one.has("sd") || one.has("lo"), "no interval from one value");
    assertTrue(FinetuneComparison.interval(new double[] {Double.NaN}).get("mean").isNull());

    assertEquals(2.059538552753294, FinetuneComparison.tQuantile975(25), 1e-9);
    assertEquals(1.9839715184, FinetuneComparison.tQuantile975(100), 1e-9); // by numerical integration of the t density
  }

  @Test
  void aComparisonOfTwoSeedsIsAValidComparisonJson(@TempDir Path out) throws Exception {
    String[] r = InProcessCli.run("finetune-compare", "--model", "tiny", "--seeds", "1,2", "--steps", "2",
        "--eval-every", "1", "--eval-samples", "2", "--batch", "2", "--out", out.toString(), "--no-progress",
        "--quiet");
    assertEquals("0", r[0], r[2]);
    Path file = out.resolve(FinetuneComparison.JSON_FILE);
    JsonNode c = new ObjectMapper().readTree(file.toFile());
    Set<String> errors = ResultSchemas.errors(c, ResultSchemas.FINETUNE_COMPARISON);
    assertTrue(errors.isEmpty(), file + " is not a valid comparison: " + errors);
    assertEquals(3, c.get("table").size(), "evaluations at steps 0, 1 and 2");
    for (JsonNode row : c.get("table")) {
      JsonNode diff = row.get("accuracy_difference").get("values");
      for (int i = 0; i < 2; i++) {
        double expected = row.get("spatial").get("accuracy").get("values").get(i).asDouble()
            - row.get("control").get("accuracy").get("values").get(i).asDouble();
        assertEquals(expected, diff.get(i).asDouble(), 1e-12, "seed " + i + " at step " + row.get("step"));
      }
    }
    JsonNode step0 = c.get("table").get(0);
    assertEquals(step0.get("control").get("accuracy").get("values"), step0.get("spatial").get("accuracy").get("values"),
        "at step 0 both arms are the starting model");
  }
}
