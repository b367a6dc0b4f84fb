package io.github.vlmlens.core;

import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * What a result needs to say about the model it came from: its name, a fingerprint of its weights,
 * where and in what precision it ran, and the versions of the libraries underneath. A run's
 * identity (what a resumed run must match) includes the fingerprint, so two checkpoints that
 * share a folder name are never mixed.
 *
 * <p>Every part is a plain string; what an implementation cannot tell is {@value #UNKNOWN}, never
 * a guess.
 *
 * @param name the model's name for reports (as {@link HookedVlm#name()})
 * @param family the model family (for example {@code llava}), or {@value #UNKNOWN}
 * @param fingerprint a hash of the weights (for a checkpoint: SHA-256 over its safetensors files),
 *     or {@value #UNKNOWN}
 * @param dtype the compute precision (for example {@code float32}), or {@value #UNKNOWN}
 * @param device the device it runs on (for example {@code cpu()}), or {@value #UNKNOWN}
 * @param libraries library name to version (for example {@code djl}, {@code pytorch}); may be empty
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1.0")
public record ModelInfo(
    String name,
    String family,
    String fingerprint,
    String dtype,
    String device,
    Map<String, String> libraries) {
  /** What a part that cannot be told reads. */
  public static final String UNKNOWN = "unknown";

  /** Checks the parts and copies the map (sorted by library name). */
  public ModelInfo {
    Objects.requireNonNull(name, "name");
    family = orUnknown(family);
    fingerprint = orUnknown(fingerprint);
    dtype = orUnknown(dtype);
    device = orUnknown(device);
    libraries = libraries == null ? Map.of() : java.util.Collections.unmodifiableMap(new TreeMap<>(libraries));
  }

  /** A model of which only the name is known. */
  public static ModelInfo unknown(String name) {
    return new ModelInfo(name, UNKNOWN, UNKNOWN, UNKNOWN, UNKNOWN, Map.of());
  }

  /** Whether the weights' fingerprint is known. */
  public boolean hasFingerprint() {
    return !UNKNOWN.equals(fingerprint);
  }

  /** The same info with another fingerprint. */
  public ModelInfo withFingerprint(String f) {
    return new ModelInfo(name, family, f, dtype, device, libraries);
  }

  private static String orUnknown(String s) {
    return s == null || s.isBlank() ? UNKNOWN : s;
  }
}
