package io.github.vlmlens.hooks;

import io.github.vlmlens.core.API;

/**
 * A problem with a model checkpoint on disk: a missing file, a bad {@code config.json}, a missing
 * tensor, a tensor of the wrong shape or dtype, or a corrupt or truncated safetensors file. The
 * message names the file and the key or tensor concerned.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1.0")
public final class CheckpointException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** An exception with a message that names the file and what is wrong with it. */
  public CheckpointException(String message) {
    super(message);
  }

  /** An exception with a message and the underlying cause (for example an I/O error). */
  public CheckpointException(String message, Throwable cause) {
    super(message, cause);
  }
}
