package io.github.vlmlens.hooks.internal.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.github.vlmlens.core.ActivationCache;
import io.github.vlmlens.core.GenerateSpec;
import io.github.vlmlens.core.Generation;
import io.github.vlmlens.core.Activations;
import io.github.vlmlens.core.HookPoint;
import io.github.vlmlens.core.Intervention;
import io.github.vlmlens.core.Positions;
import io.github.vlmlens.core.RunRequest;
import io.github.vlmlens.core.RunResult;
import io.github.vlmlens.core.RunSpec;
import io.github.vlmlens.core.Tokenization;
import io.github.vlmlens.core.VlmInput;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs {@link RunRequest}s on any {@link Architecture}: validates every request before any
 * compute, batches requests (by resume layer, right-padded), drives a {@link BatchTap} through the
 * forward pass, stops early when nothing is read out, and turns captures and readouts into
 * {@link RunResult}s. Each batch runs in its own sub-manager of the model's manager, so native
 * memory stays flat over many runs. This is the only implementation of the {@link RunSpec}
 * contract; families differ only in their {@link Architecture}.
 */
public final class HookedRunner {
  private static final int RECENT_TOKENIZATIONS = 64;

  private final Architecture arch;
  private final java.util.ArrayDeque<Object[]> recentTokenizations = new java.util.ArrayDeque<>();
  private final int maxBatch;
  private final HookPointCatalog catalog;
  private final int numLayers;
  private final int hidden;
  private final int vocab;
  private final long padId;

  /** @param maxBatch the largest batch */
  public HookedRunner(Architecture arch, int maxBatch) {
    this.arch = arch;
    this.maxBatch = maxBatch;
    this.numLayers = arch.numLayers();
    this.catalog = arch.catalog();
    this.hidden = arch.hiddenSize();
    this.vocab = arch.vocabSize();
    this.padId = arch.padId();
  }

  /** The hook points, in model order. */
  public List<HookPoint> hookPoints() {
    return catalog.points();
  }

  /** The number of positions of a sample's activation at a hook point. */
  private int lengthAt(Sample s, HookPoint p) {
    return Sample.tokenRows(p) ? s.length : s.encoded.rows(Sample.rowSpace(p));
  }

  /** Whether decoder block {@code layer} is a cross-attention block (its keys are image states). */
  private boolean crossBlock(int layer) {
    return layer >= 1 && catalog.contains(HookPoint.lmCrossStates(layer));
  }

  /** A sample's keys at a cross-attention block's attention map (its image-state rows), or -1. */
  private int crossKeys(Sample s, HookPoint p) {
    return p.isAttentionMap() && p.component() == HookPoint.Component.LM && crossBlock(p.layer())
        ? s.encoded.rows(HookPoint.Component.PROJECTOR)
        : -1;
  }

  private int widthAt(HookPoint p) {
    return arch.width(p);
  }

  /** A sample's row width at a point: attention maps hold {@code heads * keys} per query. */
  private int widthAt(Sample s, HookPoint p) {
    if (!p.isAttentionMap()) {
      return arch.width(p);
    }
    if (p.component() == HookPoint.Component.VISION) {
      // Keys are the rows of one image; every image of a batched tower has as many.
      int perImage = s.images == 0 ? 0 : s.encoded.rows(HookPoint.Component.VISION) / s.images;
      return arch.heads(HookPoint.Component.VISION) * perImage;
    }
    int cross = crossKeys(s, p);
    return arch.heads(p.component()) * (cross >= 0 ? cross : s.length);
  }

  /**
   * Runs every request; results in request order.
   *
   * @throws IllegalArgumentException for an invalid request, before anything runs
   */
  public synchronized List<RunResult> runAll(List<RunRequest> requests) {
    List<Sample> samples = new ArrayList<>(requests.size());
    for (int i = 0; i < requests.size(); i++) {
      samples.add(prepare(i, requests.get(i)));
    }
    RunResult[] out = new RunResult[samples.size()];
    Map<Integer, List<Sample>> groups = new LinkedHashMap<>();
    for (Sample s : samples) {
      groups.computeIfAbsent(s.spec.resumeLayer(), k -> new ArrayList<>()).add(s);
    }
    for (List<Sample> g : groups.values()) {
      for (int from = 0; from < g.size(); from += maxBatch) {
        List<Sample> batch = g.subList(from, Math.min(g.size(), from + maxBatch));
        runBatch(batch, out);
      }
    }
    return List.of(out);
  }

