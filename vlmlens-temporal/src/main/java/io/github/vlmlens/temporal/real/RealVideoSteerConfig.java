package io.github.vlmlens.temporal.real;

import io.github.vlmlens.core.API;
import io.github.vlmlens.core.analysis.SwapConfig;
import io.github.vlmlens.temporal.steer.TemporalSteerConfig;
import io.github.vlmlens.temporal.steer.TemporalSteerConfig.Scaling;
import java.util.List;
import java.util.Objects;

/**
 * The settings of steering user videos with temporal IDs (immutable).
 *
 * @param layers the layers to steer, ascending; empty means every layer the IDs hold
 * @param scaling how the steering vector is scaled
 * @param alpha for {@link Scaling#ABSOLUTE} the factor; for {@link Scaling#NORM_RELATIVE} the
 *     ratio of the added vector's norm to the word's activation norm
 * @param noiseDraws same-norm random directions per steered run
 * @param seed the seed of the noise and the bootstrap
 * @param bootstrapResamples the bootstrap resamples of the flip rates' intervals
 * @param confidence the intervals' coverage
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1.0")
public record RealVideoSteerConfig(
    List<Integer> layers,
    Scaling scaling,
    double alpha,
    int noiseDraws,
    long seed,
    int bootstrapResamples,
    double confidence) {

  /**
   * Checks the settings.
   *
   * @throws IllegalArgumentException naming the setting out of range
   */
  public RealVideoSteerConfig {
    Objects.requireNonNull(scaling, "scaling");
    layers = List.copyOf(layers);
    for (int i = 0; i < layers.size(); i++) {
      if (layers.get(i) < 0 || (i > 0 && layers.get(i) <= layers.get(i - 1))) {
        throw new IllegalArgumentException("layers must be >= 0 and ascending without repeats, got " + layers);
      }
    }
    if (!Double.isFinite(alpha) || (scaling == Scaling.NORM_RELATIVE && alpha <= 0)) {
      throw new IllegalArgumentException("alpha must be finite (and positive for norm-relative scaling), got " + alpha);
    }
    if (noiseDraws < 1) {
      throw new IllegalArgumentException("noise draws must be >= 1, got " + noiseDraws);
    }
    if (bootstrapResamples < 1 || !(confidence > 0 && confidence < 1)) {
      throw new IllegalArgumentException(
          "need >= 1 bootstrap resamples and a confidence in (0, 1), got " + bootstrapResamples + ", " + confidence);
    }
  }

  /** Every layer of the IDs, norm-relative k = 5 (the authors'), one noise draw, seed 0. */
  public static RealVideoSteerConfig defaults() {
    return new RealVideoSteerConfig(List.of(), Scaling.NORM_RELATIVE, TemporalSteerConfig.DEFAULT_NORM_RATIO, 1, 0,
        SwapConfig.DEFAULT_RESAMPLES, SwapConfig.DEFAULT_CONFIDENCE);
  }

  /** The same steering {@code layers}. */
  public RealVideoSteerConfig withLayers(List<Integer> l) {
    return new RealVideoSteerConfig(l, scaling, alpha, noiseDraws, seed, bootstrapResamples, confidence);
  }

  /** The same with another scaling and factor. */
  public RealVideoSteerConfig withScaling(Scaling s, double a) {
    return new RealVideoSteerConfig(layers, s, a, noiseDraws, seed, bootstrapResamples, confidence);
  }

  /** The same with {@code n} noise draws. */
  public RealVideoSteerConfig withNoiseDraws(int n) {
    return new RealVideoSteerConfig(layers, scaling, alpha, n, seed, bootstrapResamples, confidence);
  }

  /** The same with another seed. */
  public RealVideoSteerConfig withSeed(long s) {
    return new RealVideoSteerConfig(layers, scaling, alpha, noiseDraws, s, bootstrapResamples, confidence);
  }

  /** The same with other bootstrap settings. */
  public RealVideoSteerConfig withBootstrap(int resamples, double conf) {
    return new RealVideoSteerConfig(layers, scaling, alpha, noiseDraws, seed, resamples, conf);
  }
}
