package io.github.vlmlens.spatial.real;

import io.github.vlmlens.core.API;
import io.github.vlmlens.spatial.steer.AnswerForm;
import java.util.List;

/**
 * The settings of the real-image analyses (immutable; start from {@link #defaults()}).
 *
 * @param layers the layers {@code L} read or steered at {@code lm.L.resid_post}; empty means
 *     every layer the IDs hold (or, without IDs, every layer of the model)
 * @param answerForm how answer words are written for the model
 * @param framing how a box centre maps onto the ID grid
 * @param blurRadius the Gaussian blur's standard deviation in pixels (the paper: 20)
 * @param randomBoxes {@code R}, random boxes per sample for bounding-box sensitivity (the paper: 10)
 * @param steerScale {@code k}: steering vectors are rescaled to {@code k} times the activation's
 *     norm (the authors: 5)
 * @param generate also judge steering by the generated answer where the model can generate
 * @param maxNewTokens tokens generated per judged run
 * @param alpha the significance level of the reports' claims
 * @param bootstrapResamples bootstrap resamples per rate
 * @param seed the seed of random boxes, noise directions and bootstrap
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1.0")
public record RealConfig(
    List<Integer> layers, AnswerForm answerForm, Framing framing, double blurRadius, int randomBoxes,
    double steerScale, boolean generate, int maxNewTokens, double alpha, int bootstrapResamples, long seed) {

  /** How the model sees an image, for mapping box centres onto the ID grid. */
  public enum Framing {
    /** The whole image is seen (Qwen-style resizing): centres are divided by width and height. */
    FULL,
    /** The centred square of the shorter side is seen (LLaVA's centre crop). */
    CENTER_CROP
  }

  /**
   * Checks and copies the settings.
   *
   * @throws IllegalArgumentException naming the setting that is out of range
   */
  public RealConfig {
    layers = List.copyOf(layers);
    if (answerForm == null || framing == null) {
      throw new IllegalArgumentException("answer form and framing are required");
    }
    if (!(blurRadius > 0) || Double.isInfinite(blurRadius)) {
      throw new IllegalArgumentException("blur radius must be > 0, got " + blurRadius);
    }
    if (randomBoxes < 1) {
      throw new IllegalArgumentException("random boxes must be >= 1, got " + randomBoxes);
    }
    if (!(steerScale > 0)) {
      throw new IllegalArgumentException("steering scale must be > 0, got " + steerScale);
    }
    if (maxNewTokens < 1) {
      throw new IllegalArgumentException("max new tokens must be >= 1, got " + maxNewTokens);
    }
    if (!(alpha > 0 && alpha < 1)) {
      throw new IllegalArgumentException("alpha must be in (0, 1), got " + alpha);
    }
    if (bootstrapResamples < 100) {
      throw new IllegalArgumentException("bootstrap resamples must be >= 100, got " + bootstrapResamples);
    }
  }

  /**
   * Every layer of the IDs, capitalised answers, full framing, blur 20 px, 10 random boxes,
   * k = 5, judged by generation too (3 tokens), alpha 0.05, 2000 resamples, seed 0.
   */
  public static RealConfig defaults() {
    return new RealConfig(List.of(), AnswerForm.CAPITALISED, Framing.FULL, 20, 10, 5, true, 3, 0.05, 2000, 0);
  }

  /** The same with other layers. */
  public RealConfig withLayers(List<Integer> l) {
    return new RealConfig(l, answerForm, framing, blurRadius, randomBoxes, steerScale, generate, maxNewTokens, alpha, bootstrapResamples, seed);
  }

  /** The same with another answer form. */
  public RealConfig withAnswerForm(AnswerForm f) {
    return new RealConfig(layers, f, framing, blurRadius, randomBoxes, steerScale, generate, maxNewTokens, alpha, bootstrapResamples, seed);
  }

  /** The same with another framing. */
  public RealConfig withFraming(Framing f) {
    return new RealConfig(layers, answerForm, f, blurRadius, randomBoxes, steerScale, generate, maxNewTokens, alpha, bootstrapResamples, seed);
  }

  /** The same with another blur radius and number of random boxes. */
  public RealConfig withBlur(double radius, int boxes) {
    return new RealConfig(layers, answerForm, framing, radius, boxes, steerScale, generate, maxNewTokens, alpha, bootstrapResamples, seed);
  }

  /** The same with another steering scale and generation setting. */
  public RealConfig withSteering(double k, boolean gen, int newTokens) {
    return new RealConfig(layers, answerForm, framing, blurRadius, randomBoxes, k, gen, newTokens, alpha, bootstrapResamples, seed);
  }

  /** The same with another seed. */
  public RealConfig withSeed(long s) {
    return new RealConfig(layers, answerForm, framing, blurRadius, randomBoxes, steerScale, generate, maxNewTokens, alpha, bootstrapResamples, s);
  }

  /** The same with other statistics settings. */
  public RealConfig withStatistics(double a, int resamples) {
    return new RealConfig(layers, answerForm, framing, blurRadius, randomBoxes, steerScale, generate, maxNewTokens, a, resamples, seed);
  }

  /**
   * A box centre in grid units {@code (u, v)} of an {@code m x m} grid over an image of
   * {@code width x height} pixels, under this framing.
   */
  public double[] gridPoint(ObjectBox box, int width, int height, int m) {
    if (framing == Framing.FULL) {
      return new double[] {box.centerX() / width * m, box.centerY() / height * m};
    }
    double side = Math.min(width, height);
    double ox = (width - side) / 2;
    double oy = (height - side) / 2;
    return new double[] {(box.centerX() - ox) / side * m, (box.centerY() - oy) / side * m};
  }
}
