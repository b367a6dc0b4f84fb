package io.github.vlmlens.tiny;

import io.github.vlmlens.core.API;
import io.github.vlmlens.core.HookedVlm;
import io.github.vlmlens.hooks.HookedLlava;
import io.github.vlmlens.hooks.LoadOptions;
import java.nio.file.Path;

/**
 * The tiny LLaVA-style video VLM that ships with vlmlens, trained by {@code TrainTinyVideoVlm}
 * ({@code vlmlens-examples}) on the synthetic videos of {@code vlmlens-temporal} (8 frames of
 * 32 px, frames in time order, answers {@code before} / {@code after} in lowercase). It goes
 * through exactly the same loading code as a real Hugging Face checkpoint.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1.0")
public final class TinyVideoVlm {
  /** The classpath folder holding the bundled checkpoint (the files of {@link TinyVlm#FILES}). */
  public static final String RESOURCE_DIR = "/io/github/vlmlens/tiny/video/";

  private TinyVideoVlm() {}

  /** Loads the bundled tiny video VLM on the CPU in float32. */
  public static HookedVlm load() {
    return load(LoadOptions.builder().build());
  }

  /** Loads the bundled tiny video VLM with these options (device, data type). */
  public static HookedVlm load(LoadOptions options) {
    return HookedLlava.load(checkpointDir(), options);
  }

  /**
   * The bundled checkpoint as a directory on disk (unpacked once, as {@link TinyVlm#checkpointDir()}).
   *
   * @throws IllegalStateException when the jar does not hold the checkpoint
   */
  public static Path checkpointDir() {
    return TinyVlm.unpack(RESOURCE_DIR, "vlmlens-tiny-video-", "train-tiny-video");
  }
}
