package io.github.vlmlens.core.testing;

import io.github.vlmlens.core.ActivationCache;
import io.github.vlmlens.core.Activations;
import io.github.vlmlens.core.HookPoint;
import io.github.vlmlens.core.HookedVlm;
import io.github.vlmlens.core.Intervention;
import io.github.vlmlens.core.ModelInfo;
import io.github.vlmlens.core.Positions;
import io.github.vlmlens.core.PromptFormat;
import io.github.vlmlens.core.RunRequest;
import io.github.vlmlens.core.RunResult;
import io.github.vlmlens.core.RunSpec;
import io.github.vlmlens.core.Tokenization;
import io.github.vlmlens.core.VlmInput;
import io.github.vlmlens.core.WordSpan;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An in-memory reference {@link HookedVlm}: the tokenizer, run loop, interventions, captures and
 * answer-word log-probabilities written once, with the model itself (the embedding {@code lm.0},
 * each block {@code lm.L}, the readout) plugged in as three functions.
 *
 * <ul>
 *   <li>Tokens: BOS (id 1, {@code <s>}) at 0; placeholders become image tokens ({@link Images});
 *       a word (letters and digits) is one token, or two (its first {@link Vocabulary#splitAt}
 *       characters, then the rest) when longer than {@link Vocabulary#splitLongerThan}; every other
 *       non-space character is one token. A vocabulary word's id is {@code 100 + index}, any other
 *       token's {@code 200 + floorMod(hashCode, unknownBuckets)}.
 *   <li>A run: {@code lm.0} is the embedding (or the resume cache's layer), then block {@code L}
 *       forms {@code lm.L} for {@code L = start+1 .. N}. At each layer the interventions at
 *       {@code lm.L.resid_post} are applied in order ({@code patch}, {@code add}, {@code replace},
 *       {@code zeroAblate}), then the captures are taken. The readout's logits (one per vocabulary
 *       id) give the log-probability of each requested answer word.
 *   <li>Anything else (another hook point, another intervention kind, a vector of the wrong
 *       width, a resume cache without every position) is an {@link IllegalArgumentException} naming
 *       it, before anything runs.
 * </ul>
 *
 * <p>It counts requests ({@link #runs}), full and resumed runs, blocks computed and the size of
 * each {@link #runAll} batch. Subclasses are thin configurations with the fixtures' own helpers.
 */
public class ReferenceVlm implements HookedVlm {
  private static final Set<Intervention.Kind> SUPPORTED =
      EnumSet.of(Intervention.Kind.PATCH, Intervention.Kind.ADD, Intervention.Kind.REPLACE, Intervention.Kind.ZERO_ABLATE);

  /**
   * The vocabulary: {@code words} have ids {@code 100 + index}; the readout gives {@code size >=
   * words.size()} logits (ids past the words are unnamed); {@code answers} are the words
   * {@link #answerTokenId} accepts; unknown tokens fall in {@code unknownBuckets} ids from 200.
   */
  public record Vocabulary(
      List<String> words, int size, List<String> answers, int unknownBuckets, int splitLongerThan, int splitAt) {
    public Vocabulary {
      words = List.copyOf(words);
      answers = List.copyOf(answers);
      if (size < words.size() || !words.containsAll(answers) || unknownBuckets < 1 || splitAt < 1) {
        throw new IllegalArgumentException("inconsistent vocabulary: " + words + " size " + size + " answers " + answers);
      }
    }

    /** Every word an answer, {@code size} logits, words never split. */
    public static Vocabulary of(List<String> words, int size, int unknownBuckets) {
      return new Vocabulary(words, size, words, unknownBuckets, Integer.MAX_VALUE, 1);
    }

    int idOf(String token) {
      int i = words.indexOf(token);
      return i >= 0 ? 100 + i : 200 + Math.floorMod(token.hashCode(), unknownBuckets);
    }
  }

  /** How image placeholders expand. */
  public enum Frames {
    /** Each {@code <image>} takes the next input image; their count must match. */
    ONE_IMAGE_PER_PLACEHOLDER,
    /** Each {@code <video>} or {@code <image>} becomes every input image as a frame, one image range per frame. */
    ALL_FRAMES,
    /** As {@link #ALL_FRAMES} but with one image range over all frames (a broken backend). */
    ALL_FRAMES_ONE_RANGE
  }

  /** {@code tokensPerImage} tokens of id {@code tokenId} ({@code <img>}) per image or frame. */
  public record Images(int tokensPerImage, int tokenId, Frames frames) {
    public Images {
      if (tokensPerImage < 1) {
        throw new IllegalArgumentException("tokensPerImage must be >= 1: " + tokensPerImage);
      }
    }
  }

  /** The model's shape and surface. */
  public record Spec(
      String name, int numLayers, int hiddenSize, String promptFormat, Vocabulary vocabulary, Images images) {
    public Spec {
      if (numLayers < 1 || hiddenSize < 1) {
        throw new IllegalArgumentException(name + ": numLayers and hiddenSize must be >= 1");
      }
    }
  }

  /** {@code lm.0}: one row of width {@code hiddenSize} per token. */
  @FunctionalInterface
  public interface Embedding {
    float[][] embed(VlmInput input, Tokenization tokens);
  }

  /** Block {@code layer} (1..N): the states after it (it may update {@code states} and return them). */
  @FunctionalInterface
  public interface Block {
    float[][] apply(int layer, float[][] states, Tokenization tokens, VlmInput input);
  }

  /** Logits over the vocabulary's {@link Vocabulary#size} ids from the states after block N. */
  @FunctionalInterface
  public interface Readout {
    double[] logits(float[][] states, Tokenization tokens, VlmInput input);
  }

  private static final Pattern IMAGE_TOKEN = Pattern.compile("<image>|[A-Za-z0-9]+|\\S");
  private static final Pattern VIDEO_TOKEN = Pattern.compile("<video>|<image>|[A-Za-z0-9]+|\\S");

  private final Spec spec;
  private final Embedding embedding;
  private final Block block;
  private final Readout readout;
  /** Requests run. */
  public final AtomicInteger runs = new AtomicInteger();
  /** Runs from the embedding. */
  public final AtomicLong fullRuns = new AtomicLong();
  /** Runs from a resume cache. */
  public final AtomicLong resumedRuns = new AtomicLong();
  /** Blocks computed. */
  public final AtomicLong blocks = new AtomicLong();
  /** The size of each {@link #runAll} call. */
  public final List<Integer> batchSizes = new ArrayList<>();
  /** The weights fingerprint {@link #info()} reports, or {@code null} for unknown. */
  public String fingerprint;

  public ReferenceVlm(Spec spec, Embedding embedding, Block block, Readout readout, String fingerprint) {
    this.spec = spec;
    this.embedding = embedding;
    this.block = block;
    this.readout = readout;
    this.fingerprint = fingerprint;
  }

  @Override
  public ModelInfo info() {
    ModelInfo i = ModelInfo.unknown(name());
    return fingerprint == null ? i : i.withFingerprint(fingerprint);
  }

  @Override
  public String name() {
    return spec.name();
  }

  @Override
  public int numLayers() {
    return spec.numLayers();
  }

  @Override
  public int hiddenSize() {
    return spec.hiddenSize();
  }

  @Override
  public List<HookPoint> hookPoints() {
    List<HookPoint> out = new ArrayList<>();
    for (int l = 0; l <= spec.numLayers(); l++) {
      out.add(HookPoint.lmResid(l));
    }
    return out;
  }

  @Override
  public PromptFormat promptFormat() {
    return PromptFormat.of(spec.promptFormat());
  }

  @Override
  public Tokenization tokenize(VlmInput input) {
    String prompt = input.prompt();
    Vocabulary vocab = spec.vocabulary();
    Images img = spec.images();
    List<Integer> ids = new ArrayList<>();
    List<String> texts = new ArrayList<>();
    List<int[]> ranges = new ArrayList<>();
    List<WordSpan> words = new ArrayList<>();
    ids.add(1);
    texts.add("<s>");
    boolean video = img.frames() != Frames.ONE_IMAGE_PER_PLACEHOLDER;
    Matcher m = (video ? VIDEO_TOKEN : IMAGE_TOKEN).matcher(prompt);
    int images = 0;
    while (m.find()) {
      String t = m.group();
      if (t.equals("<image>") || video && t.equals("<video>")) {
        int start = ids.size();
        int count = video ? input.images().size() : 1;
        for (int f = 0; f < count; f++) {
          int fs = ids.size();
          for (int k = 0; k < img.tokensPerImage(); k++) {
            ids.add(img.tokenId());
            texts.add("<img>");
          }
          if (img.frames() != Frames.ALL_FRAMES_ONE_RANGE) {
            ranges.add(new int[] {fs, ids.size()});
          }
        }
        if (img.frames() == Frames.ALL_FRAMES_ONE_RANGE) {
          ranges.add(new int[] {start, ids.size()});
        }
        images++;
      } else if (Character.isLetterOrDigit(t.charAt(0))) {
        int first = ids.size();
        if (t.length() > vocab.splitLongerThan()) {
          for (String piece : List.of(t.substring(0, vocab.splitAt()), t.substring(vocab.splitAt()))) {
            ids.add(vocab.idOf(piece));
            texts.add(piece);
          }
        } else {
          ids.add(vocab.idOf(t));
          texts.add(t);
        }
        words.add(WordSpan.of(t, m.start(), m.end(), first, ids.size() - 1));
      } else {
        ids.add(vocab.idOf(t));
        texts.add(t);
      }
    }
    if (!video && images != input.images().size()) {
      throw new IllegalArgumentException(
          "image count mismatch: " + images + " <image> placeholders for " + input.images().size() + " images");
    }
    return Tokenization.of(prompt, ids.stream().mapToInt(Integer::intValue).toArray(), texts, ranges, words);
  }

  @Override
  public int answerTokenId(String word) {
    Vocabulary vocab = spec.vocabulary();
    if (!vocab.answers().contains(word)) {
      throw new IllegalArgumentException("'" + word + "' is not one token of the " + name() + " vocabulary");
    }
    return 100 + vocab.words().indexOf(word);
  }

  @Override
  public synchronized List<RunResult> runAll(List<RunRequest> requests) {
    batchSizes.add(requests.size());
    List<RunResult> out = new ArrayList<>();
    for (RunRequest r : requests) {
      runs.incrementAndGet();
      out.add(runOne(r.input(), r.spec()));
    }
    return out;
  }

  private RunResult runOne(VlmInput input, RunSpec run) {
    Tokenization t = tokenize(input);
    int n = t.length();
    for (Intervention i : run.interventions()) {
      check(i.point());
      if (!SUPPORTED.contains(i.kind())) {
        throw new IllegalArgumentException(
            "intervention " + i + " is not supported by " + name() + "; supported: " + SUPPORTED);
      }
      for (float[] v : i.vectors()) {
        if (v.length != spec.hiddenSize()) {
          throw new IllegalArgumentException("vector of width " + v.length + " at " + i.point()
              + "; " + name() + " has hidden size " + spec.hiddenSize());
        }
      }
    }
    for (HookPoint p : run.captures().keySet()) {
      check(p);
    }
    float[][] h;
    int start;
    if (run.resumeCache() != null) {
      start = run.resumeLayer();
      check(HookPoint.lmResid(start));
      Activations a = run.resumeCache().get(HookPoint.lmResid(start));
      if (a.positions().length != n) {
        throw new IllegalArgumentException("resume cache at " + a.point() + " holds " + a.positions().length
            + " positions; " + name() + " needs every one of the " + n + " positions");
      }
      h = a.matrix();
      resumedRuns.incrementAndGet();
    } else {
      start = 0;
      h = checked(embedding.embed(input, t), n, "the embedding");
      fullRuns.incrementAndGet();
    }
    List<Activations> captured = new ArrayList<>();
    atLayer(start, h, run, captured);
    for (int l = start + 1; l <= spec.numLayers(); l++) {
      blocks.incrementAndGet();
      h = checked(block.apply(l, h, t, input), n, "block " + l);
      atLayer(l, h, run, captured);
    }
    double[] logits = readout.logits(h, t, input);
    if (logits.length != spec.vocabulary().size()) {
      throw new IllegalStateException(name() + ": the readout gave " + logits.length + " logits for a vocabulary of "
          + spec.vocabulary().size());
    }
    double denom = 0;
    for (double z : logits) {
      denom += Math.exp(z);
    }
    Map<String, Double> logProbs = new LinkedHashMap<>();
    for (String w : run.answerWords()) {
      logProbs.put(w, logits[answerTokenId(w) - 100] - Math.log(denom));
    }
    return RunResult.of(t, logProbs, null, -1, null, ActivationCache.of(captured));
  }

  private float[][] checked(float[][] h, int n, String what) {
    if (h.length != n || (n > 0 && h[0].length != spec.hiddenSize())) {
      throw new IllegalStateException(name() + ": " + what + " gave " + h.length + " rows of width "
          + (n > 0 ? h[0].length : 0) + " for " + n + " tokens of width " + spec.hiddenSize());
    }
    return h;
  }

  private void check(HookPoint p) {
    if (!p.isLmResid() || p.layer() > spec.numLayers()) {
      throw new IllegalArgumentException("unknown hook point " + p + "; valid: " + hookPoints());
    }
  }

  private void atLayer(int layer, float[][] h, RunSpec run, List<Activations> captured) {
    HookPoint p = HookPoint.lmResid(layer);
    int hidden = spec.hiddenSize();
    for (Intervention i : run.interventions()) {
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
            for (int d = 0; d < hidden; d++) {
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
            h[q] = new float[hidden];
          }
          break;
        default:
          throw new IllegalArgumentException("intervention " + i + " is not supported by " + name());
      }
    }
    Positions want = run.captures().get(p);
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
