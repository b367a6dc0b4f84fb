package io.github.vlmlens.hooks.internal.qwen2vl;

import io.github.vlmlens.hooks.HfFixture;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import io.github.vlmlens.core.HookedVlm;
import io.github.vlmlens.core.PromptFormat;
import io.github.vlmlens.core.RgbImage;
import io.github.vlmlens.core.RunSpec;
import io.github.vlmlens.core.Tokenization;
import io.github.vlmlens.core.VlmInput;
import io.github.vlmlens.hooks.CheckpointException;
import io.github.vlmlens.hooks.HookedVlms;
import io.github.vlmlens.hooks.LoadOptions;
import io.github.vlmlens.hooks.internal.io.SafetensorsCheckpoint;
import io.github.vlmlens.hooks.internal.io.SafetensorsWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Loading: both key layouts, tensor errors, the prompt format, refused inputs. */
class Qwen2VlLoadingTest {
  private static final String FAMILY = "qwen2_vl";

  /**
   * A copy of the fixture checkpoint with its tensors renamed by {@code rename} (null drops one)
   * and {@code extra} added.
   */
  private static Path rewrite(Path from, Path to, UnaryOperator<String> rename, Map<String, long[]> extra)
      throws IOException {
    Files.createDirectories(to);
    try (java.util.stream.Stream<Path> files = Files.list(from)) {
      for (Path f : files.toList()) {
        if (!f.getFileName().toString().endsWith(".safetensors")) {
          Files.copy(f, to.resolve(f.getFileName()));
        }
      }
    }
    try (NDManager m = NDManager.newBaseManager("PyTorch");
        SafetensorsCheckpoint ckpt = SafetensorsCheckpoint.open(from)) {
      Map<String, NDArray> out = new LinkedHashMap<>();
      for (String name : ckpt.names()) {
        String n = rename.apply(name);
        if (n != null) {
          out.put(n, ckpt.load(m, name, DataType.FLOAT32));
        }
      }
      extra.forEach((n, shape) -> out.put(n, m.zeros(new ai.djl.ndarray.types.Shape(shape))));
      SafetensorsWriter.write(to.resolve("model.safetensors"), out, Map.of("format", "pt"));
    }
    return to;
  }

  /** The transformers-5 layout's name of a published (transformers-4) name. */
  private static String transformers5(String canonical) {
    String p = Qwen2VlWeights.publishedName(canonical);
    if (p.startsWith("model.")) {
      return "model.language_model." + p.substring("model.".length());
    }
    if (p.startsWith("visual.")) {
      return "model." + p;
    }
    return p;
  }

  @Test
  void transformers5KeyLayoutLoadsTheSame(@TempDir Path tmp) throws IOException {
    assumeTrue(HfFixture.find(FAMILY) != null, "fixture not generated yet");
    try (HfFixture fx = HfFixture.open(FAMILY)) {
      Path dir = rewrite(fx.checkpoint(), tmp.resolve("v5"), Qwen2VlLoadingTest::transformers5, Map.of());
      try (SafetensorsCheckpoint c = SafetensorsCheckpoint.open(dir)) {
        // SafetensorsCheckpoint's canonical form of model.language_model.* is language_model.model.*.
        assertTrue(c.names().stream().anyMatch(n -> n.startsWith("language_model.model.layers.")), "" + c.names());
        assertTrue(c.names().stream().anyMatch(n -> n.startsWith("model.visual.")), "" + c.names());
      }
      try (Qwen2VlArchitecture arch = Qwen2VlArchitecture.load(dir, fx.config(), LoadOptions.defaults())) {
        float[] logits = Qwen2VlParityTest.forward(arch, fx.input("<|image_pad|>"), new Qwen2VlParityTest.Recorder());
        double d = HfFixture.maxAbsDiff(fx.floats("logits"), logits);
        assertTrue(d <= 1e-4, "logits differ by " + d);
      }
    }
  }

