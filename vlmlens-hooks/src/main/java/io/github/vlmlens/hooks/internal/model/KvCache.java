package io.github.vlmlens.hooks.internal.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;

/**
 * The keys and values of earlier positions, per decoder block, for generation: a block appends
 * its new keys and values and attends over all of them. Arrays live in the generation's manager.
 */
public final class KvCache {
  private final NDManager manager;
  private final NDArray[] keys;
  private final NDArray[] values;
  private int length;

  /** @param layers decoder blocks */
  public KvCache(NDManager manager, int layers) {
    this.manager = manager;
    this.keys = new NDArray[layers + 1];
    this.values = new NDArray[layers + 1];
  }

  /** The number of cached positions (before the current step). */
  public int length() {
    return length;
  }

  /**
   * Appends a block's new keys and values ({@code [B, kvHeads, T, d]}) and returns all of them,
   * {@code {keys, values}}.
   */
  public NDArray[] append(int layer, NDArray k, NDArray v) {
    NDArray nk = keys[layer] == null ? k : NDArrays.concat(new NDList(keys[layer], k), 2);
    NDArray nv = values[layer] == null ? v : NDArrays.concat(new NDList(values[layer], v), 2);
    nk.attach(manager);
    nv.attach(manager);
    if (keys[layer] != null) {
      keys[layer].close();
      values[layer].close();
    }
    keys[layer] = nk;
    values[layer] = nv;
    return new NDArray[] {nk, nv};
  }

  /**
   * Keys and values that do not grow with the sequence (a cross-attention block's, computed from
   * the image states): those stored for {@code layer}, or, on the first call, {@code compute}'s,
   * kept in the cache's manager. Such a layer never {@link #append}s.
   */
  public NDArray[] fixed(int layer, java.util.function.Supplier<NDArray[]> compute) {
    if (keys[layer] == null) {
      NDArray[] kv = compute.get();
      kv[0].attach(manager);
      kv[1].attach(manager);
      keys[layer] = kv[0];
      values[layer] = kv[1];
    }
    return new NDArray[] {keys[layer], values[layer]};
  }

  /** Marks the current step's positions as cached (after every block has appended). */
  public void advance(int positions) {
    length += positions;
  }
}