  // ------------------------------------------------------------------------------- validation

  /**
   * Tokenizes an input, reusing the result for the same input object: experiments send one input
   * under many specs (a layer sweep sends it dozens of times), and inputs are immutable.
   */
  private Tokenization tokenizeCached(VlmInput input) {
    synchronized (recentTokenizations) {
      for (Object[] e : recentTokenizations) {
        if (e[0] == input) {
          return (Tokenization) e[1];
        }
      }
    }
    Tokenization tok = arch.tokenize(input);
    synchronized (recentTokenizations) {
      if (recentTokenizations.size() == RECENT_TOKENIZATIONS) {
        recentTokenizations.removeFirst();
      }
      recentTokenizations.addLast(new Object[] {input, tok});
    }
    return tok;
  }

  private Sample prepare(int index, RunRequest request) {
    return prepare(index, request, 0);
  }

  /** @param extraLength positions past the prompt that interventions may name (generation) */
  private Sample prepare(int index, RunRequest request, int extraLength) {
    VlmInput input = request.input();
    RunSpec spec = request.spec();
    Tokenization tok = tokenizeCached(input);
    String where = "request " + index + " (" + input + ")";
    Architecture.Encoded encoded;
    try {
      encoded = arch.encode(input, tok);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(where + ": " + e.getMessage(), e);
    }
    Sample s = new Sample(index, input, spec, tok, encoded, tok.length() + extraLength, 0);
    if (tok.imageCount() != s.images) {
      throw new IllegalArgumentException(
          where + ": the tokenization has " + tok.imageCount() + " image range(s) for "
              + s.images + " image(s)");
    }
    for (String w : spec.answerWords()) {
      int id;
      try {
        id = arch.answerTokenId(w);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(where + ": answer word '" + w + "': " + e.getMessage(), e);
      }
      s.answers.put(w, id);
    }
    if (s.resumed()) {
      int layer = spec.resumeLayer();
      HookPoint p = HookPoint.lmResid(layer);
      if (layer > numLayers) {
        throw new IllegalArgumentException(
            where + ": cannot resume from " + p + "; the model has " + numLayers + " blocks");
      }
      String from = spec.resumeCache().inputFingerprint().orElse(null);
      if (from != null && !from.equals(input.fingerprint())) {
        throw new IllegalArgumentException(
            where + ": resume from " + p + ": the cache was captured from another input (fingerprint "
                + from + ", this input's is " + input.fingerprint()
                + "); resume only from a run of the same images and prompt");
      }
      Activations a = spec.resumeCache().get(p);
      if (a.width() != hidden) {
        throw new IllegalArgumentException(
            where + ": resume from " + p + ": cached width " + a.width() + ", expected " + hidden);
      }
      for (int t = 0; t < s.length; t++) {
        if (!a.has(t)) {
          throw new IllegalArgumentException(
              where + ": resume from " + p + ": the cache lacks position " + t + " of the "
                  + s.length + " positions of this input (capture all positions to resume)");
        }
      }
    }
    List<Intervention> ivs = spec.interventions();
    for (int k = 0; k < ivs.size(); k++) {
      Intervention iv = ivs.get(k);
      HookPoint p = iv.point();
      String what = where + ", intervention " + k + " " + iv;
      catalog.check(p, what);
      int len = lengthAt(s, p);
      checkCrossMap(s, p, what);
      int width = widthAt(s, p);
      checkPositions(iv.positions(), p, len, what);
      checkAttentionIntervention(iv, p, len, crossKeys(s, p), what);
      switch (iv.kind()) {
        case ADD:
        case REPLACE:
          for (float[] v : iv.vectors()) {
            if (v.length != width) {
              throw new IllegalArgumentException(
                  what + ": vector width " + v.length + " at " + p + ", expected " + width);
            }
          }
          if (iv.kind() == Intervention.Kind.REPLACE
              && iv.positions().isAll()
              && iv.vectors().length != 1
              && iv.vectors().length != len) {
            throw new IllegalArgumentException(
                what + ": " + iv.vectors().length + " vectors for all " + len + " positions");
          }
          break;
        case PATCH:
          {
            Activations src = iv.source().get(p);
            if (src.width() != width) {
              throw new IllegalArgumentException(
                  what + ": the source cache's vectors at " + p + " have width " + src.width()
                      + ", expected " + width);
            }
            Positions sp = iv.sourcePositions();
            int[] srcPos = sp.isAll() ? Positions.all().resolve(len) : sp.resolve(Integer.MAX_VALUE);
            for (int q : srcPos) {
              if (!src.has(q)) {
                int[] held = src.positions();
                throw new IllegalArgumentException(
                    what + ": the source cache lacks position " + q + " at " + p + " (it holds "
                        + (held.length <= 12 ? Arrays.toString(held) : held.length + " positions")
                        + ")");
              }
            }
            break;
          }
        default:
          break;
      }
      s.addIntervention(iv);
    }
    for (Map.Entry<HookPoint, Positions> e : spec.captures().entrySet()) {
      HookPoint p = e.getKey();
      String what = where + ", capture at " + p;
      catalog.check(p, what);
      checkCrossMap(s, p, what);
      int len = lengthAt(s, p);
      checkPositions(e.getValue(), p, len, what);
      s.addCapture(p, e.getValue().resolve(len));
    }
    return s;
  }

