package io.github.vlmlens.examples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.github.vlmlens.core.analysis.ImageTokenDefinition;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The command line on the Hugging Face-made fixture checkpoints of every family: {@code capture}
 * writes a file Python can read whose logits are HF's, {@code logit-lens} and {@code hook-points}
 * run, and an experiment runs with {@code --model PATH} on a Qwen2-VL checkpoint.
 */
class FixtureCliTest {
  static final Path FIXTURES = Path.of("..", "vlmlens-hooks", "src", "test", "resources", "fixtures");
  static final JsonMapper MAPPER = JsonMapper.builder().build();

  @TempDir Path tmp;

  private static String[] run(String... args) {
    return CliTest.run(args);
  }

  private static String prompt(String family) throws IOException {
    return MAPPER.readTree(FIXTURES.resolve(family).resolve("reference.json").toFile()).get("prompt").asText();
  }

  /** A safetensors file's header and data, read by hand as Python's reader would. */
  record Tensors(JsonNode header, ByteBuffer data) {
    static Tensors read(Path file) throws IOException {
      ByteBuffer all = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
      long n = all.getLong(0);
      String json = new String(all.array(), 8, (int) n, StandardCharsets.UTF_8);
      ByteBuffer data = all.slice(8 + (int) n, all.capacity() - 8 - (int) n).order(ByteOrder.LITTLE_ENDIAN);
      return new Tensors(MAPPER.readTree(json), data);
    }

    float[] floats(String name) {
      JsonNode t = header.get(name);
      assertEquals("F32", t.get("dtype").asText(), name);
      int from = t.get("data_offsets").get(0).asInt();
      int to = t.get("data_offsets").get(1).asInt();
      float[] out = new float[(to - from) / 4];
      data.slice(from, to - from).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(out);
      return out;
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"llava", "qwen2_vl", "qwen2_5_vl", "gemma3", "internvl", "llava_onevision", "mllama"})
  void captureWritesWhatPythonReadsWithHfsLogits(String family) throws IOException {
    Path fx = FIXTURES.resolve(family);
    Path out = tmp.resolve(family + ".safetensors");
    String[] r =
        run("capture", "--model", fx.resolve("checkpoint").toString(), "--image", fx.resolve("image.png").toString(),
            "--prompt", prompt(family), "--out", out.toString());
    assertEquals("0", r[0], r[2]);
    Tensors got = Tensors.read(out);
    Tensors ref = Tensors.read(fx.resolve("reference.safetensors"));
    assertTrue(got.header().has("lm.1.resid_post") && got.header().has("projector.out"), got.header().toString());
    assertTrue(got.header().has("lm.1.attn_pattern") && got.header().has("vision.0.resid_post"), got.header().toString());
    float[] a = got.floats("logits");
    float[] b = ref.floats("logits");
    assertEquals(b.length, a.length);
    double max = 0;
    for (int i = 0; i < a.length; i++) {
      max = Math.max(max, Math.abs(a[i] - b[i]));
    }
    assertTrue(max <= 1e-4, family + ": logits differ from HF's by " + max);
    assertTrue(got.header().get("__metadata__").get("tokens").asText().startsWith("["));
  }

  @ParameterizedTest
  @ValueSource(strings = {"llava", "qwen2_vl", "qwen2_5_vl", "gemma3", "internvl", "llava_onevision", "mllama"})
  void logitLensAndHookPointsRunOnEveryFamily(String family) throws IOException {
    Path fx = FIXTURES.resolve(family);
    Path out = tmp.resolve("lens-" + family);
    String[] r =
        run("logit-lens", "--model", fx.resolve("checkpoint").toString(), "--image", fx.resolve("image.png").toString(),
            "--prompt", prompt(family), "--words", "dog,cat", "--out", out.toString());
    assertEquals("0", r[0], r[2]);
    JsonNode json = MAPPER.readTree(out.resolve("result.json").toFile());
    assertTrue(json.get("layers").size() >= 3, json.get("layers").toString()); // lm.0 .. lm.N
    assertTrue(Files.readString(out.resolve("report.html")).contains("Logit lens"));
    io.github.vlmlens.examples.ResultSchemas.assertValid(out.resolve("result.json"),
        io.github.vlmlens.core.lens.LogitLensResult.class);
    String[] h = run("hook-points", "--model", fx.resolve("checkpoint").toString());
    assertEquals("0", h[0], h[2]);
  }

