package io.github.vlmlens.temporal.testing;

import io.github.vlmlens.core.RgbImage;
import io.github.vlmlens.core.Tokenization;
import io.github.vlmlens.core.VlmInput;
import io.github.vlmlens.core.WordSpan;
import io.github.vlmlens.core.testing.ReferenceVlm;
import io.github.vlmlens.temporal.video.SceneStyle;
import io.github.vlmlens.temporal.video.VideoObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * An analytic fake video VLM with a planted linear time code: a {@link ReferenceVlm} named
 * "fake-video", hidden size {@value #HIDDEN}, prompt format {@code "<image>\n{question}"}.
 *
 * <ul>
 *   <li>Tokens: BOS at 0; {@code <video>} (or {@code <image>}) becomes {@link #STRIPS} image tokens
 *       per frame, frame after frame (token {@code s} of a frame is its {@code s}-th vertical
 *       strip); every word one token; every other non-space character one token.
 *   <li>{@code lm.0}: an image token holds, in component {@code k < 8}, the fraction of its strip's
 *       pixels painted in object {@code k}'s colour, and in component {@code 8 + j} a 1 when its
 *       frame is exactly scene {@code j}'s texture. A text token holds {@code id / 64} in component
 *       14; an object or scene word adds its own seeded unit vector in components 16..31.
 *   <li>Block 1: each object or scene word reads the image tokens of its object (scene): with the
 *       presence as weights, its mean frame {@code t} (frames found through
 *       {@link Tokenization#imagePositions(int)}) and mean strip {@code s}; it adds
 *       {@code t * TIME + columnScale * s * COLUMN} (two orthonormal planted directions in 16..31).
 *       Later blocks change nothing.
 *   <li>Readout: {@code z = <h(w1) - h(w2), TIME>} for the first two object or scene words of the
 *       prompt, read after the last block; the logit of "before"/"Before" is {@code -beta z}, of
 *       "after"/"After" {@code +beta z}, and 0 for the other {@code VOCAB - 4} words.
 * </ul>
 *
 * <p>Its weights fingerprint ({@link #fingerprint}) is by default one of the planted code: depth,
 * gain and column scale.
 */
public final class FakeVideoVlm extends ReferenceVlm {
  public static final int HIDDEN = 32;
  public static final int STRIPS = 4;
  public static final double[] TIME;
  public static final double[] COLUMN;
  static final List<String> VOCAB =
      List.of("before", "after", "Before", "After", "the", "Does", "appear", "or", "scene", "occur", "?", "'");

  static {
    Random r = new Random(42);
    double[] a = new double[HIDDEN];
    double[] b = new double[HIDDEN];
    for (int i = 16; i < HIDDEN; i++) {
      a[i] = r.nextGaussian();
      b[i] = r.nextGaussian();
    }
    double na = norm(a);
    for (int i = 0; i < HIDDEN; i++) {
      a[i] /= na;
    }
    double dot = 0;
    for (int i = 0; i < HIDDEN; i++) {
      dot += a[i] * b[i];
    }
    for (int i = 0; i < HIDDEN; i++) {
      b[i] -= dot * a[i];
    }
    double nb = norm(b);
    for (int i = 0; i < HIDDEN; i++) {
      b[i] /= nb;
    }
    TIME = a;
    COLUMN = b;
  }

  private final double beta;

  private FakeVideoVlm(int numLayers, double beta, double columnScale, boolean lowercaseOnly, boolean mergeFrames) {
    this(numLayers, new Code(beta, columnScale), lowercaseOnly, mergeFrames);
  }

  private FakeVideoVlm(int numLayers, Code c, boolean lowercaseOnly, boolean mergeFrames) {
    super(new Spec("fake-video", numLayers, HIDDEN, "<image>\n{question}",
            new Vocabulary(VOCAB, VOCAB.size(), lowercaseOnly ? VOCAB.subList(0, 2) : VOCAB.subList(0, 4), 50,
                Integer.MAX_VALUE, 1),
            new Images(STRIPS, 3, mergeFrames ? Frames.ALL_FRAMES_ONE_RANGE : Frames.ALL_FRAMES)),
        c::embed, c::block, c::readout, "fake-video-" + numLayers + "-" + c.beta + "-" + c.columnScale);
    this.beta = c.beta;
  }

  /** Three blocks, beta 1.5, column scale 1, both answer forms. */
  public static FakeVideoVlm standard() {
    return new FakeVideoVlm(3, 1.5, 1.0, false, false);
  }

  /** A fake whose vocabulary has only lowercase answers. */
  public static FakeVideoVlm lowercaseOnly() {
    return new FakeVideoVlm(3, 1.5, 1.0, true, false);
  }

  /** A fake whose tokenization puts all frames in one image range (a broken backend). */
  public static FakeVideoVlm mergingFrames() {
    return new FakeVideoVlm(3, 1.5, 1.0, false, true);
  }

  static double norm(double[] v) {
    double s = 0;
    for (double x : v) {
      s += x * x;
    }
    return Math.sqrt(s);
  }

  /** The probability of {@code before} for a signal {@code z}. */
  public double probBefore(double z) {
    double denom = Math.exp(-beta * z) * 2 + Math.exp(beta * z) * 2 + (VOCAB.size() - 4);
    return Math.exp(-beta * z) / denom;
  }

  /** 0..7 for an object word, 8..13 for a scene word, -1 otherwise. */
  private static int codeOf(String word) {
    var o = VideoObject.ofWord(word);
    if (o.isPresent()) {
      return o.get().ordinal();
    }
    var s = SceneStyle.ofWord(word);
    return s.map(sceneStyle -> 8 + sceneStyle.ordinal()).orElse(-1);
  }

  private static List<Integer> objectWords(Tokenization t) {
    List<Integer> out = new ArrayList<>();
    for (WordSpan w : t.words()) {
      if (codeOf(w.text()) >= 0) {
        out.add(w.lastToken());
      }
    }
    return out;
  }

  /** The planted time code: embedding, block 1 and readout. */
  private static final class Code {
    final double beta;
    final double columnScale;
    private final Map<String, RgbImage> sceneRenders = new HashMap<>();

    Code(double beta, double columnScale) {
      this.beta = beta;
      this.columnScale = columnScale;
    }

    float[][] embed(VlmInput input, Tokenization t) {
      float[][] h = new float[t.length()][HIDDEN];
      List<RgbImage> frames = input.images();
      int[] all = t.imagePositions().resolve(t.length());
      // token k of the video is strip k % STRIPS of frame k / STRIPS (in the input's frame order)
      for (int k = 0; k < all.length; k++) {
        RgbImage img = frames.get(k / STRIPS);
        int strip = k % STRIPS;
        int w = img.width();
        int x0 = strip * w / STRIPS;
        int x1 = (strip + 1) * w / STRIPS;
        int[] counts = new int[VideoObject.values().length];
        for (int y = 0; y < img.height(); y++) {
          for (int x = x0; x < x1; x++) {
            int c = img.rgb(x, y);
            for (VideoObject o : VideoObject.values()) {
              if (c == o.rgb()) {
                counts[o.ordinal()]++;
              }
            }
          }
        }
        double area = (double) (x1 - x0) * img.height();
        for (int o = 0; o < counts.length; o++) {
          h[all[k]][o] = (float) (counts[o] / area);
        }
        for (SceneStyle s : SceneStyle.values()) {
          RgbImage render = sceneRenders.computeIfAbsent(s.word() + w, key -> s.render(w));
          if (render.equals(img)) {
            h[all[k]][8 + s.ordinal()] = 1f;
          }
        }
      }
      for (int q = 0; q < t.length(); q++) {
        if (!t.isImageToken(q)) {
          h[q][14] = t.id(q) / 64f;
        }
      }
      for (WordSpan w : t.words()) {
        int code = codeOf(w.text());
        if (code >= 0) {
          Random r = new Random(1000 + code);
          double[] e = new double[HIDDEN];
          for (int d = 16; d < HIDDEN; d++) {
            e[d] = r.nextGaussian();
          }
          double ne = norm(e);
          for (int d = 16; d < HIDDEN; d++) {
            h[w.lastToken()][d] += (float) (e[d] / ne);
          }
        }
      }
      return h;
    }

    float[][] block(int layer, float[][] h, Tokenization t, VlmInput input) {
      if (layer != 1) {
        return h;
      }
      int n = h.length;
      for (WordSpan w : t.words()) {
        int code = codeOf(w.text());
        if (code < 0) {
          continue;
        }
        double sum = 0;
        double time = 0;
        double col = 0;
        for (int f = 0; f < t.imageCount(); f++) {
          int[] pos = t.imagePositions(f).resolve(n);
          for (int s = 0; s < pos.length; s++) {
            double weight = h[pos[s]][code];
            sum += weight;
            time += weight * f;
            col += weight * (s % STRIPS);
          }
        }
        if (sum > 0) {
          time /= sum;
          col /= sum;
          int q = w.lastToken();
          for (int d = 0; d < HIDDEN; d++) {
            h[q][d] += (float) (time * TIME[d] + columnScale * col * COLUMN[d]);
          }
        }
      }
      return h;
    }

    double[] readout(float[][] h, Tokenization t, VlmInput input) {
      List<Integer> objects = objectWords(t);
      double z = 0;
      if (objects.size() >= 2) {
        for (int d = 0; d < HIDDEN; d++) {
          z += (h[objects.get(0)][d] - h[objects.get(1)][d]) * TIME[d];
        }
      }
      double[] logits = new double[VOCAB.size()];
      for (int v = 0; v < VOCAB.size(); v++) {
        String w = VOCAB.get(v);
        logits[v] = w.equalsIgnoreCase("before") ? -beta * z : w.equalsIgnoreCase("after") ? beta * z : 0;
      }
      return logits;
    }
  }
}