  /** A cross-attention block's attention map has keys only in a run with images. */
  private void checkCrossMap(Sample s, HookPoint p, String what) {
    if (crossKeys(s, p) == 0) {
      throw new IllegalArgumentException(
          what + ": lm." + p.layer() + " is a cross-attention block, whose keys are image states, and this"
              + " input has no image");
    }
  }

  /**
   * Attention maps take only captures and knockouts (at {@code attn_scores}); knockouts and head
   * ablations name heads the model has, and a knockout in a self-attention block may not leave a
   * query without any key (in a cross-attention block, whose keys are image-state rows, such a
   * query attends to nothing).
   *
   * @param crossKeys the sample's keys when {@code p} is a cross-attention block's map, else -1
   */
  private void checkAttentionIntervention(Intervention iv, HookPoint p, int len, int crossKeys, String what) {
    Intervention.Kind k = iv.kind();
    boolean knockout = k == Intervention.Kind.KNOCKOUT;
    boolean headAblation = k == Intervention.Kind.HEAD_ZERO_ABLATE || k == Intervention.Kind.HEAD_MEAN_ABLATE;
    if (p.isAttentionMap() && !(knockout && p.site() == HookPoint.Site.ATTN_SCORES)) {
      throw new IllegalArgumentException(
          what + ": " + p + " can only be captured"
              + (p.site() == HookPoint.Site.ATTN_SCORES ? " or knocked out" : "")
              + "; change attention with Intervention.knockout, or its output at attn_z");
    }
    if (!knockout && !headAblation) {
      return;
    }
    int heads = arch.heads(p.component());
    for (int h : iv.heads()) {
      if (h >= heads) {
        throw new IllegalArgumentException(what + ": head " + h + " outside 0.." + (heads - 1) + " at " + p);
      }
    }
    if (knockout && crossKeys >= 0) {
      checkPositions(iv.keys(), p, crossKeys, what + " (keys: image-state rows)");
    } else if (knockout) {
      checkPositions(iv.keys(), p, len, what + " (keys)");
      if (iv.heads().length == 0 || iv.heads().length >= heads) {
        boolean[] blocked = new boolean[len];
        for (int key : iv.keys().resolve(len)) {
          blocked[key] = true;
        }
        for (int q : iv.positions().resolve(len)) {
          boolean any = false;
          for (int key = 0; key <= q && !any; key++) {
            any = !blocked[key];
          }
          if (!any) {
            throw new IllegalArgumentException(
                what + ": query position " + q + " would have no key left to attend to");
          }
        }
      }
    }
  }

  private static void checkPositions(Positions positions, HookPoint p, int len, String what) {
    if (positions.isAll()) {
      return;
    }
    for (int q : positions.resolve(Integer.MAX_VALUE)) {
      if (q >= len) {
        throw new IllegalArgumentException(
            what + ": position " + q + " is outside " + p + ", which has " + len
                + " positions in this run");
      }
    }
  }

  // ---------------------------------------------------------------------------------- running

