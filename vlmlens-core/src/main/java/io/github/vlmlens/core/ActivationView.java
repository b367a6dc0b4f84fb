package io.github.vlmlens.core;

/**
 * A custom hook's window on one activation of one run: read any position's vector, write any
 * position's vector. Writes take effect for the rest of the forward pass.
 */
@API(status = API.Status.STABLE, since = "0.1.0")
public interface ActivationView {
  /** The hook point being visited. */
  HookPoint point();

  /** The tokenization of the run's input. */
  Tokenization tokenization();

  /** The number of positions of this activation. */
  int length();

  /** The vector width. */
  int width();

  /** A copy of the vector at a position. */
  float[] get(int position);

  /**
   * Replaces the vector at a position.
   *
   * @throws IllegalArgumentException when the vector's length is not {@link #width()}
   */
  void set(int position, float[] vector);
}
