package io.github.vlmlens.hooks;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.vlmlens.core.HookPoint;
import io.github.vlmlens.core.RunResult;
import io.github.vlmlens.core.Tokenization;
import io.github.vlmlens.core.VlmInput;
import io.github.vlmlens.hooks.internal.io.SafetensorsFile;
import io.github.vlmlens.hooks.internal.model.Architecture;
import io.github.vlmlens.hooks.internal.model.KvCache;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.TreeSet;

/**
 * Checks that every family's parity test shares: tensors within a tolerance (reported), logits
 * with equal argmax, attention patterns against Hugging Face's eager ones, greedy generation
 * through the KV cache, and a bfloat16 copy of a checkpoint.
 */
public final class FamilyParity {
  private final HfFixture fx;
  private final double tol;

  public FamilyParity(HfFixture fx, double tol) {
    this.fx = fx;
    this.tol = tol;
  }

  public double report(String what, double d) {
    System.out.printf("[%s] %-34s max|diff| = %.3g%n", fx.family, what, d);
    return d;
  }

  public void assertClose(String name, float[] got) {
    double d = report(name, HfFixture.maxAbsDiff(fx.floats(name), got));
    assertTrue(d <= tol, fx.family + " " + name + ": max abs difference " + d);
  }

  public static float[] flat(float[][] rows) {
    int v = rows[0].length;
    float[] out = new float[rows.length * v];
    for (int t = 0; t < rows.length; t++) {
      System.arraycopy(rows[t], 0, out, t * v, v);
    }
    return out;
  }

  public void assertLogits(String name, float[] got, int vocab) {
    assertClose(name, got);
    assertArrayEquals(HfFixture.argmaxRows(fx.floats(name), vocab), HfFixture.argmaxRows(got, vocab), name + " argmax");
  }

  /** Every {@code lm.L.attn_pattern} of a run (captured at all positions) against {@code lm_attn_<L-1>}. */
  public void assertAttentionPatterns(RunResult r, int layers) {
    int t = r.tokenization().length();
    for (int l = 1; l <= layers; l++) {
      float[] ref = fx.floats("lm_attn_" + (l - 1)); // [1, H, T, T]
      int heads = ref.length / (t * t);
      float[] got = r.cache().get(HookPoint.of(HookPoint.Component.LM, l, HookPoint.Site.ATTN_PATTERN)).flat();
      double max = 0;
      for (int q = 0; q < t; q++) {
        for (int h = 0; h < heads; h++) {
          for (int k = 0; k < t; k++) {
            max = Math.max(max, Math.abs(got[(q * heads + h) * t + k] - ref[(h * t + q) * t + k]));
          }
        }
      }
      report("lm_attn_" + (l - 1), max);
      assertTrue(max <= tol, "lm." + l + " attention pattern: " + max);
    }
  }

  /** Greedy generation through the architecture's KV cache against {@code generated_ids} and step logits. */
  public void assertGreedyGeneration(Architecture arch, VlmInput in) {
    Tokenization tok = arch.tokenize(in);
    Architecture.Encoded enc = arch.encode(in, tok);
    long[] expected = fx.longs("generated_ids");
    float[] stepRef = fx.floats("generated_step_logits");
    int v = arch.vocabSize();
    int n = tok.length();
    int steps = expected.length - n;
    float[] got = new float[steps * v];
    try (NDManager run = arch.manager().newSubManager()) {
      KvCache cache = new KvCache(run, arch.numLayers());
      Architecture.Batch b = arch.batch(List.of(enc), n, true, run);
      NDArray h = arch.decode(arch.embed(b, ForwardTap.NONE), 0, arch.numLayers(), b, cache, ForwardTap.NONE);
      cache.advance(n);
      float[] last = arch.logits(h.get(":, -1:, :")).toType(DataType.FLOAT32, false).toFloatArray();
      for (int s = 0; s < steps; s++) {
        System.arraycopy(last, 0, got, s * v, v);
        int next = HfFixture.argmaxRows(last, v)[0];
        assertEquals(expected[n + s], next, "generated token " + s);
        Architecture.Batch step = arch.extend(b, next, n + s, run);
        h = arch.decode(arch.embed(step, ForwardTap.NONE), 0, arch.numLayers(), step, cache, ForwardTap.NONE);
        cache.advance(1);
        last = arch.logits(h).toType(DataType.FLOAT32, false).toFloatArray();
      }
    }
    double d = report("generated_step_logits", HfFixture.maxAbsDiff(stepRef, got));
    assertTrue(d <= tol, "step logits " + d);
  }

  /**
   * A copy of the fixture's checkpoint folder in {@code dir} with {@code model.safetensors} in
   * bfloat16 (round to nearest even, as PyTorch converts) and, when {@code configFile} is not
   * null, that file of the checkpoint as {@code config.json}.
   */
  public Path copyCheckpoint(Path dir, boolean bf16, String configFile) throws IOException {
    Files.createDirectories(dir);
    try (var files = Files.list(fx.checkpoint())) {
      for (Path f : (Iterable<Path>) files::iterator) {
        if (!(bf16 && f.getFileName().toString().equals("model.safetensors"))) {
          Files.copy(f, dir.resolve(f.getFileName()));
        }
      }
    }
    if (configFile != null) {
      Files.copy(fx.checkpoint().resolve(configFile), dir.resolve("config.json"),
          java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }
    if (bf16) {
      writeBf16(fx.checkpoint().resolve("model.safetensors"), dir.resolve("model.safetensors"));
    }
    return dir;
  }

  private static void writeBf16(Path src, Path dst) throws IOException {
    try (SafetensorsFile in = SafetensorsFile.open(src)) {
      ObjectNode header = HfFixture.MAPPER.createObjectNode();
      long offset = 0;
      List<String> names = List.copyOf(new TreeSet<>(in.names()));
      for (String name : names) {
        long bytes = in.byteSize(name) / 2;
        ObjectNode e = header.putObject(name);
        e.put("dtype", "BF16");
        var shape = e.putArray("shape");
        for (long s : in.shape(name)) {
          shape.add(s);
        }
        e.putArray("data_offsets").add(offset).add(offset + bytes);
        offset += bytes;
      }
      byte[] h = HfFixture.MAPPER.writeValueAsString(header).getBytes(StandardCharsets.UTF_8);
      try (OutputStream out = Files.newOutputStream(dst)) {
        ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(h.length);
        out.write(len.array());
        out.write(h);
        for (String name : names) {
          ByteBuffer b = in.data(name).duplicate().order(ByteOrder.LITTLE_ENDIAN);
          ByteBuffer o = ByteBuffer.allocate(b.remaining() / 2).order(ByteOrder.LITTLE_ENDIAN);
          while (b.remaining() >= 4) {
            int bits = Float.floatToRawIntBits(b.getFloat());
            int rounded = bits + 0x7FFF + ((bits >>> 16) & 1);
            o.putShort((short) (rounded >>> 16));
          }
          out.write(o.array());
        }
      }
    }
  }
}