  private void runBatch(List<Sample> batch, RunResult[] out) {
    int b = batch.size();
    int tMax = 0;
    int nImages = 0;
    boolean readout = false;
    boolean anyAll = false;
    boolean anyLast = false;
    boolean vision = false;
    int deepest = -1;
    long visionRows = 0;
    long projectorRows = 0;
    List<Architecture.Encoded> encoded = new ArrayList<>(b);
    for (int i = 0; i < b; i++) {
      Sample s = batch.get(i);
      s.batchRow = i;
      s.visionBase = visionRows;
      s.projectorBase = projectorRows;
      visionRows += s.encoded.rows(HookPoint.Component.VISION);
      projectorRows += s.encoded.rows(HookPoint.Component.PROJECTOR);
      nImages += s.images;
      encoded.add(s.encoded);
      tMax = Math.max(tMax, s.length);
      readout |= s.spec.hasReadouts();
      anyAll |= s.spec.logits() == RunSpec.LogitsMode.ALL;
      anyLast |= s.spec.logits() == RunSpec.LogitsMode.LAST;
      vision |= s.touchesVision;
      deepest = Math.max(deepest, s.deepestLm);
    }
    for (Sample s : batch) {
      s.lmBase = (long) s.batchRow * tMax;
    }
    Sample first = batch.get(0);
    boolean resumed = first.resumed();
    int start = resumed ? first.spec.resumeLayer() : 0;
    int stop = readout ? numLayers : deepest;
    if (resumed) {
      stop = Math.max(stop, start);
    }
    if (stop < 0 && (!vision || nImages == 0)) {
      // Nothing to compute: no readout, and captures only at vision points of image-less inputs.
      for (Sample s : batch) {
        out[s.index] = result(s, emptyCaptures(s), null, 0, null, 0, 0);
      }
      return;
    }
    try (NDManager run = arch.manager().newSubManager()) {
      DataType dt = arch.dataType();
      BatchTap tap = new BatchTap(batch, this::lengthAt, this::crossKeys, arch::width, arch::heads, run, dt);
      Architecture.Batch inputs = arch.batch(encoded, tMax, !resumed && nImages > 0, run);
      NDArray h = null;
      if (resumed) {
        float[] h0 = new float[b * tMax * hidden];
        HookPoint p = HookPoint.lmResid(start);
        for (Sample s : batch) {
          Activations a = s.spec.resumeCache().get(p);
          for (int t = 0; t < s.length; t++) {
            System.arraycopy(a.vector(t), 0, h0, (s.batchRow * tMax + t) * hidden, hidden);
          }
        }
        h = run.create(h0, new Shape(b, tMax, hidden)).toType(dt, false);
        h = tap.visit(p, h);
        h = arch.decode(h, start, stop, inputs, null, tap);
      } else if (stop < 0) {
        arch.encodeImages(inputs, tap);
      } else {
        h = arch.embed(inputs, tap);
        h = arch.decode(h, 0, stop, inputs, null, tap);
      }
      float[] logProbs = null;
      float[] lastLogits = null;
      float[] allLogits = null;
      if (readout) {
        long[] lastRows = new long[b];
        for (Sample s : batch) {
          lastRows[s.batchRow] = (long) s.batchRow * tMax + s.length - 1;
        }
        NDArray last;
        if (anyAll) {
          NDArray all = arch.logits(h).toType(DataType.FLOAT32, false);
          allLogits = all.toFloatArray();
          last = all.reshape(b * tMax, vocab).get(run.create(lastRows));
        } else {
          NDArray lastHidden =
              b == 1
                  ? h.get(new NDIndex(0).addSliceDim(lastRows[0], lastRows[0] + 1))
                  : h.reshape(b * tMax, hidden).get(run.create(lastRows));
          last = arch.logits(lastHidden).toType(DataType.FLOAT32, false);
        }
        logProbs = last.logSoftmax(-1).toFloatArray();
        if (anyLast) {
          lastLogits = last.toFloatArray();
        }
      }
      Map<Sample, List<Activations>> caps = tap.collect(batch, this::widthAt);
      for (Sample s : batch) {
        out[s.index] = result(s, caps.get(s), logProbs, s.batchRow, allLogits != null ? allLogits : lastLogits, tMax, anyAll ? 1 : 0);
      }
    }
  }

  private List<Activations> emptyCaptures(Sample s) {
    List<Activations> l = new ArrayList<>();
    for (Map.Entry<HookPoint, int[]> e : s.captures.entrySet()) {
      l.add(Activations.of(e.getKey(), new int[0], widthAt(s, e.getKey()), new float[0]));
    }
    return l;
  }

  // ------------------------------------------------------------------------------ generation

