package io.github.vlmlens.temporal.testing;

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
import io.github.vlmlens.temporal.video.SceneStyle;
import io.github.vlmlens.temporal.video.VideoObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An analytic fake video VLM with a planted linear time code. Hidden size {@value #HIDDEN}.
 *
 * <ul>
 *   <li>Tokens: BOS at 0; {@code <video>} becomes {@link #STRIPS} image tokens per frame, frame
 *       after frame (token {@code s} of a frame is its {@code s}-th vertical strip); every word one
 *       token; every other non-space character one token.
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
 * <p>It honours {@code resumeFrom}, {@code patch}, {@code add}, {@code replace} and
 * {@code zeroAblate} at {@code lm.L.resid_post}, captures there and {@code readWords}.
 */
public final class FakeVideoVlm implements HookedVlm {
  public static final int HIDDEN = 32;
  public static final int STRIPS = 4;
  public static final double[] TIME;
  public static final double[] COLUMN;
  static final List<String> VOCAB =
      List.of("before", "after", "Before", "After", "the", "Does", "appear", "or", "scene", "occur", "?", "'");
  private static final Pattern TOKEN = Pattern.compile("<video>|<image>|[A-Za-z0-9]+|\\S");

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

  private final int numLayers;
  private final double beta;
  private final double columnScale;
  private final boolean lowercaseOnly;
  private final boolean mergeFrames;
  private final Map<String, RgbImage> sceneRenders = new HashMap<>();
  public final AtomicInteger runs = new AtomicInteger();
  /** The weights fingerprint {@link #info()} reports, or {@code null} for the planted code's. */
  public String fingerprint;

  private FakeVideoVlm(int numLayers, double beta, double columnScale, boolean lowercaseOnly, boolean mergeFrames) {
    this.numLayers = numLayers;
    this.beta = beta;
    this.columnScale = columnScale;
    this.lowercaseOnly = lowercaseOnly;
    this.mergeFrames = mergeFrames;
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

  @Override
  public String name() {
    return "fake-video";
  }

  /** A weights fingerprint: {@link #fingerprint}, or one of the planted code (depth, gain, column scale). */
  @Override
  public io.github.vlmlens.core.ModelInfo info() {
    return io.github.vlmlens.core.ModelInfo.unknown(name()).withFingerprint(
        fingerprint != null ? fingerprint : "fake-video-" + numLayers + "-" + beta + "-" + columnScale);
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
    while (m.find()) {
      String t = m.group();
      if (t.equals("<video>") || t.equals("<image>")) {
        int frames = input.images().size();
        int start = ids.size();
        for (int f = 0; f < frames; f++) {
          int fs = ids.size();
          for (int s = 0; s < STRIPS; s++) {
            ids.add(3);
            texts.add("<img>");
          }
          if (!mergeFrames) {
            ranges.add(new int[] {fs, ids.size()});
          }
        }
        if (mergeFrames) {
          ranges.add(new int[] {start, ids.size()});
        }
      } else {
        int pos = ids.size();
        ids.add(idOf(t));
        texts.add(t);
        if (Character.isLetterOrDigit(t.charAt(0))) {
          words.add(WordSpan.of(t, m.start(), m.end(), pos, pos));
        }
      }
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
    if (i < 0 || i > 3 || (lowercaseOnly && Character.isUpperCase(word.charAt(0)))) {
      throw new IllegalArgumentException("'" + word + "' is not one token of the fake vocabulary");
    }
    return 100 + i;
  }

  @Override
  public synchronized List<RunResult> runAll(List<RunRequest> requests) {
    List<RunResult> out = new ArrayList<>();
    for (RunRequest r : requests) {
      runs.incrementAndGet();
      out.add(runOne(r.input(), r.spec()));
    }
    return out;
  }

  private RunResult runOne(VlmInput input, RunSpec spec) {
    Tokenization t = tokenize(input);
    int n = t.length();
    for (Intervention i : spec.interventions()) {
      check(i.point());
    }
    for (HookPoint p : spec.captures().keySet()) {
      check(p);
    }
    float[][] h;
    int start;
    if (spec.resumeCache() != null) {
      start = spec.resumeLayer();
      h = spec.resumeCache().get(HookPoint.lmResid(start)).matrix();
    } else {
      start = 0;
      h = embed(input, t);
    }
    List<Activations> captured = new ArrayList<>();
    atLayer(start, h, spec, captured);
    for (int l = start + 1; l <= numLayers; l++) {
      if (l == 1) {
        blockOne(h, t);
      }
      atLayer(l, h, spec, captured);
    }
    List<Integer> objects = objectWords(t);
    double z = 0;
    if (objects.size() >= 2) {
      for (int d = 0; d < HIDDEN; d++) {
        z += (h[objects.get(0)][d] - h[objects.get(1)][d]) * TIME[d];
      }
    }
    double[] logits = new double[VOCAB.size()];
    double denom = 0;
    for (int v = 0; v < VOCAB.size(); v++) {
      String w = VOCAB.get(v);
      logits[v] = w.equalsIgnoreCase("before") ? -beta * z : w.equalsIgnoreCase("after") ? beta * z : 0;
      denom += Math.exp(logits[v]);
    }
    Map<String, Double> logProbs = new LinkedHashMap<>();
    for (String w : spec.answerWords()) {
      logProbs.put(w, logits[answerTokenId(w) - 100] - Math.log(denom));
    }
    return RunResult.of(t, logProbs, null, -1, null, ActivationCache.of(captured));
  }

  private void check(HookPoint p) {
    if (!p.isLmResid() || p.layer() > numLayers) {
      throw new IllegalArgumentException("unknown hook point " + p + "; valid: " + hookPoints());
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
        case PATCH: {
          int[] sources = i.sourcePositions().isAll() ? targets : i.sourcePositions().resolve(Integer.MAX_VALUE);
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

  private void blockOne(float[][] h, Tokenization t) {
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
  }

  @Override
  public void close() {}
}
