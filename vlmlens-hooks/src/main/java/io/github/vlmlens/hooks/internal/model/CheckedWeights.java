package io.github.vlmlens.hooks.internal.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.github.vlmlens.hooks.CheckpointException;
import io.github.vlmlens.hooks.internal.io.SafetensorsCheckpoint;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;

/**
 * Loads the tensors a family expects from a checkpoint directory, after checking them all: every
 * missing tensor, tensor of the wrong shape or dtype, and unexpected tensor is named in one
 * {@link CheckpointException}.
 */
public final class CheckedWeights {
  private static final Set<String> FLOAT_DTYPES = Set.of("F32", "F16", "BF16", "F64");

  private final List<Entry> entries = new ArrayList<>();

  /** One expected tensor: its name (in the family's naming) and shape. */
  public record Entry(String name, long[] shape) {
    @Override
    public String toString() {
      return name + Arrays.toString(shape);
    }
  }

  /** Adds a tensor. */
  public CheckedWeights add(String name, long... shape) {
    entries.add(new Entry(name, shape));
    return this;
  }

  /** Adds {@code prefix.weight [out, in]} and, if {@code bias}, {@code prefix.bias [out]}. */
  public CheckedWeights linear(String prefix, long out, long in, boolean bias) {
    add(prefix + ".weight", out, in);
    if (bias) {
      add(prefix + ".bias", out);
    }
    return this;
  }

  /** Adds {@code prefix.weight [d]} and, if {@code bias}, {@code prefix.bias [d]}. */
  public CheckedWeights norm(String prefix, long d, boolean bias) {
    add(prefix + ".weight", d);
    if (bias) {
      add(prefix + ".bias", d);
    }
    return this;
  }

  /** The expected tensors, in order. */
  public List<Entry> entries() {
    return List.copyOf(entries);
  }

  /**
   * Loads every expected tensor in {@code dataType} on {@code manager}'s device.
   *
   * @param rename from {@link SafetensorsCheckpoint}'s canonical name to the family's naming
   * @param ignorable family names that may be present without being expected (e.g. a tied head)
   * @throws CheckpointException naming every problem
   */
  public Map<String, NDArray> load(
      Path dir, NDManager manager, DataType dataType, UnaryOperator<String> rename, Predicate<String> ignorable) {
    try (SafetensorsCheckpoint ckpt = SafetensorsCheckpoint.open(dir)) {
      Map<String, String> byName = new HashMap<>();
      for (String c : ckpt.names()) {
        String p = rename.apply(c);
        String prev = byName.put(p, c);
        if (prev != null) {
          throw new CheckpointException(
              "checkpoint " + dir + ": tensors '" + prev + "' and '" + c + "' both name '" + p + "'");
        }
      }
      List<String> problems = new ArrayList<>();
      Set<String> expected = new HashSet<>();
      for (Entry e : entries) {
        expected.add(e.name());
        String c = byName.get(e.name());
        if (c == null) {
          problems.add("missing tensor '" + e.name() + "' (expected shape " + Arrays.toString(e.shape()) + ")");
          continue;
        }
        long[] found = ckpt.shape(c);
        if (!Arrays.equals(found, e.shape())) {
          problems.add("tensor '" + e.name() + "' has shape " + Arrays.toString(found) + ", expected "
              + Arrays.toString(e.shape()));
        }
        String dtype = ckpt.dtype(c);
        if (!FLOAT_DTYPES.contains(dtype)) {
          problems.add("tensor '" + e.name() + "' has dtype " + dtype + ", expected a floating type " + FLOAT_DTYPES);
        }
      }
      Set<String> extra = new TreeSet<>();
      for (String p : byName.keySet()) {
        if (!expected.contains(p) && !ignorable.test(p)) {
          extra.add(p);
        }
      }
      if (!extra.isEmpty()) {
        problems.add(extra.size() + " unexpected tensor(s) for this config: "
            + (extra.size() <= 20 ? extra.toString() : new ArrayList<>(extra).subList(0, 20) + " ..."));
      }
      if (!problems.isEmpty()) {
        int shown = Math.min(problems.size(), 20);
        throw new CheckpointException(
            "checkpoint " + dir + " does not match its config.json: " + String.join("; ", problems.subList(0, shown))
                + (problems.size() > shown ? "; and " + (problems.size() - shown) + " more" : ""));
      }
      Map<String, NDArray> params = new LinkedHashMap<>();
      for (Entry e : entries) {
        NDArray a = ckpt.load(manager, byName.get(e.name()), dataType, new Shape(e.shape()));
        a.setName(e.name());
        params.put(e.name(), a);
      }
      return params;
    }
  }

  /** The tensor of a name, or an error naming it. */
  public static NDArray get(Map<String, NDArray> params, String name) {
    NDArray a = params.get(name);
    if (a == null) {
      throw new IllegalArgumentException("missing parameter " + name);
    }
    return a;
  }
}