  /**
   * Continues one input's prompt token by token: a pass over the prompt, then one pass per new
   * token over its position only (the keys and values of earlier positions kept in a
   * {@link KvCache}), or over the whole sequence when the spec turns the cache off. The spec's
   * interventions apply in every pass at the positions it computes.
   *
   * @throws IllegalArgumentException for an invalid input, intervention or stop token
   */
  public synchronized Generation generate(VlmInput input, GenerateSpec gs) {
    RunSpec.Builder rb = RunSpec.builder();
    gs.interventions().forEach(rb::intervene);
    Sample proto = prepare(0, RunRequest.of(input, rb.build()), gs.maxNewTokens());
    java.util.Set<Integer> stops = new java.util.HashSet<>();
    if (gs.useDefaultStops()) {
      for (int id : arch.stopTokenIds()) {
        stops.add(id);
      }
    }
    for (String t : gs.stopTokens()) {
      try {
        stops.add(arch.answerTokenId(t));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("stop token '" + t + "': " + e.getMessage(), e);
      }
    }
    java.util.Random rng = new java.util.Random(gs.seed());
    int promptLen = proto.tokenization.length();
    List<Integer> ids = new ArrayList<>();
    List<float[]> kept = gs.keepLogits() ? new ArrayList<>() : null;
    Generation.StopReason reason;
    try (NDManager gen = arch.manager().newSubManager()) {
      KvCache cache = gs.useCache() ? new KvCache(gen, numLayers) : null;
      Architecture.Batch prompt;
      float[] last;
      try (NDManager pass = gen.newSubManager()) {
        Sample s = proto.forPass(proto.encoded, promptLen, 0);
        prompt = arch.batch(List.of(s.encoded), promptLen, s.images > 0, pass);
        last = pass(s, prompt, promptLen, cache, pass);
      }
      if (cache != null) {
        cache.advance(promptLen);
      }
      while (true) {
        int next = choose(last, gs, rng);
        ids.add(next);
        if (kept != null) {
          kept.add(last);
        }
        if (stops.contains(next)) {
          reason = Generation.StopReason.STOP_TOKEN;
          break;
        }
        if (ids.size() == gs.maxNewTokens()) {
          reason = Generation.StopReason.MAX_TOKENS;
          break;
        }
        int position = promptLen + ids.size() - 1;
        try (NDManager pass = gen.newSubManager()) {
          if (cache != null) {
            Sample s = proto.forPass(proto.encoded, position + 1, position);
            last = pass(s, arch.extend(prompt, next, position, pass), 1, cache, pass);
            cache.advance(1);
          } else {
            int[] appended = ids.stream().mapToInt(Integer::intValue).toArray();
            Architecture.Encoded e = arch.withTokens(proto.encoded, appended);
            Sample s = proto.forPass(e, position + 1, 0);
            last = pass(s, arch.batch(List.of(e), position + 1, s.images > 0, pass), position + 1, null, pass);
          }
        }
      }
    }
    int[] out = ids.stream().mapToInt(Integer::intValue).toArray();
    List<String> texts = new ArrayList<>(out.length);
    for (int id : out) {
      texts.add(arch.tokenText(id));
    }
    return Generation.of(
        proto.tokenization, out, texts, arch.decodeText(out), reason,
        kept == null ? null : kept.toArray(new float[0][]));
  }

  /** One pass of a one-sequence batch over {@code t} positions: the last position's logits. */
  private float[] pass(Sample s, Architecture.Batch batch, int t, KvCache cache, NDManager run) {
    BatchTap tap =
        new BatchTap(List.of(s), this::lengthAt, this::crossKeys, arch::width, arch::heads, run, arch.dataType());
    NDArray h = arch.embed(batch, tap);
    h = arch.decode(h, 0, numLayers, batch, cache, tap);
    NDArray lastHidden = h.get(new NDIndex(0).addSliceDim(t - 1, t));
    float[] logits = arch.logits(lastHidden).toType(DataType.FLOAT32, false).toFloatArray();
    checkFinite(logits, "the logits of generation step at position " + (s.length - 1));
    return logits;
  }

  private static void checkFinite(float[] v, String what) {
    for (float f : v) {
      if (!Float.isFinite(f)) {
        throw new IllegalStateException(what + " are not finite (NaN or infinity)");
      }
    }
  }

