package io.github.vlmlens.core.analysis;

import io.github.vlmlens.core.RgbImage;
import io.github.vlmlens.core.Tokenization;
import io.github.vlmlens.core.VlmInput;
import io.github.vlmlens.core.WordSpan;
import io.github.vlmlens.core.testing.ReferenceVlm;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * An analytic fake VLM whose belief shifts are known exactly: a {@link ReferenceVlm} of hidden
 * size 4 named "fake", prompt format {@code "USER: <image>\n{question} ASSISTANT:"}.
 *
 * <ul>
 *   <li>Tokens: BOS at 0; each {@code <image>} becomes {@link #IMAGE_TOKENS} image tokens; a word
 *       (letters and digits) of more than 6 characters becomes two sub-tokens (its first 4
 *       characters, then the rest), shorter words one token; every other non-space character is
 *       one token.
 *   <li>Side signal of an image: {@code s = (mean red of the left half - mean red of the right
 *       half) / 256}; mirroring flips its sign exactly.
 *   <li>{@code lm.0}: image tokens {@code [s, 0, 0, 0]}, text tokens {@code [0, 0, 0, id / 64]}.
 *   <li>Block 1: each object noun's last sub-token adds the mean of the image tokens' component
 *       0 to its component 1; every other text token after the first image adds a quarter of it to
 *       its component 3 (never read: x and y differ there, but it carries no belief); then the
 *       image tokens' component 0 is moved, halved, to their component 3 (never read either).
 *   <li>Block L: the last position adds {@code readWeights[L]} times the mean of the object
 *       tokens' component 1 to its component 2.
 *   <li>Readout: with {@code z} = component 2 of the last position after block N, the logit of
 *       "left" is {@code beta z}, of "right" {@code -beta z}, of "red" {@code beta z}, of "blue"
 *       {@code -beta z}, and 0 for the other {@code VOCAB - 4} words.
 * </ul>
 *
 * <p>{@code work} adds a busy loop per block and position (and {@code visionWork} per full run) to
 * emulate compute for cost measurements.
 */
final class FakeVlm extends ReferenceVlm {
  static final int IMAGE_TOKENS = 4;
  static final int HIDDEN = 4;
  static final List<String> VOCAB =
      List.of(
          "left", "right", "red", "blue", "Left", "Right", "yes", "no", "the", "a", "is", "of", "or",
          "to", "dog", "cat");
  static final Set<String> NOUNS =
      Set.of("dog", "cat", "ball", "cube", "elephant", "giraffe", "light", "backpack");

  final int numLayers;
  final double[] readWeights;
  final double beta;

  FakeVlm(int numLayers, double[] readWeights, double beta, int work, int visionWork) {
    this(numLayers, new Analytic(numLayers, readWeights, beta, work, visionWork));
  }

  private FakeVlm(int numLayers, Analytic a) {
    super(new Spec("fake", numLayers, HIDDEN, "USER: <image>\n{question} ASSISTANT:",
            new Vocabulary(VOCAB, VOCAB.size(), VOCAB, 50, 6, 4),
            new Images(IMAGE_TOKENS, 2, Frames.ONE_IMAGE_PER_PLACEHOLDER)),
        a::embed, a::block, a::readout, null);
    this.numLayers = numLayers;
    this.readWeights = a.readWeights.clone();
    this.beta = a.beta;
  }

  /** Four blocks; the last position reads half the object signal in block 2 and half in block 3. */
  static FakeVlm standard() {
    return new FakeVlm(4, new double[] {0, 0, 0.5, 0.5, 0}, 2.0, 0, 0);
  }

  /** The probability of an answer word when the last position's signal is {@code z}. */
  static double prob(String word, double z, double beta) {
    double sign = word.equals("left") || word.equals("red") ? 1 : -1;
    double denom = Math.exp(beta * z) * 2 + Math.exp(-beta * z) * 2 + (VOCAB.size() - 4);
    return Math.exp(sign * beta * z) / denom;
  }

  /** An 8 x 4 image whose left half has red {@code left} and right half red {@code right}. */
  static RgbImage image(int left, int right) {
    int[] px = new int[8 * 4];
    for (int y = 0; y < 4; y++) {
      for (int x = 0; x < 8; x++) {
        int r = x < 4 ? left : right;
        px[y * 8 + x] = (r << 16) | (17 << 8) | 5;
      }
    }
    return RgbImage.of(8, 4, px);
  }

  /** The image mirrored left-right. */
  static RgbImage mirror(RgbImage img) {
    int w = img.width();
    int h = img.height();
    int[] px = new int[w * h];
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        px[y * w + x] = img.rgb(w - 1 - x, y);
      }
    }
    return RgbImage.of(w, h, px);
  }

  static float side(RgbImage img) {
    long left = 0;
    long right = 0;
    int w = img.width();
    for (int y = 0; y < img.height(); y++) {
      for (int x = 0; x < w; x++) {
        int r = (img.rgb(x, y) >> 16) & 0xff;
        if (x < w / 2) {
          left += r;
        } else if (x >= w - w / 2) {
          right += r;
        }
      }
    }
    double half = (double) (w / 2) * img.height();
    return (float) ((left / half - right / half) / 256.0);
  }

  /** The planted embedding, blocks and readout. */
  private static final class Analytic {
    final double[] readWeights;
    final double beta;
    final int work;
    final int visionWork;
    private double sink;

    Analytic(int numLayers, double[] readWeights, double beta, int work, int visionWork) {
      if (readWeights.length != numLayers + 1) {
        throw new IllegalArgumentException("one read weight per layer 0..N");
      }
      this.readWeights = readWeights.clone();
      this.beta = beta;
      this.work = work;
      this.visionWork = visionWork;
    }

    float[][] embed(VlmInput input, Tokenization t) {
      burn(visionWork);
      float[][] h = new float[t.length()][HIDDEN];
      for (int i = 0; i < t.imageCount(); i++) {
        float s = side(input.images().get(i));
        for (int q : t.imagePositions(i).resolve(t.length())) {
          h[q][0] = s;
        }
      }
      for (int q = 0; q < t.length(); q++) {
        if (!t.isImageToken(q)) {
          h[q][3] = t.id(q) / 64f;
        }
      }
      return h;
    }

    float[][] block(int layer, float[][] h, Tokenization t, VlmInput input) {
      burn(work * h.length);
      Set<Integer> objects = objectTokens(t);
      int n = h.length;
      if (layer == 1) {
        double sum = 0;
        int count = 0;
        for (int q = 0; q < n; q++) {
          if (t.isImageToken(q)) {
            sum += h[q][0];
            count++;
          }
        }
        float mean = count == 0 ? 0f : (float) (sum / count);
        for (int q : objects) {
          h[q][1] += mean;
        }
        int firstImage = -1;
        for (int q = 0; q < n && firstImage < 0; q++) {
          if (t.isImageToken(q)) {
            firstImage = q;
          }
        }
        for (int q = Math.max(firstImage, 0); firstImage >= 0 && q < n; q++) {
          if (!t.isImageToken(q) && !objects.contains(q)) {
            h[q][3] += 0.25f * mean;
          }
        }
        for (int q = 0; q < n; q++) {
          if (t.isImageToken(q)) {
            h[q][3] += 0.5f * h[q][0];
            h[q][0] = 0f;
          }
        }
      }
      if (readWeights[layer] != 0 && !objects.isEmpty()) {
        double sum = 0;
        for (int q : objects) {
          sum += h[q][1];
        }
        h[n - 1][2] += (float) (readWeights[layer] * sum / objects.size());
      }
      return h;
    }

    double[] readout(float[][] h, Tokenization t, VlmInput input) {
      double z = h[h.length - 1][2];
      double[] logits = new double[VOCAB.size()];
      for (int v = 0; v < VOCAB.size(); v++) {
        String w = VOCAB.get(v);
        logits[v] = w.equals("left") || w.equals("red") ? beta * z
            : w.equals("right") || w.equals("blue") ? -beta * z : 0;
      }
      return logits;
    }

    private static Set<Integer> objectTokens(Tokenization t) {
      Set<Integer> out = new HashSet<>();
      for (WordSpan w : t.words()) {
        if (NOUNS.contains(w.text())) {
          out.add(w.lastToken());
        }
      }
      return out;
    }

    private void burn(int iterations) {
      double acc = sink;
      for (int i = 0; i < iterations; i++) {
        acc = acc * 0.999999 + 1e-9 * i;
      }
      sink = acc;
    }
  }
}
