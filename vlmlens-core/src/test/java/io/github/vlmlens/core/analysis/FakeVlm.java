package io.github.vlmlens.core.analysis;

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
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An analytic fake VLM whose belief shifts are known exactly. Hidden size 4.
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
 * <p>It honours {@code resumeFrom} (starts after the cached layer), {@code patch}/{@code add}/
 * {@code replace}/{@code zeroAblate} at {@code lm.L.resid_post} (applied after the layer's state is
 * formed, before captures), captures and {@code readWords}. It counts full runs, resumed runs and
 * decoder blocks computed; {@code work} adds a busy loop per block and position (and
 * {@code visionWork} per full run) to emulate compute for cost measurements.
 */
final class FakeVlm implements HookedVlm {
  static final int IMAGE_TOKENS = 4;
  static final int HIDDEN = 4;
  static final List<String> VOCAB =
      List.of(
          "left", "right", "red", "blue", "Left", "Right", "yes", "no", "the", "a", "is", "of", "or",
          "to", "dog", "cat");
  static final Set<String> NOUNS =
      Set.of("dog", "cat", "ball", "cube", "elephant", "giraffe", "light", "backpack");
  private static final Pattern TOKEN = Pattern.compile("<image>|[A-Za-z0-9]+|\\S");

  final int numLayers;
  final double[] readWeights;
  final double beta;
  final int work;
  final int visionWork;
  final AtomicLong fullRuns = new AtomicLong();
  final AtomicLong resumedRuns = new AtomicLong();
  final AtomicLong blocks = new AtomicLong();
  final List<Integer> batchSizes = new ArrayList<>();
  private double sink;
  /** The weights fingerprint {@link #info()} reports, or {@code null} for unknown. */
  String fingerprint;

  FakeVlm(int numLayers, double[] readWeights, double beta, int work, int visionWork) {
    this.numLayers = numLayers;
    this.readWeights = readWeights.clone();
    this.beta = beta;
    this.work = work;
    this.visionWork = visionWork;
    if (readWeights.length != numLayers + 1) {
      throw new IllegalArgumentException("one read weight per layer 0..N");
    }
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

  @Override
  public io.github.vlmlens.core.ModelInfo info() {
    io.github.vlmlens.core.ModelInfo i = io.github.vlmlens.core.ModelInfo.unknown(name());
    return fingerprint == null ? i : i.withFingerprint(fingerprint);
  }

  @Override
  public String name() {
    return "fake";
  }

  @Override
  public int numLayers() {
    return numLayers;
  }

  @Override
  public int hiddenSize() {
    return HIDDEN;
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
    return PromptFormat.of("USER: <image>\n{question} ASSISTANT:");
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
      } else if (Character.isLetterOrDigit(t.charAt(0))) {
        int first = ids.size();
        if (t.length() > 6) {
          ids.add(idOf(t.substring(0, 4)));
          texts.add(t.substring(0, 4));
          ids.add(idOf(t.substring(4)));
          texts.add(t.substring(4));
        } else {
          ids.add(idOf(t));
          texts.add(t);
        }
        words.add(WordSpan.of(t, m.start(), m.end(), first, ids.size() - 1));
      } else {
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
    return i >= 0 ? 100 + i : 200 + Math.floorMod(t.hashCode(), 50);
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

  private RunResult runOne(VlmInput input, RunSpec spec) {
    Tokenization t = tokenize(input);
    int n = t.length();
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
      h = embed(input, t);
      fullRuns.incrementAndGet();
    }
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
    List<Activations> captured = new ArrayList<>();
    atLayer(start, h, t, spec, captured);
    Set<Integer> objects = objectTokens(t);
    for (int l = start + 1; l <= numLayers; l++) {
      block(l, h, t, objects);
      atLayer(l, h, t, spec, captured);
    }
    Map<String, Double> logProbs = new LinkedHashMap<>();
    double z = h[n - 1][2];
    double denom = 0;
    double[] logits = new double[VOCAB.size()];
    for (int v = 0; v < VOCAB.size(); v++) {
      String w = VOCAB.get(v);
      logits[v] = w.equals("left") || w.equals("red") ? beta * z
          : w.equals("right") || w.equals("blue") ? -beta * z : 0;
      denom += Math.exp(logits[v]);
    }
    for (String w : spec.answerWords()) {
      int id = answerTokenId(w) - 100;
      logProbs.put(w, logits[id] - Math.log(denom));
    }
    return RunResult.of(t, logProbs, null, -1, null, ActivationCache.of(captured));
  }

  private void atLayer(int layer, float[][] h, Tokenization t, RunSpec spec, List<Activations> captured) {
    HookPoint p = HookPoint.lmResid(layer);
    for (Intervention i : spec.interventions()) {
      if (!i.point().equals(p)) {
        continue;
      }
      int[] targets = i.positions().resolve(h.length);
      switch (i.kind()) {
        case PATCH: {
          int[] sources = i.sourcePositions().isAll()
              ? targets
              : i.sourcePositions().resolve(Integer.MAX_VALUE);
          for (int k = 0; k < targets.length; k++) {
            h[targets[k]] = i.source().vector(p, sources[k]);
          }
          break;
        }
        case ADD: {
          float[] v = i.vectors()[0];
          for (int q : targets) {
            for (int d = 0; d < HIDDEN; d++) {
              h[q][d] += v[d];
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
        case ZERO_ABLATE:
          for (int q : targets) {
            h[q] = new float[HIDDEN];
          }
          break;
        default:
          throw new UnsupportedOperationException(i.kind() + " is not supported by the fake");
      }
    }
    Positions want = spec.captures().get(p);
    if (want != null) {
      int[] pos = want.resolve(h.length);
      float[] data = new float[pos.length * HIDDEN];
      for (int k = 0; k < pos.length; k++) {
        System.arraycopy(h[pos[k]], 0, data, k * HIDDEN, HIDDEN);
      }
      captured.add(Activations.of(p, pos, HIDDEN, data));
    }
  }

  private float[][] embed(VlmInput input, Tokenization t) {
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

  private Set<Integer> objectTokens(Tokenization t) {
    Set<Integer> out = new HashSet<>();
    for (WordSpan w : t.words()) {
      if (NOUNS.contains(w.text())) {
        out.add(w.lastToken());
      }
    }
    return out;
  }

  private void block(int layer, float[][] h, Tokenization t, Set<Integer> objects) {
    blocks.incrementAndGet();
    burn(work * h.length);
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
  }

  private void burn(int iterations) {
    double acc = sink;
    for (int i = 0; i < iterations; i++) {
      acc = acc * 0.999999 + 1e-9 * i;
    }
    sink = acc;
  }

  @Override
  public void close() {}
}
