package io.github.vlmlens.examples.badinput;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.vlmlens.core.HookPoint;
import io.github.vlmlens.core.HookedVlm;
import io.github.vlmlens.core.Intervention;
import io.github.vlmlens.core.Positions;
import io.github.vlmlens.core.RgbImage;
import io.github.vlmlens.core.RunResult;
import io.github.vlmlens.core.RunSpec;
import io.github.vlmlens.core.VlmInput;
import io.github.vlmlens.core.analysis.RunJournal;
import io.github.vlmlens.core.analysis.SwapConfig;
import io.github.vlmlens.core.analysis.SwapExperiment;
import io.github.vlmlens.core.analysis.SwapSample;
import io.github.vlmlens.examples.cli.VlmlensCli;
import io.github.vlmlens.hooks.HookedVlms;
import io.github.vlmlens.tiny.TinyVlm;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bad-input suite: each case is a specific error (type and words of the message) and leaves
 * nothing written where it was pointed.
 */
class BadInputTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir static Path tmp;
  private static HookedVlm vlm;
  private static int counter;

  @BeforeAll
  static void load() {
    vlm = TinyVlm.load();
  }

  @AfterAll
  static void close() {
    vlm.close();
  }

  private record Case(String name, Class<? extends Throwable> type, String words, Executable run, Supplier<Path> untouched) {}

  private static Case c(String name, Class<? extends Throwable> type, String words, Executable run) {
    return new Case(name, type, words, run, null);
  }

  private static Case c(String name, Class<? extends Throwable> type, String words, Path out, Executable run) {
    return new Case(name, type, words, run, () -> out);
  }

  // ---- helpers ---------------------------------------------------------------------------------

  private static synchronized Path fresh(String name) {
    return tmp.resolve(name + "-" + (counter++));
  }

  /** A copy of the tiny checkpoint, in a folder of its own named {@code folder}. */
  private static Path copy(String folder) {
    try {
      Path dir = Files.createDirectories(fresh("ckpt").resolve(folder));
      try (Stream<Path> s = Files.list(TinyVlm.checkpointDir())) {
        for (Path p : s.toList()) {
          Files.copy(p, dir.resolve(p.getFileName()));
        }
      }
      return dir;
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static byte[] safetensors(Path dir) throws IOException {
    return Files.readAllBytes(dir.resolve("model.safetensors"));
  }

  private static long headerLength(byte[] f) {
    return ByteBuffer.wrap(f, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
  }

  /** Writes {@code value} into the first element of the named F32 tensor (or the first F32 one). */
  private static String poison(Path dir, float value) throws IOException {
    byte[] f = safetensors(dir);
    int n = (int) headerLength(f);
    JsonNode h = JSON.readTree(new String(f, 8, n, StandardCharsets.UTF_8));
    String name = null;
    long begin = 0;
    for (var it = h.properties().iterator(); it.hasNext(); ) {
      var e = it.next();
      if (!e.getKey().equals("__metadata__") && e.getValue().path("dtype").asText().equals("F32")) {
        name = e.getKey();
        begin = e.getValue().path("data_offsets").get(0).asLong();
        break;
      }
    }
    ByteBuffer.wrap(f).order(ByteOrder.LITTLE_ENDIAN).putFloat((int) (8 + n + begin), value);
    Files.write(dir.resolve("model.safetensors"), f);
    return name;
  }

  private static String[] cli(String... args) {
    return io.github.vlmlens.examples.cli.InProcessCli.run(args);
  }

  private static SwapSample sample(String id, String objectA, String objectB) {
    RgbImage img = RgbImage.black(64, 64);
    String q = "Is the " + objectA + " to the left or right of the " + objectB + "?";
    VlmInput x = vlm.promptFormat().input(img, q);
    return SwapSample.of(id, x, x, "left", "right", List.of(objectA, objectB));
  }

  private static SwapExperiment swap(SwapConfig c) {
    return SwapExperiment.of(vlm, c).withProgressBar(false);
  }

  private static SwapConfig small() {
    return SwapConfig.builder().layers(0, 1).bootstrapResamples(10).build();
  }

  private static void modifyConfig(Path dir, java.util.function.Consumer<ObjectNode> edit) throws IOException {
    ObjectNode cfg = (ObjectNode) JSON.readTree(dir.resolve("config.json").toFile());
    edit.accept(cfg);
    Files.writeString(dir.resolve("config.json"), JSON.writeValueAsString(cfg));
  }

  // ---- the cases -------------------------------------------------------------------------------

  @TestFactory
  Stream<DynamicTest> everyBadInputIsASpecificErrorAndNothingIsWritten() throws IOException {
    List<Case> cases = new ArrayList<>();

    // Checkpoints.
    cases.add(c("NaN weight is an error at load naming the tensor", RuntimeException.class, "non-finite", () -> {
      Path d = copy("nan");
      String name = poison(d, Float.NaN);
      RuntimeException e = assertThrows(RuntimeException.class, () -> HookedVlms.load(d).close());
      assertTrue(e.getMessage().contains(name), e.getMessage());
      throw e;
    }));
    cases.add(c("infinite weight is an error at load", RuntimeException.class, "non-finite", () -> {
      Path d = copy("inf");
      poison(d, Float.POSITIVE_INFINITY);
      HookedVlms.load(d).close();
    }));
    cases.add(c("safetensors header with trailing garbage", RuntimeException.class, "not valid JSON", () -> {
      Path d = copy("garbage");
      byte[] f = safetensors(d);
      int n = (int) headerLength(f);
      byte[] extra = "garbage".getBytes(StandardCharsets.US_ASCII);
      ByteBuffer b = ByteBuffer.allocate(f.length + extra.length).order(ByteOrder.LITTLE_ENDIAN);
      b.putLong(n + extra.length).put(f, 8, n).put(extra).put(f, 8 + n, f.length - 8 - n);
      Files.write(d.resolve("model.safetensors"), b.array());
      HookedVlms.load(d).close();
    }));
    cases.add(c("safetensors file cut to 4 bytes", RuntimeException.class, "truncated", () -> {
      Path d = copy("cut");
      Files.write(d.resolve("model.safetensors"), new byte[] {1, 2, 3, 4});
      HookedVlms.load(d).close();
    }));
    cases.add(c("safetensors header length past the end", RuntimeException.class, "runs past the end", () -> {
      Path d = copy("past");
      byte[] f = safetensors(d);
      ByteBuffer.wrap(f).order(ByteOrder.LITTLE_ENDIAN).putLong(0, f.length);
      Files.write(d.resolve("model.safetensors"), f);
      HookedVlms.load(d).close();
    }));
    cases.add(c("shard index pointing outside the checkpoint", RuntimeException.class, "not a file name", () -> {
      Path d = copy("shards");
      Path outside = Files.move(d.resolve("model.safetensors"), d.getParent().resolve("model-00001.safetensors"));
      byte[] f = Files.readAllBytes(outside);
      JsonNode h = JSON.readTree(new String(f, 8, (int) headerLength(f), StandardCharsets.UTF_8));
      ObjectNode map = JSON.createObjectNode();
      h.fieldNames().forEachRemaining(k -> {
        if (!k.equals("__metadata__")) {
          map.put(k, "../model-00001.safetensors");
        }
      });
      ObjectNode index = JSON.createObjectNode();
      index.set("weight_map", map);
      Files.writeString(d.resolve("model.safetensors.index.json"), JSON.writeValueAsString(index));
      HookedVlms.load(d).close();
    }));
    cases.add(c("no config.json", RuntimeException.class, "config.json", () -> {
      Path d = copy("noconfig");
      Files.delete(d.resolve("config.json"));
      HookedVlms.load(d).close();
    }));
    cases.add(c("config.json that is not JSON", RuntimeException.class, "config.json", () -> {
      Path d = copy("badconfig");
      Files.writeString(d.resolve("config.json"), "{ not json");
      HookedVlms.load(d).close();
    }));
    cases.add(c("unknown model_type", RuntimeException.class, "model_type", () -> {
      Path d = copy("unknowntype");
      modifyConfig(d, cfg -> cfg.put("model_type", "no-such-family"));
      HookedVlms.load(d).close();
    }));
    cases.add(c("a missing config key is named, not filled with LLaVA-7B defaults", RuntimeException.class,
        "hidden_size", () -> {
          Path d = copy("nokey");
          modifyConfig(d, cfg -> ((ObjectNode) cfg.get("text_config")).remove("hidden_size"));
          HookedVlms.load(d).close();
        }));
    cases.add(c("binary tokenizer.json", RuntimeException.class, "tokenizer.json", () -> {
      Path d = copy("bintok");
      byte[] junk = new byte[4096];
      new java.util.Random(1).nextBytes(junk);
      Files.write(d.resolve("tokenizer.json"), junk);
      HookedVlms.load(d).close();
    }));
    cases.add(c("no tokenizer.json", RuntimeException.class, "tokenizer.json", () -> {
      Path d = copy("notok");
      Files.delete(d.resolve("tokenizer.json"));
      HookedVlms.load(d).close();
    }));
    cases.add(c("a run after close()", IllegalStateException.class, "closed", () -> {
      HookedVlm m = TinyVlm.load();
      m.close();
      m.run(VlmInput.text("Is the dog left?"), RunSpec.builder().logits(RunSpec.LogitsMode.LAST).build());
    }));

    // Images.
    cases.add(c("RgbImage whose size overflows int", IllegalArgumentException.class, "more than a Java array holds",
        () -> RgbImage.of(65536, 65536, new int[0])));
    cases.add(c("black RgbImage whose size overflows int", IllegalArgumentException.class,
        "more than a Java array holds", () -> RgbImage.black(100_000, 100_000)));
    cases.add(c("RgbImage of negative size", IllegalArgumentException.class, "must be positive",
        () -> RgbImage.of(-1, 4, new int[0])));
    cases.add(c("RgbImage with the wrong pixel count", IllegalArgumentException.class, "expected 16 pixels",
        () -> RgbImage.of(4, 4, new int[15])));

    // Swap configs.
    cases.add(c("negative threshold", IllegalArgumentException.class, "threshold",
        () -> SwapConfig.builder().threshold(-1).build()));
    cases.add(c("NaN threshold", IllegalArgumentException.class, "threshold",
        () -> SwapConfig.builder().threshold(Double.NaN).build()));
    cases.add(c("confidence 1", IllegalArgumentException.class, "confidence",
        () -> SwapConfig.builder().confidence(1).build()));
    cases.add(c("merging fraction 0", IllegalArgumentException.class, "mergingFraction",
        () -> SwapConfig.builder().mergingFraction(0).build()));
    cases.add(c("one kept sample for a merging point", IllegalArgumentException.class, "minKeptSamples",
        () -> SwapConfig.builder().minKeptSamples(1).build()));
    cases.add(c("no bootstrap resamples", IllegalArgumentException.class, "bootstrapResamples",
        () -> SwapConfig.builder().bootstrapResamples(0).build()));
    cases.add(c("no swap set", IllegalArgumentException.class, "at least one swap set",
        () -> SwapConfig.builder().swapSets().build()));
    cases.add(c("negative layer", IllegalArgumentException.class, "negative",
        () -> SwapConfig.builder().layers(-1).build()));
    cases.add(c("layer twice", IllegalArgumentException.class, "twice",
        () -> SwapConfig.builder().layers(1, 1).build()));

    // Swap experiments.
    cases.add(c("a layer the model does not have", IllegalArgumentException.class, "99",
        () -> swap(SwapConfig.builder().layers(99).build())));
    Path noSamples = fresh("nosamples");
    cases.add(c("no samples", IllegalArgumentException.class, "no samples", noSamples,
        () -> swap(small()).run(List.of(), noSamples)));
    Path dup = fresh("dup");
    cases.add(c("a sample id used twice", IllegalArgumentException.class, "used twice", dup,
        () -> swap(small()).run(List.of(sample("a", "box", "ball"), sample("a", "box", "ball")), dup)));
    Path missing = fresh("missing");
    cases.add(c("an object word that is not in the prompt", IllegalArgumentException.class, "dragon", missing,
        () -> swap(small()).run(List.of(SwapSample.of("m", sample("m", "box", "ball").x(),
            sample("m", "box", "ball").y(), "left", "right", List.of("dragon", "ball"))), missing)));
    Path unk = fresh("unk");
    cases.add(c("an object word missing from the vocabulary is an error, not <unk>", IllegalArgumentException.class,
        "zeppelin", unk, () -> swap(small()).run(List.of(sample("u", "zeppelin", "ball")), unk)));
    Path multi = fresh("multi");
    cases.add(c("an answer word of several tokens", IllegalArgumentException.class, "Leftwards", multi,
        () -> swap(small()).run(List.of(SwapSample.of("w", sample("w", "box", "ball").x(),
            sample("w", "box", "ball").y(), "Leftwards", "right", List.of("box", "ball"))), multi)));
    cases.add(c("batch size 0", IllegalArgumentException.class, "batch size",
        () -> swap(small()).withBatchSize(0)));
    cases.add(c("an empty output directory name", IllegalArgumentException.class, "output directory is empty",
        () -> swap(small()).run(List.of(sample("e", "box", "ball")), Path.of(""))));
    Path file = Files.writeString(fresh("file"), "x");
    cases.add(c("an output directory that is a file", IllegalArgumentException.class, "is a file",
        () -> swap(small()).run(List.of(sample("f", "box", "ball")), file)));
    Path busy = Files.createDirectories(fresh("busy"));
    Files.writeString(busy.resolve("notes.txt"), "mine");
    cases.add(c("an output directory holding other files", IllegalStateException.class, "not empty", () -> {
      try {
        swap(small()).run(List.of(sample("b", "box", "ball")), busy);
      } finally {
        assertEquals(List.of("notes.txt"), visible(busy));
      }
    }));
    Path otherKind = fresh("otherkind");
    RunJournal.open(vlm, otherKind, "spatial-ids", "units.jsonl", "h", Map.of(), String.class).close();
    cases.add(c("an output directory of another experiment", IllegalStateException.class,
        "holds a spatial-ids run, not a swap run", () -> swap(small()).run(List.of(sample("k", "box", "ball")), otherKind)));
    Path locked = fresh("locked");
    cases.add(c("a second run into a directory another run holds", IllegalStateException.class,
        "another vlmlens run is writing", () -> {
          try (RunJournal<String> j = RunJournal.open(vlm, locked, "swap", "x.jsonl", "h", Map.of(), String.class)) {
            swap(small()).run(List.of(sample("l", "box", "ball")), locked);
          }
        }));
    Path damaged = fresh("damaged");
    cases.add(c("a damaged journal line", IllegalStateException.class, "checksum", () -> {
      List<SwapSample> one = List.of(sample("d1", "box", "ball"));
      swap(small()).run(one, damaged);
      Path journal = damaged.resolve("samples.jsonl");
      Files.writeString(journal, Files.readString(journal).replaceFirst("\"logProbXGt\":-", "\"logProbXGt\":-1"));
      swap(small()).run(one, damaged);
    }));
    Path otherCfg = fresh("othercfg");
    cases.add(c("resuming with another configuration", IllegalStateException.class, "another configuration", () -> {
      swap(small()).run(List.of(sample("c", "box", "ball")), otherCfg);
      swap(small().toBuilder().threshold(0.2).build()).run(List.of(sample("c", "box", "ball")), otherCfg);
    }));
    Path otherSamples = fresh("othersamples");
    cases.add(c("resuming with other inputs", IllegalStateException.class, "inputs changed", () -> {
      swap(small()).run(List.of(sample("s", "box", "ball")), otherSamples);
      swap(small()).run(List.of(sample("s", "heart", "star")), otherSamples);
    }));
    Path otherModel = fresh("othermodel");
    cases.add(c("resuming with another checkpoint whose folder has the same name", IllegalStateException.class,
        "mix two models", () -> {
          Path a = copy("same-name");
          Path b = copy("same-name");
          poison(b, 0.125f); // finite, other weights
          try (HookedVlm ma = HookedVlms.load(a); HookedVlm mb = HookedVlms.load(b)) {
            assertEquals(ma.name(), mb.name());
            SwapConfig cfg = small();
            SwapExperiment.of(ma, cfg).withProgressBar(false).run(List.of(sample("o", "box", "ball")), otherModel);
            SwapExperiment.of(mb, cfg).withProgressBar(false).run(List.of(sample("o", "box", "ball")), otherModel);
          }
        }));

    // Runs.
    VlmInput in = vlm.promptFormat().input(RgbImage.black(64, 64), "Is the box to the left or right of the ball?");
    cases.add(c("an unknown hook point", IllegalArgumentException.class, "lm.99.resid_post",
        () -> vlm.run(in, RunSpec.builder().capture(HookPoint.lmResid(99)).build())));
    cases.add(c("an added vector of the wrong width", IllegalArgumentException.class, "width",
        () -> vlm.run(in, RunSpec.builder()
            .intervene(Intervention.add(HookPoint.lmResid(1), Positions.of(1), new float[3])).build())));
    cases.add(c("non-finite activations name the hook point where they appear", IllegalStateException.class,
        "lm.2.resid_post", () -> {
          float[] v = new float[vlm.hiddenSize()];
          Arrays.fill(v, Float.NaN);
          vlm.run(in, RunSpec.builder().intervene(Intervention.add(HookPoint.lmResid(2), Positions.of(1), v))
              .readWords("left", "right").build());
        }));
    cases.add(c("resuming from another input's cache", IllegalArgumentException.class, "another input", () -> {
      RunResult other = vlm.run(vlm.promptFormat().input(RgbImage.black(64, 64), "Is the heart above the star?"),
          RunSpec.builder().capture(HookPoint.lmResid(1)).build());
      vlm.run(in, RunSpec.builder().resumeFrom(other.cache(), 1).readWords("left", "right").build());
    }));

    // The command line.
    Path cliOut = fresh("cli");
    cases.add(c("--layers 3-1", IllegalArgumentException.class, "runs backwards", cliOut, () -> {
      String[] r = cli("mirror-swap", "--out", cliOut.toString(), "--layers", "3-1", "--samples", "1", "--no-progress");
      assertEquals("2", r[0]);
      throw new IllegalArgumentException(r[2]);
    }));
    cases.add(c("--out ''", IllegalArgumentException.class, "output directory is empty", () -> {
      String[] r = cli("mirror-swap", "--out", "", "--layers", "0-1", "--samples", "1", "--no-progress");
      assertEquals("2", r[0]);
      throw new IllegalArgumentException(r[2]);
    }));

    assertTrue(cases.size() >= 40, "fewer than 40 cases");
    return cases.stream().map(k -> DynamicTest.dynamicTest(k.name(), () -> {
      Throwable t = assertThrows(k.type(), k.run(), k.name());
      assertTrue(String.valueOf(t.getMessage()).contains(k.words()),
          k.name() + ": expected '" + k.words() + "' in: " + t.getMessage());
      if (k.untouched() != null) {
        Path out = k.untouched().get();
        assertFalse(Files.exists(out.resolve("result.json")), k.name() + " wrote " + out);
        if (Files.exists(out)) {
          assertEquals(List.of(), visible(out), k.name() + " wrote into " + out);
        }
      }
    }));
  }

  private static List<String> visible(Path dir) {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).filter(n -> !n.startsWith(".")).sorted().toList();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
