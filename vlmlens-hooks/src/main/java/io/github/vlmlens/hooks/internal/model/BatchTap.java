package io.github.vlmlens.hooks.internal.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.github.vlmlens.core.ActivationView;
import io.github.vlmlens.core.Activations;
import io.github.vlmlens.core.HookPoint;
import io.github.vlmlens.core.Intervention;
import io.github.vlmlens.core.Tokenization;
import io.github.vlmlens.hooks.ForwardTap;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The tap of one batch: applies each sample's interventions at their hook points (in spec order,
 * on the sample's own rows) and collects the captured rows. Points no sample asked for cost one map
 * lookup and return the activation untouched.
 *
 * <p>Rows: an activation {@code [units, rows, width]} is seen as {@code units * rows} rows; a
 * sample's positions start at its {@link Sample#base} row of the component (see
 * {@link Architecture}).
 *
 * <p>Interventions are applied in rounds: round {@code r} applies every sample's {@code r}-th
 * intervention at the point in a single out-of-place scatter (the samples' rows are disjoint).
 *
 * <p>Captures make no native call at the visit while the activations they read are small: the tap
 * keeps a reference to the activation, and {@link #collect} copies each group of same-shaped kept
 * activations to the host in one stack and one transfer (or one gather, when the captured rows
 * are a small part of large activations). Once the kept activations would exceed
 * {@link #PIN_BUDGET_BYTES}, a capture copies its rows at the visit instead, so a large model
 * never pins many whole activations.
 */
final class BatchTap implements ForwardTap {
  /** The most bytes of whole activations kept alive for deferred captures in one batch. */
  static final long PIN_BUDGET_BYTES = 64L << 20;

  private final Map<HookPoint, List<Work>> work = new HashMap<>();
  private final Widths widths;
  private final Heads heads;
  private final NDManager keep;
  private final DataType dataType;
  private final Map<Sample, List<Activations>> captured = new HashMap<>();
  private final List<Deferred> deferred = new ArrayList<>();
  private long pinnedBytes;

  /** The width of one row of activations at a hook point (not an attention map). */
  interface Widths {
    int width(HookPoint point);
  }

  /** The attention heads of a component's blocks. */
  interface Heads {
    int heads(HookPoint.Component component);
  }

  /** The length of a sample's activation at a hook point. */
  interface LengthFunction {
    int length(Sample s, HookPoint p);
  }

  /** One sample's business at one hook point. */
  private static final class Work {
    final Sample sample;
    final List<Intervention> interventions;
    final int[] capture;
    final int length;
    /** For a cross-attention map: the sample's keys (image-state rows); else -1. */
    final int keys;

    Work(Sample sample, List<Intervention> interventions, int[] capture, int length, int keys) {
      this.sample = sample;
      this.interventions = interventions;
      this.capture = capture;
      this.length = length;
      this.keys = keys;
    }
  }

  /** A capture whose rows are read at {@link #collect}. */
  private static final class Deferred {
    final HookPoint point;
    final NDArray activation;
    final Work work;
    final long base;

    Deferred(HookPoint point, NDArray activation, Work work, long base) {
      this.point = point;
      this.activation = activation;
      this.work = work;
      this.base = base;
    }
  }

  /** A position-row update computed for one sample. */
  private static final class Update {
    final long[] rows;
    final NDArray values;

    Update(long[] rows, NDArray values) {
      this.rows = rows;
      this.values = values;
    }
  }

  /**
   * @param lengthAt the length of a sample's activation at a point
   * @param crossKeys a sample's keys at a cross-attention block's attention map (its image-state
   *     rows), or -1 at other points
   * @param widths the activation widths
   * @param keep the batch's manager, which keeps deferred activations alive until {@link #collect}
   */
  BatchTap(
      List<Sample> batch, LengthFunction lengthAt, LengthFunction crossKeys, Widths widths, Heads heads,
      NDManager keep, DataType dataType) {
    this.widths = widths;
    this.heads = heads;
    this.keep = keep;
    this.dataType = dataType;
    for (Sample s : batch) {
      captured.put(s, new ArrayList<>());
      for (Map.Entry<HookPoint, List<Intervention>> e : s.interventions.entrySet()) {
        HookPoint p = e.getKey();
        work.computeIfAbsent(p, k -> new ArrayList<>())
            .add(new Work(s, e.getValue(), s.captures.get(p), lengthAt.length(s, p), crossKeys.length(s, p)));
      }
      for (Map.Entry<HookPoint, int[]> e : s.captures.entrySet()) {
        HookPoint p = e.getKey();
        if (!s.interventions.containsKey(p)) {
          work.computeIfAbsent(p, k -> new ArrayList<>())
              .add(new Work(s, List.of(), e.getValue(), lengthAt.length(s, p), crossKeys.length(s, p)));
        }
      }
    }
  }

  @Override
  public NDArray visit(HookPoint point, NDArray activation) {
    List<Work> ws = work.get(point);
    if (ws == null) {
      return activation;
    }
    return point.isAttentionMap() ? applyMap(point, activation, ws) : apply(point, activation, ws);
  }

  /**
   * Attention scores or probabilities {@code [B, heads, T, S]}: knockouts set the scores of the
   * blocked (head, query, key) entries to the lowest float (as the causal mask does), captures copy
   * each asked query row's {@code [heads, keys]} (the sample's own keys only) to the host.
   */
  private NDArray applyMap(HookPoint point, NDArray act, List<Work> ws) {
    if (point.component() == HookPoint.Component.VISION) {
      captureVisionMap(point, act, ws);
      return act;
    }
    Shape sh = act.getShape();
    int b = (int) sh.get(0);
    int heads = (int) sh.get(1);
    int t = (int) sh.get(2);
    int keysLen = (int) sh.get(3);
    NDManager m = act.getManager();
    NDArray blocked = null;
    for (Work w : ws) {
      int row = w.sample.batchRow;
      for (Intervention iv : w.interventions) {
        float[] qm = new float[b * t];
        float[] km = new float[b * keysLen];
        float[] hm = new float[b * heads];
        boolean any = false;
        for (int q : iv.positions().resolve(w.sample.resolveLength)) {
          int r = q - w.sample.windowStart;
          if (r >= 0 && r < t) {
            qm[row * t + r] = 1;
            any = true;
          }
        }
        if (!any) {
          continue;
        }
        for (int k : iv.keys().resolve(w.keys >= 0 ? w.keys : w.sample.resolveLength)) {
          if (k < keysLen) {
            km[row * keysLen + k] = 1;
          }
        }
        int[] hs = iv.heads();
        if (hs.length == 0) {
          Arrays.fill(hm, row * heads, (row + 1) * heads, 1f);
        } else {
          for (int h : hs) {
            hm[row * heads + h] = 1;
          }
        }
        NDArray one =
            m.create(qm, new Shape(b, 1, t, 1))
                .mul(m.create(km, new Shape(b, 1, 1, keysLen)))
                .mul(m.create(hm, new Shape(b, heads, 1, 1)));
        blocked = blocked == null ? one : blocked.add(one);
      }
    }
    NDArray out = act;
    if (blocked != null) {
      // Blocked entries become the lowest float, as the causal mask makes them; others stay exact.
      NDArray block = blocked.gt(0f).toType(act.getDataType(), false);
      NDArray keep = block.neg().add(1f);
      out = act.mul(keep).add(block.mul(-Float.MAX_VALUE));
    }
    for (Work w : ws) {
      if (w.capture == null) {
        continue;
      }
      int len = Math.min(w.keys >= 0 ? w.keys : w.length, keysLen);
      int width = heads * len;
      if (w.capture.length == 0) {
        captured.get(w.sample).add(Activations.of(point, w.capture, width, new float[0]));
        continue;
      }
      long[] queries = new long[w.capture.length];
      for (int i = 0; i < queries.length; i++) {
        queries[i] = w.capture[i];
      }
      NDArray rows =
          out.get(w.sample.batchRow)
              .get(new NDIndex(":, {}", m.create(queries)))
              .get(new NDIndex(":, :, :" + len))
              .transpose(1, 0, 2);
      captured
          .get(w.sample)
          .add(Activations.of(point, w.capture, width, rows.toType(DataType.FLOAT32, false).toFloatArray()));
    }
    return out;
  }

  private NDArray apply(HookPoint point, NDArray act, List<Work> ws) {
    long width = widths.width(point);
    int rounds = 0;
    for (Work w : ws) {
      rounds = Math.max(rounds, w.interventions.size());
    }
    NDArray flat = null;
    boolean changed = false;
    for (int r = 0; r < rounds; r++) {
      if (flat == null) {
        flat = act.reshape(-1, width);
      }
      List<Update> updates = new ArrayList<>();
      for (Work w : ws) {
        if (r < w.interventions.size()) {
          Update u = compute(point, w.interventions.get(r), w, w.sample.base(point), flat, width);
          if (u != null) {
            updates.add(u);
          }
        }
      }
      if (updates.isEmpty()) {
        continue;
      }
      int n = 0;
      for (Update u : updates) {
        n += u.rows.length;
      }
      long[] rows = new long[n];
      NDList values = new NDList(updates.size());
      int at = 0;
      for (Update u : updates) {
        System.arraycopy(u.rows, 0, rows, at, u.rows.length);
        at += u.rows.length;
        values.add(u.values);
      }
      NDArray v = values.size() == 1 ? values.get(0) : NDArrays.concat(values, 0);
      NDArray index = flat.getManager().create(rows).reshape(n, 1).broadcast(n, width);
      flat = flat.scatter(index, v, 0);
      changed = true;
    }
    NDArray out = changed ? flat.reshape(act.getShape()) : act;
    boolean pinned = false;
    for (Work w : ws) {
      if (w.capture == null) {
        continue;
      }
      if (w.capture.length == 0) {
        captured.get(w.sample).add(Activations.of(point, w.capture, (int) width, new float[0]));
        continue;
      }
      long base = w.sample.base(point);
      long bytes = out.size() * dataType.getNumOfBytes();
      if (pinned || pinnedBytes + bytes <= PIN_BUDGET_BYTES) {
        if (!pinned) {
          pinnedBytes += bytes;
          out.attach(keep); // outlives the layer's scratch manager; freed with the batch
          pinned = true;
        }
        deferred.add(new Deferred(point, out, w, base));
      } else {
        NDArray rows = out.reshape(-1, width).get(out.getManager().create(rowIndexes(w.capture, base)));
        captured
            .get(w.sample)
            .add(Activations.of(point, w.capture, (int) width, rows.toType(DataType.FLOAT32, false).toFloatArray()));
      }
    }
    return out;
  }

  private static long[] rowIndexes(int[] positions, long base) {
    long[] rows = new long[positions.length];
    for (int i = 0; i < positions.length; i++) {
      rows[i] = base + positions[i];
    }
    return rows;
  }

  /**
   * Captures of a vision tower's attention map {@code [images, heads, S, S]} (every image S rows):
   * the row of vision position {@code q} of a sample is {@code visionBase + q} once the map is laid
   * out as {@code [images * S, heads * S]}.
   */
  private void captureVisionMap(HookPoint point, NDArray act, List<Work> ws) {
    Shape sh = act.getShape();
    long heads = sh.get(1);
    long keys = sh.get(3);
    int width = (int) (heads * keys);
    NDArray rowsView = null;
    for (Work w : ws) {
      if (w.capture == null) {
        continue;
      }
      if (w.capture.length == 0) {
        captured.get(w.sample).add(Activations.of(point, w.capture, width, new float[0]));
        continue;
      }
      if (rowsView == null) {
        rowsView = act.transpose(0, 2, 1, 3).reshape(-1, heads * keys);
      }
      long[] rows = rowIndexes(w.capture, w.sample.visionBase);
      NDArray got = rowsView.get(act.getManager().create(rows));
      captured
          .get(w.sample)
          .add(Activations.of(point, w.capture, width, got.toType(DataType.FLOAT32, false).toFloatArray()));
    }
  }

  /**
   * The indexes of the resolved positions this pass computes, or null when none: every one in a
   * plain pass; in a generation step (a window of new positions) those inside it, and no mean
   * ablation (their means are taken once, over the prompt).
   */
  private static int[] window(HookPoint point, Sample s, Intervention iv, int[] pos) {
    if (pos.length == 0) {
      return null;
    }
    if (!Sample.tokenRows(point)) {
      int[] all = new int[pos.length];
      for (int i = 0; i < all.length; i++) {
        all[i] = i;
      }
      return all;
    }
    if (s.windowStart > 0
        && (iv.kind() == Intervention.Kind.MEAN_ABLATE || iv.kind() == Intervention.Kind.HEAD_MEAN_ABLATE)) {
      return null;
    }
    int[] keep = new int[pos.length];
    int n = 0;
    for (int i = 0; i < pos.length; i++) {
      if (pos[i] >= s.windowStart && pos[i] < s.length) {
        keep[n++] = i;
      }
    }
    return n == 0 ? null : Arrays.copyOf(keep, n);
  }

  private Update compute(HookPoint point, Intervention iv, Work w, long base, NDArray flat, long width) {
    NDManager m = flat.getManager();
    if (iv.kind() == Intervention.Kind.CUSTOM) {
      View view = new View(point, w.sample.tokenization, w.length, (int) width, flat, base);
      iv.hook().apply(view);
      return view.update(m, dataType);
    }
    boolean lm = Sample.tokenRows(point);
    int[] pos = iv.positions().resolve(lm ? w.sample.resolveLength : w.length);
    // Which of the resolved positions this pass computes: all, or (generation) those in its window.
    int[] pick = window(point, w.sample, iv, pos);
    if (pick == null) {
      return null;
    }
    int n = pick.length;
    int shift = lm ? w.sample.windowStart : 0;
    long[] rows = new long[n];
    for (int i = 0; i < n; i++) {
      rows[i] = base + pos[pick[i]] - shift;
    }
    int wd = (int) width;
    NDArray values;
    switch (iv.kind()) {
      case PATCH:
        {
          Activations src = iv.source().get(point);
          int[] srcPos = iv.sourcePositions().resolve(lm ? w.sample.resolveLength : w.length);
          float[] v = new float[n * wd];
          for (int i = 0; i < n; i++) {
            System.arraycopy(src.vector(srcPos[pick[i]]), 0, v, i * wd, wd);
          }
          values = m.create(v, new Shape(n, wd)).toType(dataType, false);
          break;
        }
      case REPLACE:
        {
          float[][] vs = iv.vectors();
          float[] v = new float[n * wd];
          for (int i = 0; i < n; i++) {
            System.arraycopy(vs.length == 1 ? vs[0] : vs[pick[i]], 0, v, i * wd, wd);
          }
          values = m.create(v, new Shape(n, wd)).toType(dataType, false);
          break;
        }
      case ZERO_ABLATE:
        values = m.zeros(new Shape(n, wd), dataType);
        break;
      case ADD:
        {
          NDArray vec = m.create(iv.vectors()[0]).toType(dataType, false);
          values = flat.get(m.create(rows)).add(vec);
          break;
        }
      case HEAD_ZERO_ABLATE:
      case HEAD_MEAN_ABLATE:
        {
          NDArray cur = flat.get(m.create(rows));
          int headDim = wd / heads.heads(point.component());
          float[] keep = new float[wd];
          Arrays.fill(keep, 1f);
          for (int h : iv.heads()) {
            Arrays.fill(keep, h * headDim, (h + 1) * headDim, 0f);
          }
          NDArray keepMask = m.create(keep).toType(dataType, false);
          NDArray kept = cur.mul(keepMask);
          if (iv.kind() == Intervention.Kind.HEAD_ZERO_ABLATE) {
            values = kept;
          } else {
            NDArray mean =
                cur.toType(DataType.FLOAT32, false).mean(new int[] {0}, true).toType(dataType, false);
            NDArray dropMask = m.create(keep).neg().add(1f).toType(dataType, false);
            values = kept.add(mean.mul(dropMask).repeat(0, n));
          }
          break;
        }
      case MEAN_ABLATE:
        {
          NDArray cur = flat.get(m.create(rows));
          values =
              cur.toType(DataType.FLOAT32, false)
                  .mean(new int[] {0}, true)
                  .toType(dataType, false)
                  .repeat(0, n);
          break;
        }
      default:
        throw new IllegalStateException("unknown intervention kind " + iv.kind());
    }
    return new Update(rows, values);
  }

  /**
   * The captured activations of each sample. Points a sample asked to capture that the pass never
   * visited (no image in the batch) come back empty.
   */
  Map<Sample, List<Activations>> collect(List<Sample> batch, LengthFunction widthAt) {
    collectDeferred();
    Map<Sample, List<Activations>> out = new HashMap<>();
    for (Sample s : batch) {
      List<Activations> got = new ArrayList<>(captured.get(s));
      for (Map.Entry<HookPoint, int[]> e : s.captures.entrySet()) {
        boolean seen = false;
        for (Activations a : got) {
          seen |= a.point().equals(e.getKey());
        }
        if (!seen) {
          if (e.getValue().length != 0) {
            throw new IllegalStateException("the pass never reached " + e.getKey() + " for " + s.input);
          }
          got.add(Activations.of(e.getKey(), new int[0], widthAt.length(s, e.getKey()), new float[0]));
        }
      }
      out.put(s, got);
    }
    return out;
  }

  /**
   * Copies the deferred captures to the host, per component (same-shaped activations): the kept
   * activations are stacked, then either copied whole (when small, or mostly captured) and sliced
   * on the host, or gathered on the device first.
   */
  private void collectDeferred() {
    // Same-shaped activations: one row width and one shape.
    Map<String, List<Deferred>> groups = new LinkedHashMap<>();
    for (Deferred d : deferred) {
      groups.computeIfAbsent(widths.width(d.point) + "/" + d.activation.getShape(), k -> new ArrayList<>()).add(d);
    }
    for (Map.Entry<String, List<Deferred>> e : groups.entrySet()) {
      List<Deferred> group = e.getValue();
      int width = widths.width(group.get(0).point);
      long rowsPer = group.get(0).activation.size() / width;
      List<NDArray> distinct = new ArrayList<>();
      int rowCount = 0;
      for (Deferred d : group) {
        if (indexOf(distinct, d.activation) < 0) {
          distinct.add(d.activation);
        }
        rowCount += d.work.capture.length;
      }
      long[] rows = new long[rowCount];
      int at = 0;
      for (Deferred d : group) {
        long offset = indexOf(distinct, d.activation) * rowsPer + d.base;
        for (int p : d.work.capture) {
          rows[at++] = offset + p;
        }
      }
      NDArray all = distinct.size() == 1 ? distinct.get(0) : NDArrays.stack(new NDList(distinct));
      long total = rowsPer * distinct.size();
      float[] data;
      if (total * width <= 1 << 16 || total <= 4L * rowCount) {
        float[] whole = all.toType(DataType.FLOAT32, false).toFloatArray();
        data = new float[rowCount * width];
        for (int i = 0; i < rowCount; i++) {
          System.arraycopy(whole, (int) rows[i] * width, data, i * width, width);
        }
      } else {
        data = all.reshape(-1, width).get(keep.create(rows)).toType(DataType.FLOAT32, false).toFloatArray();
      }
      at = 0;
      for (Deferred d : group) {
        int len = d.work.capture.length * width;
        captured
            .get(d.work.sample)
            .add(Activations.of(d.point, d.work.capture, width, Arrays.copyOfRange(data, at, at + len)));
        at += len;
      }
    }
    deferred.clear();
  }

  private static int indexOf(List<NDArray> arrays, NDArray a) {
    for (int i = 0; i < arrays.size(); i++) {
      if (arrays.get(i) == a) {
        return i;
      }
    }
    return -1;
  }

  /** A custom hook's host-side window on one sample's rows; written back only when set. */
  private static final class View implements ActivationView {
    private final HookPoint point;
    private final Tokenization tokenization;
    private final int length;
    private final int width;
    private final NDArray flat;
    private final long base;
    private float[] host;
    private boolean[] dirty;

    View(HookPoint point, Tokenization tokenization, int length, int width, NDArray flat, long base) {
      this.point = point;
      this.tokenization = tokenization;
      this.length = length;
      this.width = width;
      this.flat = flat;
      this.base = base;
    }

    @Override
    public HookPoint point() {
      return point;
    }

    @Override
    public Tokenization tokenization() {
      return tokenization;
    }

    @Override
    public int length() {
      return length;
    }

    @Override
    public int width() {
      return width;
    }

    @Override
    public float[] get(int position) {
      check(position);
      load();
      return Arrays.copyOfRange(host, position * width, (position + 1) * width);
    }

    @Override
    public void set(int position, float[] vector) {
      check(position);
      if (vector.length != width) {
        throw new IllegalArgumentException(
            "set at " + point + ", position " + position + ": vector width " + vector.length
                + ", expected " + width);
      }
      load();
      System.arraycopy(vector, 0, host, position * width, width);
      dirty[position] = true;
    }

    private void check(int position) {
      if (position < 0 || position >= length) {
        throw new IndexOutOfBoundsException(
            "position " + position + " outside " + point + ", which has " + length + " positions");
      }
    }

    private void load() {
      if (host == null) {
        host =
            length == 0
                ? new float[0]
                : flat.get(new NDIndex(base + ":" + (base + length)))
                    .toType(DataType.FLOAT32, false)
                    .toFloatArray();
        dirty = new boolean[length];
      }
    }

    Update update(NDManager m, DataType dataType) {
      if (dirty == null) {
        return null;
      }
      int n = 0;
      for (boolean d : dirty) {
        n += d ? 1 : 0;
      }
      if (n == 0) {
        return null;
      }
      long[] rows = new long[n];
      float[] v = new float[n * width];
      int at = 0;
      for (int p = 0; p < length; p++) {
        if (dirty[p]) {
          rows[at] = base + p;
          System.arraycopy(host, p * width, v, at * width, width);
          at++;
        }
      }
      return new Update(rows, m.create(v, new Shape(n, width)).toType(dataType, false));
    }
  }
}
