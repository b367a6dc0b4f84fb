package io.github.vlmlens.hooks.internal.io;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import com.google.common.hash.Hasher;
import com.google.common.hash.Hashing;
import io.github.vlmlens.core.ModelInfo;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * What a loaded model reports as its {@link ModelInfo}: a SHA-256 fingerprint of its weights
 * (over the checkpoint's safetensors files, header and data, in name order; or over the loaded
 * parameters, name, shape, dtype and bytes in name order, for a model built in memory), its
 * device and dtype, and the DJL and PyTorch versions.
 */
public final class WeightsFingerprint {
  private WeightsFingerprint() {}

  /**
   * SHA-256 over every {@code *.safetensors} file of a checkpoint directory (name and content,
   * in name order).
   *
   * @throws UncheckedIOException when a file cannot be read
   */
  public static String ofCheckpoint(Path dir) {
    List<Path> files = new ArrayList<>();
    try (Stream<Path> s = Files.list(dir)) {
      s.filter(p -> p.getFileName().toString().endsWith(".safetensors") && Files.isRegularFile(p))
          .sorted()
          .forEach(files::add);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + dir, e);
    }
    if (files.isEmpty()) {
      return ModelInfo.UNKNOWN;
    }
    Hasher h = Hashing.sha256().newHasher();
    byte[] buf = new byte[1 << 20];
    for (Path f : files) {
      String name = f.getFileName().toString();
      h.putInt(name.length()).putString(name, StandardCharsets.UTF_8);
      try (InputStream in = Files.newInputStream(f)) {
        int n;
        while ((n = in.read(buf)) > 0) {
          h.putBytes(buf, 0, n);
        }
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read " + f, e);
      }
    }
    return h.hash().toString();
  }

  /** SHA-256 over loaded parameters: name, shape, dtype and bytes, in name order. */
  public static String ofParameters(Map<String, NDArray> parameters) {
    Hasher h = Hashing.sha256().newHasher();
    for (Map.Entry<String, NDArray> e : new TreeMap<>(parameters).entrySet()) {
      NDArray a = e.getValue();
      h.putString(e.getKey(), StandardCharsets.UTF_8).putString(a.getShape().toString(), StandardCharsets.UTF_8)
          .putString(a.getDataType().toString(), StandardCharsets.UTF_8);
      h.putBytes(a.toByteArray());
    }
    return h.hash().toString();
  }

  /** The info of a model with the given parts; the library versions are read here. */
  public static ModelInfo info(String name, String family, String fingerprint, DataType dtype, Device device) {
    return new ModelInfo(
        name, family, fingerprint, dtype == null ? null : dtype.toString().toLowerCase(Locale.ROOT),
        device == null ? null : device.toString(), libraries());
  }

  /** The DJL and PyTorch versions ({@code unknown} where they cannot be read). */
  public static Map<String, String> libraries() {
    Map<String, String> out = new LinkedHashMap<>();
    try {
      out.put("djl", Engine.getDjlVersion());
    } catch (RuntimeException | LinkageError e) {
      out.put("djl", ModelInfo.UNKNOWN);
    }
    try {
      out.put("pytorch", Engine.getEngine("PyTorch").getVersion());
    } catch (RuntimeException | LinkageError e) {
      out.put("pytorch", ModelInfo.UNKNOWN);
    }
    return out;
  }
}
