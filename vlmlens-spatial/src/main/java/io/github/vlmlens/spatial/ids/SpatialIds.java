package io.github.vlmlens.spatial.ids;

import com.google.common.hash.Hasher;
import com.google.common.hash.Hashing;
import io.github.vlmlens.core.API;
import io.github.vlmlens.core.analysis.Vectors;
import io.github.vlmlens.spatial.scene.GridCell;
import io.github.vlmlens.spatial.scene.GridSpec;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Spatial ID tables of one model (METHOD.md section 2), immutable: for every layer {@code L} read
 * and every cell {@code (i, j)} of an {@code m x m} grid, the centred activation of the
 * asked-about object's word, {@code ID_L(i, j)}.
 *
 * <ul>
 *   <li>Universal IDs {@link #id(int, GridCell)}: averaged over object pairs, A cells and sizes;
 *       also kept per size ({@link #id(int, GridCell, int)}).
 *   <li>Per-pair IDs {@link #pairId}: averaged over A cells and sizes, for each extracted pair.
 *   <li>Centring means {@link #centringMean}: for each pair and A cell, the mean activation the
 *       IDs of that A cell were centred by (what oracle injection adds an ID to).
 * </ul>
 *
 * <p>Layers are numbered as everywhere in vlmlens: 0 is the embedding output, {@code L} the output
 * of decoder block {@code L}. Tables save to a compact, versioned, checksummed file
 * ({@link #save}, {@link #load}) so that IDs extracted once from a large model are reused. They
 * carry the extracting model's weights fingerprint ({@link #modelFingerprint()}), which steering
 * checks against the steered model ({@link io.github.vlmlens.core.analysis.IdProvenance}).
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1.0")
public final class SpatialIds {
  /** The file name an extraction writes its IDs to. */
  public static final String FILE_NAME = "ids.vlids";

  private final String model;
  private final GridSpec grid;
  private final int hidden;
  private final List<Integer> layers;
  private final float[] bySize; // [size][layer][cell][hidden]
  private final float[] universal; // [layer][cell][hidden]
  private final Map<ObjectPair, float[]> byPair; // [layer][cell][hidden]
  private final Map<ObjectPair, float[]> means; // [aCell][layer][hidden]
  private final String modelFingerprint;

  private SpatialIds(
      String model, String modelFingerprint, GridSpec grid, int hidden, List<Integer> layers, float[] bySize,
      Map<ObjectPair, float[]> byPair, Map<ObjectPair, float[]> means) {
    this.model = model;
    this.modelFingerprint = modelFingerprint;
    this.grid = grid;
    this.hidden = hidden;
    this.layers = List.copyOf(layers);
    this.bySize = bySize;
    this.byPair = Collections.unmodifiableMap(new LinkedHashMap<>(byPair));
    this.means = Collections.unmodifiableMap(new LinkedHashMap<>(means));
    int block = layers.size() * grid.cellCount() * hidden;
    int sizes = grid.sizeCount();
    this.universal = new float[block];
    for (int k = 0; k < block; k++) {
      double s = 0;
      for (int z = 0; z < sizes; z++) {
        s += bySize[z * block + k];
      }
      universal[k] = (float) (s / sizes);
    }
  }

  /**
   * A builder of ID tables for {@code layers} (any order, no repeats) of a model with hidden size
   * {@code hiddenSize}, on {@code grid}.
   *
   * @throws IllegalArgumentException for no layer, a negative or repeated one, or a non-positive
   *     hidden size
   */
  public static Builder builder(String model, GridSpec grid, int hiddenSize, List<Integer> layers) {
    return new Builder(model, grid, hiddenSize, layers);
  }

  /**
   * Reads tables written by {@link #save}.
   *
   * @throws java.io.UncheckedIOException naming the file when it cannot be read, is not a vlmlens
   *     ID file, has a format version this library does not read, is truncated or fails its
   *     checksum
   */
  public static SpatialIds load(Path file) {
    return IdFile.read(file);
  }

  /**
   * Writes the tables: an 8-byte magic, a format version, a JSON header (model, grid, layers,
   * pairs, layout), the float32 tables little-endian, and a CRC-32 of everything before it. The
   * file is written through a temporary sibling and moved into place.
   *
   * @throws java.io.UncheckedIOException naming the file when it cannot be written
   */
  public void save(Path file) {
    IdFile.write(this, file);
  }

  /** The name of the model the IDs come from. */
  public String model() {
    return model;
  }

  /**
   * The weights fingerprint of the model the IDs were extracted from
   * ({@link io.github.vlmlens.core.ModelInfo#fingerprint()}), or
   * {@value io.github.vlmlens.core.ModelInfo#UNKNOWN} for IDs that do not record it (files written
   * before it was recorded).
   */
  public String modelFingerprint() {
    return modelFingerprint;
  }

  /**
   * Checks that these IDs come from {@code vlm} (by weights fingerprint) before steering it.
   *
   * @param allowForeign whether to accept another or an unknown model's IDs anyway
   * @throws IllegalArgumentException naming both fingerprints otherwise
   */
  public void requireFrom(io.github.vlmlens.core.HookedVlm vlm, boolean allowForeign) {
    io.github.vlmlens.core.analysis.IdProvenance.requireSameModel(
        "the spatial IDs", model, modelFingerprint, vlm, allowForeign);
  }

  /** The grid the IDs were read on. */
  public GridSpec grid() {
    return grid;
  }

  /** The hidden size (the IDs' length). */
  public int hiddenSize() {
    return hidden;
  }

  /** The layers held, ascending. */
  public List<Integer> layers() {
    return layers;
  }

  /** Whether a layer is held. */
  public boolean hasLayer(int layer) {
    return layers.contains(layer);
  }

  /** The object pairs with per-pair IDs, in extraction order. */
  public List<ObjectPair> pairs() {
    return List.copyOf(byPair.keySet());
  }

  /** Whether the centring means of {@code pair} are held. */
  public boolean hasCentringMeans(ObjectPair pair) {
    return means.containsKey(pair);
  }

  /**
   * The universal ID of a cell at a layer (a copy).
   *
   * @throws IllegalArgumentException naming the layer or cell when it is not held
   */
  public float[] id(int layer, GridCell cell) {
    return slice(universal, (layerIndex(layer) * grid.cellCount() + cellIndex(cell)) * hidden);
  }

  /**
   * The universal ID of a cell at a layer for objects of size {@code sizeIndex} (a copy).
   *
   * @throws IllegalArgumentException naming what is not held
   */
  public float[] id(int layer, GridCell cell, int sizeIndex) {
    if (sizeIndex < 0 || sizeIndex >= grid.sizeCount()) {
      throw new IllegalArgumentException(
          "size index " + sizeIndex + " outside 0.." + (grid.sizeCount() - 1));
    }
    int block = layers.size() * grid.cellCount() * hidden;
    return slice(bySize, sizeIndex * block + (layerIndex(layer) * grid.cellCount() + cellIndex(cell)) * hidden);
  }

  /**
   * The universal IDs of every cell at a layer, row-major by cell, as doubles.
   *
   * @throws IllegalArgumentException naming the layer when it is not held
   */
  public double[][] table(int layer) {
    int l = layerIndex(layer);
    double[][] out = new double[grid.cellCount()][];
    for (int c = 0; c < out.length; c++) {
      out[c] = Vectors.of(slice(universal, (l * grid.cellCount() + c) * hidden));
    }
    return out;
  }

  /**
   * The ID of a cell for one object pair (a copy).
   *
   * @throws IllegalArgumentException naming the pair, layer or cell when it is not held
   */
  public float[] pairId(ObjectPair pair, int layer, GridCell cell) {
    float[] t = byPair.get(pair);
    if (t == null) {
      throw new IllegalArgumentException("no per-pair IDs for " + pair + "; held: " + pairs());
    }
    return slice(t, (layerIndex(layer) * grid.cellCount() + cellIndex(cell)) * hidden);
  }

  /**
   * The mean activation that the IDs of {@code pair} with A in {@code aCell} were centred by (a
   * copy): B's activation averaged over every B cell and size.
   *
   * @throws IllegalArgumentException naming the pair, cell or layer when it is not held
   */
  public float[] centringMean(ObjectPair pair, GridCell aCell, int layer) {
    float[] t = means.get(pair);
    if (t == null) {
      throw new IllegalArgumentException(
          "no centring means for " + pair + "; held for: " + List.copyOf(means.keySet()));
    }
    return slice(t, (cellIndex(aCell) * layers.size() + layerIndex(layer)) * hidden);
  }

  /**
   * The horizontal axis {@code h_L} of the universal IDs.
   *
   * @throws IllegalArgumentException naming the layer when it is not held
   */
  public double[] horizontalAxis(int layer, AxisNormalisation normalisation) {
    return AxisMath.horizontal(table(layer), grid.gridSize(), normalisation);
  }

  /**
   * The vertical axis {@code v_L} of the universal IDs.
   *
   * @throws IllegalArgumentException naming the layer when it is not held
   */
  public double[] verticalAxis(int layer, AxisNormalisation normalisation) {
    return AxisMath.vertical(table(layer), grid.gridSize(), normalisation);
  }

  /** A SHA-256 hash (32 hex digits) of the model name, grid, layers, pairs and every table. */
  public String fingerprint() {
    Hasher h = Hashing.sha256().newHasher();
    h.putString(model, StandardCharsets.UTF_8).putString(grid.toString(), StandardCharsets.UTF_8);
    h.putInt(hidden).putString(layers.toString(), StandardCharsets.UTF_8);
    putFloats(h, bySize);
    byPair.forEach((p, t) -> {
      h.putString(p.toString(), StandardCharsets.UTF_8);
      putFloats(h, t);
    });
    means.forEach((p, t) -> {
      h.putString("means " + p, StandardCharsets.UTF_8);
      putFloats(h, t);
    });
    return h.hash().toString().substring(0, 32);
  }

  private static void putFloats(Hasher h, float[] a) {
    for (float f : a) {
      h.putInt(Float.floatToRawIntBits(f));
    }
  }

  private float[] slice(float[] a, int start) {
    return Arrays.copyOfRange(a, start, start + hidden);
  }

  private int layerIndex(int layer) {
    int i = layers.indexOf(layer);
    if (i < 0) {
      throw new IllegalArgumentException(
          "layer " + layer + " is not held by the IDs of '" + model + "'; held: " + layers);
    }
    return i;
  }

  private int cellIndex(GridCell cell) {
    Objects.requireNonNull(cell, "cell");
    if (!grid.contains(cell)) {
      throw new IllegalArgumentException("cell " + cell + " is outside the " + grid.gridSize() + " x "
          + grid.gridSize() + " grid of the IDs");
    }
    return cell.index(grid.gridSize());
  }

  @Override
  public String toString() {
    return "SpatialIds[" + model + " (weights " + modelFingerprint + "), " + grid + ", hidden " + hidden + ", layers " + layers + ", pairs "
        + pairs() + "]";
  }

  /**
   * Collects ID tables; every (size, layer, cell) of the universal table must be set, per-pair IDs
   * and centring means are optional but complete for every pair that has any. Single use.
   */
  @API(status = API.Status.EXPERIMENTAL, since = "0.1.0")
  public static final class Builder {
    private final String model;
    private final GridSpec grid;
    private final int hidden;
    private final List<Integer> layers;
    private final float[] bySize;
    private final boolean[] bySizeSet;
    private final Map<ObjectPair, float[]> byPair = new LinkedHashMap<>();
    private final Map<ObjectPair, boolean[]> byPairSet = new LinkedHashMap<>();
    private final Map<ObjectPair, float[]> means = new LinkedHashMap<>();
    private final Map<ObjectPair, boolean[]> meansSet = new LinkedHashMap<>();
    private String modelFingerprint = io.github.vlmlens.core.ModelInfo.UNKNOWN;

    private Builder(String model, GridSpec grid, int hidden, List<Integer> layers) {
      this.model = Objects.requireNonNull(model, "model");
      this.grid = Objects.requireNonNull(grid, "grid");
      if (hidden < 1) {
        throw new IllegalArgumentException("hidden size must be >= 1, got " + hidden);
      }
      List<Integer> sorted = new ArrayList<>(layers);
      Collections.sort(sorted);
      if (sorted.isEmpty()) {
        throw new IllegalArgumentException("ID tables need at least one layer");
      }
      for (int i = 0; i < sorted.size(); i++) {
        if (sorted.get(i) < 0 || (i > 0 && sorted.get(i).equals(sorted.get(i - 1)))) {
          throw new IllegalArgumentException("layers must be >= 0 without repeats, got " + layers);
        }
      }
      this.hidden = hidden;
      this.layers = List.copyOf(sorted);
      int n = grid.sizeCount() * sorted.size() * grid.cellCount();
      this.bySize = new float[n * hidden];
      this.bySizeSet = new boolean[n];
    }

    /** The extracting model's weights fingerprint (default unknown). */
    public Builder modelFingerprint(String fingerprint) {
      this.modelFingerprint = fingerprint == null || fingerprint.isBlank()
          ? io.github.vlmlens.core.ModelInfo.UNKNOWN : fingerprint;
      return this;
    }

    /** Sets the universal ID of a cell at a layer for objects of size {@code sizeIndex}. */
    public Builder id(int sizeIndex, int layer, GridCell cell, float[] id) {
      if (sizeIndex < 0 || sizeIndex >= grid.sizeCount()) {
        throw new IllegalArgumentException("size index " + sizeIndex + " outside 0.." + (grid.sizeCount() - 1));
      }
      int slot = (sizeIndex * layers.size() + layerIndex(layer)) * grid.cellCount() + cellIndex(cell);
      put(bySize, bySizeSet, slot, id, "ID at layer " + layer + ", cell " + cell);
      return this;
    }

    /** Sets the universal ID of a cell at a layer for every size. */
    public Builder id(int layer, GridCell cell, float[] id) {
      for (int z = 0; z < grid.sizeCount(); z++) {
        id(z, layer, cell, id);
      }
      return this;
    }

    /** Sets a pair's ID of a cell at a layer. */
    public Builder pairId(ObjectPair pair, int layer, GridCell cell, float[] id) {
      int n = layers.size() * grid.cellCount();
      float[] t = byPair.computeIfAbsent(Objects.requireNonNull(pair, "pair"), p -> new float[n * hidden]);
      boolean[] set = byPairSet.computeIfAbsent(pair, p -> new boolean[n]);
      put(t, set, layerIndex(layer) * grid.cellCount() + cellIndex(cell), id,
          "ID of " + pair + " at layer " + layer + ", cell " + cell);
      return this;
    }

    /** Sets the mean that a pair's IDs with A in {@code aCell} were centred by at a layer. */
    public Builder centringMean(ObjectPair pair, GridCell aCell, int layer, float[] mean) {
      int n = grid.cellCount() * layers.size();
      float[] t = means.computeIfAbsent(Objects.requireNonNull(pair, "pair"), p -> new float[n * hidden]);
      boolean[] set = meansSet.computeIfAbsent(pair, p -> new boolean[n]);
      put(t, set, cellIndex(aCell) * layers.size() + layerIndex(layer), mean,
          "centring mean of " + pair + " with A in " + aCell + " at layer " + layer);
      return this;
    }

    /**
     * The tables.
     *
     * @throws IllegalStateException naming the first entry that was not set
     */
    public SpatialIds build() {
      checkComplete(bySizeSet, "universal IDs");
      byPairSet.forEach((p, set) -> checkComplete(set, "IDs of " + p));
      meansSet.forEach((p, set) -> checkComplete(set, "centring means of " + p));
      return new SpatialIds(model, modelFingerprint, grid, hidden, layers, bySize.clone(), byPair, means);
    }

    private void checkComplete(boolean[] set, String what) {
      for (int i = 0; i < set.length; i++) {
        if (!set[i]) {
          throw new IllegalStateException(what + ": entry " + i + " of " + set.length + " was never set");
        }
      }
    }

    private void put(float[] table, boolean[] set, int slot, float[] v, String what) {
      if (v.length != hidden) {
        throw new IllegalArgumentException(what + " has length " + v.length + ", expected " + hidden);
      }
      System.arraycopy(v, 0, table, slot * hidden, hidden);
      set[slot] = true;
    }

    private int layerIndex(int layer) {
      int i = layers.indexOf(layer);
      if (i < 0) {
        throw new IllegalArgumentException("layer " + layer + " is not one of " + layers);
      }
      return i;
    }

    private int cellIndex(GridCell cell) {
      Objects.requireNonNull(cell, "cell");
      if (!grid.contains(cell)) {
        throw new IllegalArgumentException("cell " + cell + " is outside the " + grid.gridSize() + " x "
            + grid.gridSize() + " grid");
      }
      return cell.index(grid.gridSize());
    }
  }
}
