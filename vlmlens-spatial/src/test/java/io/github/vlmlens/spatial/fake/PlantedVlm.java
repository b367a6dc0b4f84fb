package io.github.vlmlens.spatial.fake;

import io.github.vlmlens.core.ActivationCache;
import io.github.vlmlens.core.Activations;
import io.github.vlmlens.core.HookPoint;
import io.github.vlmlens.core.HookedVlm;
import io.github.vlmlens.core.Intervention;
import io.github.vlmlens.core.Positions;
import io.github.vlmlens.core.PromptFormat;
import io.github.vlmlens.core.RgbImage;
import io.github.vlmlens.core.RunRequest;
import io.github.vlmlens.core.RunResult;
import io.github.vlmlens.core.RunSpec;
import io.github.vlmlens.core.Tokenization;
import io.github.vlmlens.core.VlmInput;
import io.github.vlmlens.core.WordSpan;
import io.github.vlmlens.core.analysis.Vectors;
import io.github.vlmlens.spatial.scene.GridSpec;
import io.github.vlmlens.spatial.scene.ObjectLibrary;
import io.github.vlmlens.spatial.scene.SceneObject;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A fake VLM with a known linear position code planted in its object words, for testing spatial-ID
 * extraction and steering without a model. Prompt format {@code "<image>\n{question}"}.
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
 *       above/below one {@code below = beta dr}, {@code above = -beta dr}; every other token 0.
 * </ul>
 *
 * <p>Honours {@code resumeFrom}, {@code add} and {@code replace} at {@code lm.L.resid_post}
 * (applied after the layer's state is formed, before captures), captures and {@code readWords}.
 */
public final class PlantedVlm implements HookedVlm {
  public static final int IMAGE_TOKENS = 4;
  public static final List<String> VOCAB =
      List.of("left", "right", "above", "below", "yes", "no", "Left", "Right", "Above", "Below", "Yes", "No");
  private static final Pattern TOKEN = Pattern.compile("<image>|[A-Za-z0-9]+|\\S");

  public final double[] u;
  public final double[] v;
  public final double[] sizeDir;
  private final double[] uDual;
  private final double[] vDual;
  private final double[][] relational;
  private final GridSpec grid;
  private final ObjectLibrary library;
  private final int hidden;
  private final int numLayers;
  private final double noise;
  private final double beta;
  public final AtomicLong fullRuns = new AtomicLong();
  public final AtomicLong resumedRuns = new AtomicLong();
  public final List<Integer> batchSizes = new ArrayList<>();
  /**
   * The weights fingerprint {@link #info()} reports, or {@code null} for unknown; by default one of
   * the planted directions: the seed, width, depth, gain and grid (not the noise).
   */
  public String fingerprint;

  /**
   * A fake on {@code grid} whose objects come from {@code library}, with {@code numLayers} blocks,
   * hidden size {@code hidden}, noise of standard deviation {@code noise} per component, readout
   * gain {@code beta}; {@code seed} draws U, V (cosine about 0.3 apart), S and R.
   */
  public PlantedVlm(GridSpec grid, ObjectLibrary library, int hidden, int numLayers, double noise, double beta, long seed) {
    this.grid = grid;
    this.library = library;
    this.hidden = hidden;
    this.numLayers = numLayers;
    this.noise = noise;
    this.beta = beta;
    this.fingerprint = "planted-" + seed + "-" + hidden + "-" + numLayers + "-" + beta + "-" + grid.gridSize();
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

  private static double[] gaussian(Random r, int n) {
    double[] g = new double[n];
    for (int i = 0; i < n; i++) {
      g[i] = r.nextGaussian();
    }
    return g;
  }

  /** The fixed embedding of a word (a copy). */
  public double[] embedding(String word) {
    Random r = new Random(word.hashCode() * 31L + 7);
    return Vectors.scale(gaussian(r, hidden), 1 / Math.sqrt(hidden));
  }

  @Override
  public io.github.vlmlens.core.ModelInfo info() {
    io.github.vlmlens.core.ModelInfo i = io.github.vlmlens.core.ModelInfo.unknown(name());
    return fingerprint == null ? i : i.withFingerprint(fingerprint);
  }

  @Override
  public String name() {
    return "planted";
  }

  @Override
  public int numLayers() {
    return numLayers;
  }

  @Override
  public int hiddenSize() {
    return hidden;
  }

  @Override
  public List<HookPoint> hookPoints() {
    List<HookPoint> out = new ArrayList<>();
    for (int l = 0; l <= numLayers; l++) {
      out.add(HookPoint.lmResid(l));
    }
    return out;
  }

  @Override
  public PromptFormat promptFormat() {
    return PromptFormat.of("<image>\n{question}");
  }

  @Override
  public Tokenization tokenize(VlmInput input) {
    String prompt = input.prompt();
    List<Integer> ids = new ArrayList<>();
    List<String> texts = new ArrayList<>();
    List<int[]> ranges = new ArrayList<>();
    List<WordSpan> words = new ArrayList<>();
    ids.add(1);
    texts.add("<s>");
    Matcher m = TOKEN.matcher(prompt);
    int images = 0;
    while (m.find()) {
      String t = m.group();
      if (t.equals("<image>")) {
        int start = ids.size();
        for (int k = 0; k < IMAGE_TOKENS; k++) {
          ids.add(2);
          texts.add("<img>");
        }
        ranges.add(new int[] {start, ids.size()});
        images++;
      } else {
        if (Character.isLetterOrDigit(t.charAt(0))) {
          words.add(WordSpan.of(t, m.start(), m.end(), ids.size(), ids.size()));
        }
        ids.add(idOf(t));
        texts.add(t);
      }
    }
    if (images != input.images().size()) {
      throw new IllegalArgumentException("image count mismatch");
    }
    return Tokenization.of(prompt, ids.stream().mapToInt(Integer::intValue).toArray(), texts, ranges, words);
  }

  private static int idOf(String t) {
    int i = VOCAB.indexOf(t);
    return i >= 0 ? 100 + i : 200 + Math.floorMod(t.hashCode(), 1000);
  }

  @Override
  public int answerTokenId(String word) {
    int i = VOCAB.indexOf(word);
    if (i < 0) {
      throw new IllegalArgumentException("'" + word + "' is not one token of the fake vocabulary");
    }
    return 100 + i;
  }

  @Override
  public synchronized List<RunResult> runAll(List<RunRequest> requests) {
    batchSizes.add(requests.size());
    List<RunResult> out = new ArrayList<>();
    for (RunRequest r : requests) {
      out.add(runOne(r.input(), r.spec()));
    }
    return out;
  }

  /** The object words of a tokenization in prompt order, with their positions. */
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

  private RunResult runOne(VlmInput input, RunSpec spec) {
    Tokenization t = tokenize(input);
    int n = t.length();
    for (Intervention i : spec.interventions()) {
      if (!i.point().isLmResid() || i.point().layer() > numLayers) {
        throw new IllegalArgumentException("unknown hook point " + i.point() + "; valid: " + hookPoints());
      }
    }
    for (HookPoint p : spec.captures().keySet()) {
      if (!p.isLmResid() || p.layer() > numLayers) {
        throw new IllegalArgumentException("unknown hook point " + p + "; valid: " + hookPoints());
      }
    }
    float[][] h;
    int start;
    if (spec.resumeCache() != null) {
      start = spec.resumeLayer();
      Activations a = spec.resumeCache().get(HookPoint.lmResid(start));
      if (a.positions().length != n) {
        throw new IllegalArgumentException("resume cache must hold every position");
      }
      h = a.matrix();
      resumedRuns.incrementAndGet();
    } else {
      start = 0;
      h = new float[n][hidden];
      for (WordSpan w : t.words()) {
        h[w.lastToken()] = Vectors.toFloat(embedding(w.text()));
      }
      fullRuns.incrementAndGet();
    }
    List<WordSpan> objects = objectWords(t);
    List<Activations> captured = new ArrayList<>();
    atLayer(start, h, spec, captured);
    for (int l = start + 1; l <= numLayers; l++) {
      if (l == 1) {
        block1(input, t, objects, h);
      }
      atLayer(l, h, spec, captured);
    }
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
    double denom = 0;
    double[] all = new double[VOCAB.size() + 8];
    for (int k = 0; k < VOCAB.size(); k++) {
      all[k] = logits.getOrDefault(VOCAB.get(k).toLowerCase(java.util.Locale.ROOT), 0.0);
    }
    for (double a : all) {
      denom += Math.exp(a);
    }
    Map<String, Double> logProbs = new LinkedHashMap<>();
    for (String word : spec.answerWords()) {
      int id = answerTokenId(word) - 100;
      logProbs.put(word, all[id] - Math.log(denom));
    }
    return RunResult.of(t, logProbs, null, -1, null, ActivationCache.of(captured));
  }

  private void block1(VlmInput input, Tokenization t, List<WordSpan> objects, float[][] h) {
    if (input.images().isEmpty()) {
      return;
    }
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
  }

  private void atLayer(int layer, float[][] h, RunSpec spec, List<Activations> captured) {
    HookPoint p = HookPoint.lmResid(layer);
    for (Intervention i : spec.interventions()) {
      if (!i.point().equals(p)) {
        continue;
      }
      int[] targets = i.positions().resolve(h.length);
      switch (i.kind()) {
        case ADD: {
          float[] a = i.vectors()[0];
          if (a.length != hidden) {
            throw new IllegalArgumentException("vector of width " + a.length + " at " + p);
          }
          for (int q : targets) {
            for (int d = 0; d < hidden; d++) {
              h[q][d] += a[d];
            }
          }
          break;
        }
        case REPLACE: {
          float[][] vs = i.vectors();
          for (int k = 0; k < targets.length; k++) {
            h[targets[k]] = (vs.length == 1 ? vs[0] : vs[k]).clone();
          }
          break;
        }
        default:
          throw new UnsupportedOperationException(i.kind() + " is not supported by the fake");
      }
    }
    Positions want = spec.captures().get(p);
    if (want != null) {
      int[] pos = want.resolve(h.length);
      float[] data = new float[pos.length * hidden];
      for (int k = 0; k < pos.length; k++) {
        System.arraycopy(h[pos[k]], 0, data, k * hidden, hidden);
      }
      captured.add(Activations.of(p, pos, hidden, data));
    }
  }

  @Override
  public void close() {}
}
