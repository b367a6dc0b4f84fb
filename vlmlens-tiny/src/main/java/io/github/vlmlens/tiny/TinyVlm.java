package io.github.vlmlens.tiny;

import io.github.vlmlens.core.API;
import io.github.vlmlens.core.HookedVlm;
import io.github.vlmlens.hooks.HookedLlava;
import io.github.vlmlens.hooks.LoadOptions;
import com.google.common.hash.Hasher;
import com.google.common.hash.Hashing;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

/**
 * The tiny LLaVA-style VLM that ships with vlmlens (64 px images of a 4 x 4 grid, a word-level
 * lowercase vocabulary, prompt {@code <image>\n{question}}), trained by {@code TrainTinyVlm}
 * ({@code vlmlens-examples}) on the synthetic grid scenes of {@code vlmlens-spatial}. It goes
 * through exactly the same loading code as a real Hugging Face checkpoint.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1.0")
public final class TinyVlm {
  /** The classpath folder holding the bundled checkpoint. */
  public static final String RESOURCE_DIR = "/io/github/vlmlens/tiny/image/";

  /** The files of the bundled checkpoint, in the Hugging Face layout. */
  public static final List<String> FILES =
      List.of(
          "config.json",
          "model.safetensors",
          "tokenizer.json",
          "preprocessor_config.json",
          "vlmlens.json");

  private TinyVlm() {}

  /** Loads the bundled tiny VLM on the CPU in float32. */
  public static HookedVlm load() {
    return load(LoadOptions.builder().build());
  }

  /** Loads the bundled tiny VLM with these options (device, data type). */
  public static HookedVlm load(LoadOptions options) {
    return HookedLlava.load(checkpointDir(), options);
  }

  /**
   * The bundled checkpoint as a directory on disk (copied once from the classpath into a folder
   * under the system temp dir, named by a hash of its contents so an updated jar gets a fresh
   * copy).
   *
   * @throws IllegalStateException when the jar does not hold the checkpoint
   */
  public static Path checkpointDir() {
    return unpack(RESOURCE_DIR, "vlmlens-tiny-", "train-tiny");
  }

  /**
   * Copies the checkpoint files {@link #FILES} under classpath folder {@code resourceDir} into
   * {@code <tmp>/<prefix><hash of the contents>} unless that folder is already complete.
   */
  static Path unpack(String resourceDir, String prefix, String trainer) {
    try {
      Hasher hasher = Hashing.sha256().newHasher();
      for (String f : FILES) {
        try (InputStream in = TinyVlm.class.getResourceAsStream(resourceDir + f)) {
          if (in == null) {
            throw new IllegalStateException(
                "the bundled checkpoint is missing " + resourceDir + f
                    + " on the classpath (vlmlens-tiny's jar is incomplete; `vlmlens " + trainer
                    + " --out DIR` trains one into a directory)");
          }
          hasher.putString(f, StandardCharsets.UTF_8).putBytes(in.readAllBytes());
        }
      }
      String key = hasher.hash().toString().substring(0, 16);
      Path dir = Path.of(System.getProperty("java.io.tmpdir"), prefix + key);
      if (!Files.isRegularFile(dir.resolve("model.safetensors"))) {
        Path tmp = Files.createTempDirectory(prefix);
        for (String f : FILES) {
          try (InputStream in = TinyVlm.class.getResourceAsStream(resourceDir + f)) {
            Files.copy(in, tmp.resolve(f), StandardCopyOption.REPLACE_EXISTING);
          }
        }
        try {
          Files.move(tmp, dir, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
          if (!Files.isRegularFile(dir.resolve("model.safetensors"))) {
            throw e;
          }
        }
      }
      return dir;
    } catch (IOException e) {
      throw new UncheckedIOException("could not unpack the bundled checkpoint " + resourceDir, e);
    }
  }
}