  /** Greedy: the first largest logit; sampling: seeded, with temperature, top-k and top-p. */
  static int choose(float[] logits, GenerateSpec gs, java.util.Random rng) {
    int best = 0;
    for (int v = 1; v < logits.length; v++) {
      if (logits[v] > logits[best]) {
        best = v;
      }
    }
    if (!gs.sampling()) {
      return best;
    }
    Integer[] order = new Integer[logits.length];
    for (int v = 0; v < order.length; v++) {
      order[v] = v;
    }
    java.util.Arrays.sort(order, (a, b) -> Float.compare(logits[b], logits[a]));
    int k = gs.topK() > 0 ? Math.min(gs.topK(), order.length) : order.length;
    double[] p = new double[k];
    double max = logits[order[0]] / gs.temperature();
    double z = 0;
    for (int i = 0; i < k; i++) {
      p[i] = Math.exp(logits[order[i]] / gs.temperature() - max);
      z += p[i];
    }
    int keep = k;
    double cum = 0;
    for (int i = 0; i < k; i++) {
      cum += p[i] / z;
      if (cum >= gs.topP()) {
        keep = i + 1;
        break;
      }
    }
    double zk = 0;
    for (int i = 0; i < keep; i++) {
      zk += p[i];
    }
    double u = rng.nextDouble() * zk;
    for (int i = 0; i < keep; i++) {
      u -= p[i];
      if (u <= 0) {
        return order[i];
      }
    }
    return order[keep - 1];
  }

  /**
   * The logit lens: residual-stream vectors through the final norm and the unembedding.
   *
   * @throws IllegalArgumentException when a vector's width is not the hidden size
   */
  public synchronized float[][] unembed(float[][] residuals) {
    float[] flat = new float[residuals.length * hidden];
    for (int i = 0; i < residuals.length; i++) {
      if (residuals[i].length != hidden) {
        throw new IllegalArgumentException(
            "residual " + i + " has width " + residuals[i].length + "; the hidden size is " + hidden);
      }
      System.arraycopy(residuals[i], 0, flat, i * hidden, hidden);
    }
    float[][] out = new float[residuals.length][];
    if (residuals.length == 0) {
      return out;
    }
    try (NDManager run = arch.manager().newSubManager()) {
      NDArray h = run.create(flat, new Shape(residuals.length, hidden)).toType(arch.dataType(), false);
      float[] all = arch.logits(h).toType(DataType.FLOAT32, false).toFloatArray();
      for (int i = 0; i < out.length; i++) {
        out[i] = Arrays.copyOfRange(all, i * vocab, (i + 1) * vocab);
      }
    }
    return out;
  }

  /** The text of a token id. */
  public String tokenText(int id) {
    return arch.tokenText(id);
  }

  /**
   * @param logits the last-position logits {@code [B, V]} (when {@code allMode == 0}) or every
   *     position's {@code [B, tMax, V]} (when 1), or null
   */
  private RunResult result(
      Sample s, List<Activations> caps, float[] logProbs, int row, float[] logits, int tMax, int allMode) {
    Map<String, Double> lp = new LinkedHashMap<>();
    int top = -1;
    String topText = null;
    float[][] outLogits = null;
    if (logProbs != null && s.spec.hasReadouts()) {
      int off = row * vocab;
      for (Map.Entry<String, Integer> e : s.answers.entrySet()) {
        lp.put(e.getKey(), (double) logProbs[off + e.getValue()]);
      }
      top = 0;
      for (int v = 1; v < vocab; v++) {
        if (logProbs[off + v] > logProbs[off + top]) {
          top = v;
        }
      }
      topText = arch.tokenText(top);
      RunSpec.LogitsMode mode = s.spec.logits();
      if (mode == RunSpec.LogitsMode.LAST) {
        int base = allMode == 1 ? (row * tMax + s.length - 1) * vocab : off;
        outLogits = new float[][] {Arrays.copyOfRange(logits, base, base + vocab)};
      } else if (mode == RunSpec.LogitsMode.ALL) {
        outLogits = new float[s.length][];
        for (int t = 0; t < s.length; t++) {
          int base = (row * tMax + t) * vocab;
          outLogits[t] = Arrays.copyOfRange(logits, base, base + vocab);
        }
      }
    }
    return RunResult.of(
        s.tokenization, lp, outLogits, top, topText, ActivationCache.of(caps).fromInput(s.input.fingerprint()));
  }
}
