package io.github.vlmlens.spatial.fake;

import io.github.vlmlens.core.RgbImage;
import io.github.vlmlens.core.Tokenization;
import io.github.vlmlens.core.VlmInput;
import io.github.vlmlens.core.WordSpan;
import io.github.vlmlens.core.analysis.Vectors;
import io.github.vlmlens.core.testing.ReferenceVlm;
import io.github.vlmlens.spatial.scene.GridSpec;
import io.github.vlmlens.spatial.scene.ObjectLibrary;
import io.github.vlmlens.spatial.scene.SceneObject;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * A fake VLM with a known linear position code planted in its object words, for testing spatial-ID
 * extraction and steering without a model: a {@link ReferenceVlm} named "planted", prompt format
 * {@code "<image>\n{question}"}.
 *
 * <ul>
 *   <li>Tokens: BOS, {@value #IMAGE_TOKENS} image tokens per {@code <image>}, one token per word
 *       (letters and digits), one per other non-space character.
 *   <li>{@code lm.0}: word tokens get a fixed random embedding per word ({@link #embedding}).
 *   <li>Block 1 (the only block that does anything): each object word whose object is in the image
 *       (found by its default colour in the grid cells) gets {@code col * U + row * V +
 *       size * S + 0.5 * R[other object's cell] + noise}, where {@code col}, {@code row} are its
 *       cell, {@code size} its sprite side over the cell side, {@code R[c]} fixed random vectors
 *       orthogonal to {@code U} and {@code V}, and the noise seeded by the image and the word.
 *       Blocks 2..N are the identity.
 *   <li>Readout, from {@code lm.N} at the two object words (B first in the prompt, A second):
 *       {@code dc = <h(B) - h(A), U*>}, {@code dr = <h(B) - h(A), V*>} with {@code U*}, {@code V*}
 *       the dual basis of {@code U}, {@code V} (so it reads column and row differences exactly). A
 *       left/right question gives logits {@code right = beta dc}, {@code left = -beta dc}; an
 *       above/below one {@code below = beta dr}, {@code above = -beta dr} (capitalised forms the
 *       same); the other tokens, and 8 unnamed ones, 0.
 * </ul>
 */
public final class PlantedVlm extends ReferenceVlm {
  public static final int IMAGE_TOKENS = 4;
  public static final List<String> VOCAB =
      List.of("left", "right", "above", "below", "yes", "no", "Left", "Right", "Above", "Below", "Yes", "No");

  public final double[] u;
  public final double[] v;
  public final double[] sizeDir;
  private final Code code;

  /**
   * A fake on {@code grid} whose objects come from {@code library}, with {@code numLayers} blocks,
   * hidden size {@code hidden}, noise of standard deviation {@code noise} per component, readout
   * gain {@code beta}; {@code seed} draws U, V (cosine about 0.3 apart), S and R. The weights
   * fingerprint ({@link #fingerprint}) is by default one of the planted directions: the seed,
   * width, depth, gain and grid (not the noise).
   */
  public PlantedVlm(GridSpec grid, ObjectLibrary library, int hidden, int numLayers, double noise, double beta, long seed) {
    this(new Code(grid, library, hidden, noise, beta, seed), numLayers,
        "planted-" + seed + "-" + hidden + "-" + numLayers + "-" + beta + "-" + grid.gridSize());
  }

  private PlantedVlm(Code c, int numLayers, String fingerprint) {
    super(new Spec("planted", numLayers, c.hidden, "<image>\n{question}", Vocabulary.of(VOCAB, VOCAB.size() + 8, 1000),
            new Images(IMAGE_TOKENS, 2, Frames.ONE_IMAGE_PER_PLACEHOLDER)),
        c::embed, c::block, c::readout, fingerprint);
    this.code = c;
    this.u = c.u;
    this.v = c.v;
    this.sizeDir = c.sizeDir;
  }

  /** The fixed embedding of a word (a copy). */
  public double[] embedding(String word) {
    return code.embedding(word);
  }

  private static double[] gaussian(Random r, int n) {
    double[] g = new double[n];
    for (int i = 0; i < n; i++) {
      g[i] = r.nextGaussian();
    }
    return g;
  }

  /** The planted code: directions, embedding, block 1 and readout. */
  private static final class Code {
    final GridSpec grid;
    final ObjectLibrary library;
    final int hidden;
    final double noise;
    final double beta;
    final double[] u;
    final double[] v;
    final double[] sizeDir;
    final double[] uDual;
    final double[] vDual;
    final double[][] relational;

    Code(GridSpec grid, ObjectLibrary library, int hidden, double noise, double beta, long seed) {
      this.grid = grid;
      this.library = library;
      this.hidden = hidden;
      this.noise = noise;
      this.beta = beta;
      Random r = new Random(seed);
      this.u = Vectors.scale(Vectors.unit(gaussian(r, hidden)), 0.8);
      double[] w = Vectors.unit(gaussian(r, hidden));
      w = Vectors.subtract(w, Vectors.scale(Vectors.unit(u), 0.7 * Vectors.dot(w, Vectors.unit(u))));
      this.v = Vectors.scale(Vectors.unit(Vectors.add(w, Vectors.scale(Vectors.unit(u), 0.3))), 0.6);
      this.sizeDir = Vectors.scale(Vectors.unit(gaussian(r, hidden)), 0.7);
      double[][] basis = Vectors.gramSchmidt(u, v);
      this.relational = new double[grid.cellCount()][];
      for (int c = 0; c < relational.length; c++) {
        double[] g = gaussian(r, hidden);
        for (double[] b : basis) {
          g = Vectors.subtract(g, Vectors.scale(b, Vectors.dot(g, b)));
        }
        relational[c] = Vectors.scale(g, 0.5 / Math.sqrt(hidden));
      }
      double uu = Vectors.dot(u, u);
      double uv = Vectors.dot(u, v);
      double vv = Vectors.dot(v, v);
      double det = uu * vv - uv * uv;
      this.uDual = Vectors.scale(Vectors.subtract(Vectors.scale(u, vv), Vectors.scale(v, uv)), 1 / det);
      this.vDual = Vectors.scale(Vectors.subtract(Vectors.scale(v, uu), Vectors.scale(u, uv)), 1 / det);
    }

    double[] embedding(String word) {
      Random r = new Random(word.hashCode() * 31L + 7);
      return Vectors.scale(gaussian(r, hidden), 1 / Math.sqrt(hidden));
    }

    float[][] embed(VlmInput input, Tokenization t) {
      float[][] h = new float[t.length()][hidden];
      for (WordSpan w : t.words()) {
        h[w.lastToken()] = Vectors.toFloat(embedding(w.text()));
      }
      return h;
    }

    /** The object words of a tokenization in prompt order. */
    private List<WordSpan> objectWords(Tokenization t) {
      List<WordSpan> out = new ArrayList<>();
      for (WordSpan w : t.words()) {
        if (library.contains(w.text())) {
          out.add(w);
        }
      }
      return out;
    }

    /** The cell (row, column) and sprite side of an object in the image, by its default colour. */
    private int[] locate(RgbImage img, SceneObject o) {
      int rgb = o.defaultColor().rgb();
      int minX = Integer.MAX_VALUE;
      int maxX = -1;
      int minY = Integer.MAX_VALUE;
      int maxY = -1;
      for (int y = 0; y < img.height(); y++) {
        for (int x = 0; x < img.width(); x++) {
          if (img.rgb(x, y) == rgb) {
            minX = Math.min(minX, x);
            maxX = Math.max(maxX, x);
            minY = Math.min(minY, y);
            maxY = Math.max(maxY, y);
          }
        }
      }
      if (maxX < 0) {
        return null;
      }
      int cell = grid.cellPx();
      return new int[] {minY / cell, minX / cell, Math.max(maxX - minX, maxY - minY) + 1};
    }

    float[][] block(int layer, float[][] h, Tokenization t, VlmInput input) {
      if (layer != 1 || input.images().isEmpty()) {
        return h;
      }
      List<WordSpan> objects = objectWords(t);
      RgbImage img = input.images().get(0);
      int[] pixels = img.pixels();
      List<int[]> where = new ArrayList<>();
      for (WordSpan w : objects) {
        where.add(locate(img, library.get(w.text())));
      }
      for (int k = 0; k < objects.size(); k++) {
        int[] c = where.get(k);
        if (c == null) {
          continue;
        }
        double[] add = Vectors.add(Vectors.scale(u, c[1]), Vectors.scale(v, c[0]));
        add = Vectors.add(add, Vectors.scale(sizeDir, (double) c[2] / grid.cellPx()));
        for (int o = 0; o < objects.size(); o++) {
          if (o != k && where.get(o) != null) {
            add = Vectors.add(add, relational[where.get(o)[0] * grid.gridSize() + where.get(o)[1]]);
          }
        }
        if (noise > 0) {
          Random r = new Random(Arrays.hashCode(pixels) * 1_000_003L + objects.get(k).text().hashCode());
          add = Vectors.add(add, Vectors.scale(gaussian(r, hidden), noise));
        }
        int q = objects.get(k).lastToken();
        h[q] = Vectors.toFloat(Vectors.add(Vectors.of(h[q]), add));
      }
      return h;
    }

    double[] readout(float[][] h, Tokenization t, VlmInput input) {
      List<WordSpan> objects = objectWords(t);
      Map<String, Double> logits = new HashMap<>();
      String prompt = input.prompt();
      if (objects.size() >= 2) {
        double[] diff = Vectors.subtract(Vectors.of(h[objects.get(0).lastToken()]), Vectors.of(h[objects.get(1).lastToken()]));
        if (prompt.contains("left or right")) {
          double dc = Vectors.dot(diff, uDual);
          logits.put("right", beta * dc);
          logits.put("left", -beta * dc);
        } else if (prompt.contains("above or below")) {
          double dr = Vectors.dot(diff, vDual);
          logits.put("below", beta * dr);
          logits.put("above", -beta * dr);
        }
      }
      double[] all = new double[VOCAB.size() + 8];
      for (int k = 0; k < VOCAB.size(); k++) {
        all[k] = logits.getOrDefault(VOCAB.get(k).toLowerCase(Locale.ROOT), 0.0);
      }
      return all;
    }
  }
}
