package io.github.vlmlens.examples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.vlmlens.hooks.CheckpointFiles;
import io.github.vlmlens.hooks.LlavaConfig;
import io.github.vlmlens.hooks.LlavaModel;
import io.github.vlmlens.hooks.LoadOptions;
import io.github.vlmlens.temporal.ids.TemporalIdResult;
import io.github.vlmlens.temporal.steer.TemporalSteerResult;
import io.github.vlmlens.temporal.video.AnswerForm;
import io.github.vlmlens.temporal.video.TemporalQuestion;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TemporalCliTest {
  private static final String[] COMMANDS = {"temporal-swap", "temporal-ids", "temporal-steer", "spatiotemporal-grid"};
  private static final String NO_SUCH = "/no/such/checkpoint";

  private static String[] run(String... args) {
    return InProcessCli.run(args);
  }

  private static void assertUsageError(String expected, String... args) {
    String[] r = run(args);
    assertEquals("2", r[0], "exit status of " + String.join(" ", args) + "; stderr: " + r[2]);
    assertTrue(r[2].contains(expected), r[2]);
  }

  @Test
  void theToolListsTheTemporalCommands() {
    String[] r = run("--help");
    assertEquals("0", r[0]);
    for (String c : COMMANDS) {
      assertTrue(r[1].contains(c), r[1]);
    }
  }

  @Test
  void helpOfEachCommandWorks() {
    for (String c : COMMANDS) {
      String[] r = run(c, "--help");
      assertEquals("0", r[0], c + ": " + r[2]);
      for (String option : new String[] {"Usage: vlmlens " + c, "--model", "--out", "--layers", "--seed", "--no-progress"}) {
        assertTrue(r[1].contains(option), c + " lacks " + option + ":\n" + r[1]);
      }
    }
    assertTrue(run("temporal-swap", "--help")[1].contains("--kind"));
    assertTrue(run("temporal-swap", "--help")[1].contains("--samples"));
    assertTrue(run("temporal-steer", "--help")[1].contains("--ids"));
    assertTrue(run("temporal-steer", "--help")[1].contains("--samples"));
    assertTrue(run("spatiotemporal-grid", "--help")[1].contains("--columns"));
  }

  @Test
  void theBundledTinyVideoModelRunsOnlyOnTheCpuInFloat32(@TempDir Path tmp) {
    for (String c : new String[] {"temporal-swap", "temporal-ids", "spatiotemporal-grid"}) {
      for (String model : new String[] {"tiny", "tiny-video"}) {
        assertUsageError(
            "the bundled tiny models run on the CPU in float32 with their own prompt",
            c, "--model", model, "--device", "gpu", "--out", tmp.resolve(c).toString());
      }
    }
  }

  @Test
  void temporalSwapRunsOnTheBundledTinyVideoModelByDefault(@TempDir Path tmp) throws IOException {
    Path out = tmp.resolve("swap");
    String[] r = run("temporal-swap", "--samples", "6", "--layers", "0,3", "--no-progress", "--out", out.toString());
    assertEquals("0", r[0], r[2]);
    assertTrue(Files.isRegularFile(out.resolve("result.json")));
    assertTrue(Files.readString(out.resolve("report.html")).contains("<img"));
  }

  @Test
  void theTinyVideoModelIsRefusedWhereAnImageModelIsNeeded(@TempDir Path tmp) {
    assertUsageError(
        "the bundled tiny video VLM answers temporal questions only; use --model tiny here",
        "mirror-swap", "--model", "tiny-video", "--samples", "2", "--out", tmp.toString());
  }

  @Test
  void aMissingCheckpointIsAClearError(@TempDir Path tmp) throws IOException {
    Path ids = Files.writeString(tmp.resolve("ids.json"), "{}");
    for (String c : new String[] {"temporal-swap", "temporal-ids", "spatiotemporal-grid"}) {
      assertUsageError("is neither 'tiny', 'tiny-video' nor a checkpoint directory", c, "--model", NO_SUCH, "--out", tmp.resolve(c).toString());
    }
    // temporal-steer reads its IDs first: a file that is not a temporal-ids result is named.
    assertUsageError("is not a result written by temporal-ids",
        "temporal-steer", "--model", NO_SUCH, "--out", tmp.resolve("s").toString(), "--ids", ids.toString());
    assertUsageError("--ids: no such file",
        "temporal-steer", "--model", NO_SUCH, "--out", tmp.resolve("s").toString(), "--ids", tmp.resolve("none.json").toString());
  }

  @Test
  void badOptionValuesAreClearErrors(@TempDir Path tmp) {
    String out = tmp.resolve("o").toString();
    assertUsageError("--kind must be objects or scenes, got movies",
        "temporal-swap", "--model", NO_SUCH, "--out", out, "--kind", "movies");
    assertUsageError("--samples must be at least 1, got 0",
        "temporal-swap", "--model", NO_SUCH, "--out", out, "--samples", "0");
    assertUsageError("--pairs-from must be all, train or held-out, got some",
        "temporal-swap", "--model", NO_SUCH, "--out", out, "--pairs-from", "some");
    assertUsageError("--formula must be probability or log-probability, got odds",
        "temporal-swap", "--model", NO_SUCH, "--out", out, "--formula", "odds");
    assertUsageError("--threshold: threshold must be finite and >= 0, got -1.0",
        "temporal-swap", "--model", NO_SUCH, "--out", out, "--threshold", "-1");
    assertUsageError("--frames/--frame-size: a video needs at least 2 frames, got 1",
        "temporal-ids", "--model", NO_SUCH, "--out", out, "--frames", "1");
    assertUsageError("--pairs must lie in 1..",
        "temporal-ids", "--model", NO_SUCH, "--out", out, "--pairs", "0");
    assertUsageError("--positions must be at least 1, got 0",
        "temporal-ids", "--model", NO_SUCH, "--out", out, "--positions", "0");
    assertUsageError("--columns: 40 columns do not fit",
        "spatiotemporal-grid", "--model", NO_SUCH, "--out", out, "--columns", "40");
    assertUsageError("--batch must be at least 1, got 0",
        "spatiotemporal-grid", "--model", NO_SUCH, "--out", out, "--batch", "0");
    assertUsageError("Missing required option: '--out=<out>'", "temporal-ids", "--model", NO_SUCH);
    assertUsageError("Invalid value for option '--samples'",
        "temporal-swap", "--model", NO_SUCH, "--out", out, "--samples", "many");
  }

  /** Every command end to end on a random 2-block LLaVA checkpoint that reads 3-frame videos. */
  @Test
  void everyCommandRunsOnATinyRandomVideoCheckpoint(@TempDir Path tmp) throws IOException {
    Path model = writeCheckpoint(tmp.resolve("model"));
    String m = model.toString();
    String[] video = {"--frames", "3", "--frame-size", "16", "--no-progress", "--batch", "8"};

    for (String kind : new String[] {"objects", "scenes"}) {
      Path out = tmp.resolve("swap-" + kind);
      String[] r = run(concat(new String[] {"temporal-swap", "--model", m, "--out", out.toString(), "--kind", kind,
          "--samples", "3", "--threshold", "0", "--layers", "0-2"}, video));
      assertEquals("0", r[0], r[2]);
      assertWritten(out, io.github.vlmlens.core.analysis.SwapResult.class);
      assertTrue(Files.readString(out.resolve("result.json")).contains("temporal mirror swap (" + kind + ")"));
    }

    Path idsOut = tmp.resolve("ids");
    String[] r = run(concat(new String[] {"temporal-ids", "--model", m, "--out", idsOut.toString(), "--pairs", "1",
        "--positions", "1", "--shuffles", "2"}, video));
    assertEquals("0", r[0], r[2]);
    assertWritten(idsOut, TemporalIdResult.class);
    TemporalIdResult ids = TemporalIdResult.read(idsOut.resolve("result.json"));
    assertEquals(List.of(0, 1, 2), ids.layers());
    assertEquals(3, ids.frames());
    assertEquals(1 * 3 * 2 * 1, ids.sampleCount());

    Path steerOut = tmp.resolve("steer");
    String[] steer = {"temporal-steer", "--model", m, "--ids", idsOut.resolve("result.json").toString(),
        "--out", steerOut.toString(), "--samples", "2", "--layers", "1,2", "--no-progress"};
    r = run(steer);
    assertEquals("0", r[0], r[2]);
    assertWritten(steerOut, TemporalSteerResult.class);
    TemporalSteerResult steered = TemporalSteerResult.read(steerOut.resolve("result.json"));
    assertEquals(2, steered.perLayer().size());

    // The steering result must not overwrite the IDs, and a layer outside the IDs is named.
    steer[6] = idsOut.toString();
    assertUsageError("holds the IDs", steer);
    steer[6] = tmp.resolve("steer2").toString();
    steer[10] = "3";
    assertUsageError("layer 3 is outside 0..2", steer);

    Path gridOut = tmp.resolve("grid");
    r = run(concat(new String[] {"spatiotemporal-grid", "--model", m, "--out", gridOut.toString(), "--pairs", "1",
        "--columns", "2", "--shuffles", "2", "--layers", "2"}, video));
    assertEquals("0", r[0], r[2]);
    assertWritten(gridOut, io.github.vlmlens.temporal.grid.GridResult.class);
  }

  private static void assertWritten(Path dir, Class<?> type) throws IOException {
    assertTrue(Files.size(dir.resolve("result.json")) > 0, dir + "/result.json");
    String html = Files.readString(dir.resolve("report.html"));
    assertTrue(html.contains("<html") && html.contains("<h2>Settings</h2>"), dir + "/report.html");
    io.github.vlmlens.examples.ResultSchemas.assertValid(dir.resolve("result.json"), type);
  }

  private static String[] concat(String[] a, String[] b) {
    String[] c = new String[a.length + b.length];
    System.arraycopy(a, 0, c, 0, a.length);
    System.arraycopy(b, 0, c, a.length, b.length);
    return c;
  }

  /** A random LLaVA checkpoint: 32 px images in 16 patches, 2 decoder blocks of width 32. */
  private static Path writeCheckpoint(Path dir) throws IOException {
    List<String> specials = List.of("<pad>", "<s>", "</s>", "<unk>", "<image>");
    Set<String> words = new LinkedHashSet<>(List.of("USER", "ASSISTANT", ":"));
    words.addAll(TemporalQuestion.vocabulary(AnswerForm.CAPITALISED));
    LlavaConfig config =
        LlavaConfig.builder()
            .text(
                LlavaConfig.Text.builder()
                    .hiddenSize(32)
                    .intermediateSize(64)
                    .numHiddenLayers(2)
                    .numAttentionHeads(4)
                    .numKeyValueHeads(2)
                    .rmsNormEps(1e-5)
                    .vocabSize(specials.size() + words.size())
                    .maxPositionEmbeddings(256)
                    .bosTokenId(1)
                    .eosTokenId(2)
                    .padTokenId(0)
                    .build())
            .vision(
                LlavaConfig.Vision.builder()
                    .hiddenSize(16)
                    .intermediateSize(32)
                    .numHiddenLayers(1)
                    .numAttentionHeads(2)
                    .imageSize(32)
                    .patchSize(8)
                    .build())
            .imageTokenIndex(4)
            .build();
    try (LlavaModel model = LlavaModel.initRandom(config, 7, LoadOptions.defaults())) {
      model.save(dir);
    }
    CheckpointFiles.writeWordLevelTokenizer(dir.resolve("tokenizer.json"), List.copyOf(words), specials);
    CheckpointFiles.writePreprocessorConfig(
        dir.resolve("preprocessor_config.json"), 32,
        new float[] {0.48145466f, 0.4578275f, 0.40821073f},
        new float[] {0.26862954f, 0.26130258f, 0.27577711f});
    return dir;
  }
}