  /**
   * A copy of a fixture's checkpoint whose tiny BPE, which has no single-token "Right", gets the
   * answer words as tokens (ids from {@code firstId}, inside the model's vocabulary), as a real
   * tokenizer has them.
   */
  private Path withAnswerTokens(String family, int firstId) throws IOException {
    Path src = FIXTURES.resolve(family).resolve("checkpoint");
    Path dir = tmp.resolve(family + "-answers");
    Files.createDirectories(dir);
    try (Stream<Path> files = Files.list(src)) {
      for (Path f : (Iterable<Path>) files::iterator) {
        Files.copy(f, dir.resolve(f.getFileName()));
      }
    }
    ObjectNode tok = (ObjectNode) MAPPER.readTree(dir.resolve("tokenizer.json").toFile());
    int next = firstId;
    for (String w : new String[] {"Left", "Right"}) {
      ObjectNode t = tok.withArray("added_tokens").addObject();
      t.put("id", next++).put("content", w).put("single_word", false).put("lstrip", false).put("rstrip", false)
          .put("normalized", false).put("special", false);
    }
    MAPPER.writeValue(dir.resolve("tokenizer.json").toFile(), tok);
    return dir;
  }

  @Test
  void mirrorSwapOnLlamaVisionSwapsTheCrossAttentionStatesAndSaysSo() throws IOException {
    Path out = tmp.resolve("swap-mllama");
    String[] r = run("mirror-swap", "--model", withAnswerTokens("mllama", 338).toString(), "--samples",
        "3", "--threshold", "0", "--no-progress", "--out", out.toString());
    assertEquals("0", r[0], r[2]);
    String html = Files.readString(out.resolve("report.html"));
    String sentence = ImageTokenDefinition.CROSS_ATTENTION_STATES.sentence();
    assertTrue(html.contains(com.google.common.html.HtmlEscapers.htmlEscaper().escape(sentence)), html);
    JsonNode json = MAPPER.readTree(out.resolve("result.json").toFile());
    assertEquals("CROSS_ATTENTION_STATES", json.get("imageTokenDefinition").asText());
    JsonNode layers = json.get("layers");
    int checked = 0;
    for (JsonNode s : json.get("samples")) {
      double xGt = s.get("logProbXGt").asDouble();
      double yGt = s.get("logProbYGt").asDouble();
      for (int i = 0; i < layers.size(); i++) {
        int layer = layers.get(i).asInt();
        JsonNode image = s.get("readouts").get("ALL_IMAGE").get(i);
        JsonNode text = s.get("readouts").get("ALL_TEXT").get(i);
        assertEquals(layer, image.get("layer").asInt());
        assertTrue(Double.isFinite(image.get("shift").asDouble()) && Double.isFinite(text.get("shift").asDouble()));
        if (layer == 0) {
          // the same prompt: lm.0 is the same, y's states in every block make x~ y's run
          assertEquals(0.0, text.get("shift").asDouble(), 0.0);
          assertEquals(yGt, image.get("logProbGt").asDouble(), 1e-4);
        } else if (layer >= 3) {
          // the fixture's only cross-attention block is 3: nothing left to patch, x's own readout
          assertEquals(xGt, image.get("logProbGt").asDouble());
          assertEquals(0.0, image.get("shift").asDouble(), 0.0);
        }
        checked++;
      }
    }
    assertEquals(3 * 5, checked, "3 samples x layers 0..4");
    for (JsonNode c : json.get("curves")) {
      System.out.println("[mllama mirror-swap] " + c.get("swapSet").asText() + " mean shift by layer: " + c.get("stats"));
    }
  }

  @Test
  void mirrorSwapRunsOnAQwenCheckpointGivenAsAPath() throws IOException {
    Path dir = withAnswerTokens("qwen2_vl", 337);
    Path out = tmp.resolve("swap");
    String[] r = run("mirror-swap", "--model", dir.toString(), "--samples", "3", "--threshold", "0", "--no-progress", "--out", out.toString());
    assertEquals("0", r[0], r[2]);
    assertTrue(Files.isRegularFile(out.resolve("result.json")));
  }
}
