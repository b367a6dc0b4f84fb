package io.github.vlmlens.spatial.ids;

import io.github.vlmlens.core.API;
import java.util.Objects;

/**
 * Two scene objects by name: {@code a}, the reference ("... of the {A}?"), and {@code b}, the
 * object asked about ("Is the {B} ..."), whose object word carries the spatial IDs that vlmlens
 * extracts.
 *
 * @param a the reference object's name
 * @param b the name of the object asked about
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1.0")
public record ObjectPair(String a, String b) {

  /**
   * Checks the names.
   *
   * @throws IllegalArgumentException when a name is blank or both are the same
   */
  public ObjectPair {
    Objects.requireNonNull(a, "a");
    Objects.requireNonNull(b, "b");
    if (a.isBlank() || b.isBlank()) {
      throw new IllegalArgumentException("object pair with a blank name: '" + a + "', '" + b + "'");
    }
    if (a.equals(b)) {
      throw new IllegalArgumentException("an object pair needs two different objects, got '" + a + "' twice");
    }
  }

  /** The pair with reference {@code a} and asked-about object {@code b}. */
  public static ObjectPair of(String a, String b) {
    return new ObjectPair(a, b);
  }

  /** {@code "b|a"}: the asked-about object, then the reference. */
  @Override
  public String toString() {
    return b + "|" + a;
  }
}
