package io.github.vlmlens.hooks.internal.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import com.google.common.hash.Hashing;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.regex.Pattern;

/**
 * The untrained baseline of {@code LoadOptions.optRandomInit}: every floating parameter that is
 * not a normalisation parameter is replaced, in place, by draws from a normal distribution with
 * that tensor's own mean and standard deviation (population, over all its values as loaded);
 * normalisation weights and biases keep their loaded values. Each tensor is drawn on the host by a
 * {@link Random} seeded from the seed and the SHA-256 of the tensor's name, so a seed gives the same
 * weights on every machine, device and load order.
 */
public final class RandomInit {
  /** A name segment of a normalisation parameter: {@code *norm*} (also CLIP's {@code pre_layrnorm}), {@code ln_*}, {@code ln1}. */
  private static final Pattern NORM_SEGMENT = Pattern.compile(".*norm.*|ln(_.*|\\d*)");

  private RandomInit() {}

  /** Whether a parameter is a normalisation weight or bias (kept as loaded). */
  public static boolean isNorm(String name) {
    for (String segment : name.toLowerCase(Locale.ROOT).split("\\.")) {
      if (NORM_SEGMENT.matcher(segment).matches()) {
        return true;
      }
    }
    return false;
  }

  /**
   * Redraws freshly loaded tensors when {@code options} ask for the random-initialised baseline
   * ({@code LoadOptions.optRandomInit}); families call it before deriving anything from them.
   *
   * @return {@code tensors}
   */
  public static Map<String, NDArray> applyIf(Map<String, NDArray> tensors, io.github.vlmlens.hooks.LoadOptions options) {
    if (options.randomInit().isPresent()) {
      redraw(tensors, options.randomInit().getAsLong());
    }
    return tensors;
  }

  /**
   * Redraws the parameters in place (the very arrays the forward pass reads).
   *
   * @return how many tensors were redrawn
   */
  public static int redraw(Map<String, NDArray> parameters, long seed) {
    int n = 0;
    for (Map.Entry<String, NDArray> e : parameters.entrySet()) {
      NDArray a = e.getValue();
      if (isNorm(e.getKey()) || !a.getDataType().isFloating()) {
        continue;
      }
      float[] v;
      try (NDArray f = a.toType(DataType.FLOAT32, true)) {
        v = f.toFloatArray();
      }
      double mean = 0;
      for (float x : v) {
        mean += x;
      }
      mean /= v.length;
      double var = 0;
      for (float x : v) {
        var += (x - mean) * (x - mean);
      }
      double std = Math.sqrt(var / v.length);
      Random r = new Random(seed ^ Hashing.sha256().hashString(e.getKey(), StandardCharsets.UTF_8).asLong());
      for (int i = 0; i < v.length; i++) {
        v[i] = (float) (mean + std * r.nextGaussian());
      }
      try (NDArray host = a.getManager().create(v, a.getShape());
          NDArray fresh = host.toType(a.getDataType(), true)) {
        a.muli(0).addi(fresh);
      }
      n++;
    }
    return n;
  }
}