  @Test
  void tensorProblemsAreNamed(@TempDir Path tmp) throws IOException {
    assumeTrue(HfFixture.find(FAMILY) != null, "fixture not generated yet");
    try (HfFixture fx = HfFixture.open(FAMILY)) {
      Path dir =
          rewrite(
              fx.checkpoint(), tmp.resolve("bad"),
              n -> n.equals("model.norm.weight") ? null : n.equals("visual.merger.ln_q.bias") ? "visual.merger.ln_q.beta" : n,
              Map.of("visual.blocks.0.attn.qkv.bias", new long[] {5}));
      String m =
          assertThrows(CheckpointException.class, () -> Qwen2VlArchitecture.load(dir, fx.config(), LoadOptions.defaults()))
              .getMessage();
      assertTrue(m.contains("missing tensor 'model.norm.weight'"), m);
      assertTrue(m.contains("missing tensor 'visual.merger.ln_q.bias'"), m);
      assertTrue(m.contains("visual.merger.ln_q.beta"), m);
      assertTrue(m.contains("'visual.blocks.0.attn.qkv.bias' has shape [5], expected [48]"), m);
    }
  }

  @Test
  void promptFormatFollowsTheChatTemplateUnlessGiven() {
    assumeTrue(HfFixture.find(FAMILY) != null, "fixture not generated yet");
    try (HfFixture fx = HfFixture.open(FAMILY)) {
      try (Qwen2VlArchitecture arch = Qwen2VlArchitecture.load(fx.checkpoint(), fx.config(), LoadOptions.defaults())) {
        // The Qwen2-VL chat template adds "You are a helpful assistant." before the first user message.
        assertEquals(Qwen2VlArchitecture.SYSTEM_TEMPLATE, arch.promptFormat().template());
        VlmInput in = arch.promptFormat().input(fx.input("<|image_pad|>").images().get(0), "Is the dog to the left or right of the cat?");
        assertTrue(in.prompt().endsWith(fx.input("<|image_pad|>").prompt()), in.prompt());
        Tokenization tok = arch.tokenize(in);
        assertEquals(tok.lastPosition(), tok.length() - 1);
        assertEquals("Ċ", tok.tokens().get(tok.length() - 1));
      }
      String custom = "<|im_start|>user\n<image>{question}<|im_end|>\n<|im_start|>assistant\n";
      LoadOptions opts = LoadOptions.builder().optPromptTemplate(custom).build();
      try (Qwen2VlArchitecture arch = Qwen2VlArchitecture.load(fx.checkpoint(), fx.config(), opts)) {
        assertEquals(PromptFormat.of(custom), arch.promptFormat());
      }
    }
  }

  @Test
  void mismatchedImageTokensAreRefused() {
    assumeTrue(HfFixture.find(FAMILY) != null, "fixture not generated yet");
    try (HfFixture fx = HfFixture.open(FAMILY);
        Qwen2VlArchitecture arch = Qwen2VlArchitecture.load(fx.checkpoint(), fx.config(), LoadOptions.defaults())) {
      VlmInput small = fx.input("<|image_pad|>");
      Tokenization tok = arch.tokenize(small);
      VlmInput big = small.withImages(List.of(RgbImage.black(112, 56)));
      String m = assertThrows(IllegalArgumentException.class, () -> arch.encode(big, tok)).getMessage();
      assertTrue(m.contains("tokens: 6") && m.contains("features: 8"), m);
      VlmInput mixed = VlmInput.ofVideo(List.of(RgbImage.black(56, 56), RgbImage.black(84, 56)), "<video> what?");
      m = assertThrows(IllegalArgumentException.class, () -> arch.encode(mixed, arch.tokenize(mixed))).getMessage();
      assertTrue(m.contains("share one size"), m);
    }
  }

  @Test
  void loadsThroughHookedVlmsOnceRegistered() {
    assumeTrue(HfFixture.find(FAMILY) != null, "fixture not generated yet");
    assumeTrue(HookedVlms.supportedModelTypes().contains(FAMILY), "Qwen2VlProvider not registered yet");
    try (HfFixture fx = HfFixture.open(FAMILY); HookedVlm vlm = HookedVlms.load(fx.checkpoint())) {
      float[] last = vlm.run(fx.input("<|image_pad|>"), RunSpec.builder().logits(RunSpec.LogitsMode.LAST).build()).lastLogits();
      float[] ref = fx.floats("logits");
      float[] refLast = java.util.Arrays.copyOfRange(ref, ref.length - last.length, ref.length);
      double d = HfFixture.maxAbsDiff(refLast, last);
      assertTrue(d <= 1e-4, "last logits differ by " + d);
    }
  }
}
