package io.github.vlmlens.hooks.internal.io;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.github.vlmlens.hooks.CheckpointException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The tensors of a Hugging Face checkpoint directory, under canonical names.
 *
 * <p>Files: {@code model.safetensors} when present; otherwise the shards named by
 * {@code model.safetensors.index.json}'s {@code weight_map} (every shard must exist and hold the
 * tensors the index assigns to it); otherwise every {@code *.safetensors} file of the directory.
 *
 * <p>Names are canonicalised to the published (old) LLaVA layout, so both layouts load the same:
 * {@code model.language_model.X -> language_model.model.X}, {@code lm_head.X ->
 * language_model.lm_head.X}, {@code model.vision_tower.X -> vision_tower.X},
 * {@code model.multi_modal_projector.X -> multi_modal_projector.X}. Buffers ending in
 * {@code .position_ids} or {@code .inv_freq} are ignored. Two tensors with the same canonical name
 * are an error.
 */
public final class SafetensorsCheckpoint implements AutoCloseable {
  /** The single-file checkpoint name. */
  public static final String SINGLE_FILE = "model.safetensors";
  /** The index of a sharded checkpoint. */
  public static final String INDEX_FILE = "model.safetensors.index.json";

  private static final JsonMapper MAPPER = JsonMapper.builder().build();

  private final Path directory;
  private final List<SafetensorsFile> files;
  private final Map<String, Source> tensors;

  private static final class Source {
    final SafetensorsFile file;
    final String hfName;

    Source(SafetensorsFile file, String hfName) {
      this.file = file;
      this.hfName = hfName;
    }
  }

  private SafetensorsCheckpoint(Path directory, List<SafetensorsFile> files, Map<String, Source> tensors) {
    this.directory = directory;
    this.files = files;
    this.tensors = tensors;
  }

  /**
   * Opens the checkpoint in a directory and validates every file's header.
   *
   * @throws CheckpointException naming the directory, file or tensor at fault
   */
  public static SafetensorsCheckpoint open(Path dir) {
    if (!Files.isDirectory(dir)) {
      throw new CheckpointException("checkpoint directory " + dir + " does not exist");
    }
    List<SafetensorsFile> files = new ArrayList<>();
    try {
      Map<String, String> weightMap = null;
      Path single = dir.resolve(SINGLE_FILE);
      Path index = dir.resolve(INDEX_FILE);
      if (Files.isRegularFile(single)) {
        files.add(SafetensorsFile.open(single));
      } else if (Files.isRegularFile(index)) {
        weightMap = readWeightMap(index);
        List<String> shards = weightMap.values().stream().distinct().sorted().collect(Collectors.toList());
        for (String shard : shards) {
          Path p = dir.resolve(shard);
          if (!Files.isRegularFile(p)) {
            throw new CheckpointException(
                "shard " + shard + " named by " + index + " does not exist");
          }
        }
        for (String shard : shards) {
          files.add(SafetensorsFile.open(dir.resolve(shard)));
        }
      } else {
        for (Path p : listSafetensors(dir)) {
          files.add(SafetensorsFile.open(p));
        }
        if (files.isEmpty()) {
          throw new CheckpointException(
              "checkpoint directory " + dir + " has no " + SINGLE_FILE + ", no " + INDEX_FILE
                  + " and no *.safetensors file");
        }
      }
      Map<String, Source> tensors = new TreeMap<>();
      for (SafetensorsFile f : files) {
        for (String hf : f.names()) {
          if (isIgnored(hf)) {
            continue;
          }
          String canonical = canonicalName(hf);
          Source prev = tensors.put(canonical, new Source(f, hf));
          if (prev != null) {
            throw new CheckpointException(
                "checkpoint " + dir + ": tensor '" + hf + "' in " + f.path().getFileName()
                    + " and tensor '" + prev.hfName + "' in " + prev.file.path().getFileName()
                    + " both map to '" + canonical + "'");
          }
        }
      }
      if (weightMap != null) {
        for (Map.Entry<String, String> e : weightMap.entrySet()) {
          if (isIgnored(e.getKey())) {
            continue;
          }
          Source s = tensors.get(canonicalName(e.getKey()));
          if (s == null || !s.hfName.equals(e.getKey())
              || !s.file.path().equals(dir.resolve(e.getValue()))) {
            throw new CheckpointException(
                "tensor '" + e.getKey() + "' is assigned to shard " + e.getValue() + " by "
                    + index + " but that shard does not hold it");
          }
        }
      }
      return new SafetensorsCheckpoint(
          dir, Collections.unmodifiableList(files), Collections.unmodifiableMap(tensors));
    } catch (RuntimeException e) {
      files.forEach(SafetensorsFile::close);
      throw e;
    }
  }

  private static Map<String, String> readWeightMap(Path index) {
    JsonNode root;
    try {
      root = MAPPER.readTree(Files.readString(index));
    } catch (JsonProcessingException e) {
      throw new CheckpointException(index + " is not valid JSON: " + e.getOriginalMessage(), e);
    } catch (IOException e) {
      throw new CheckpointException("cannot read " + index + ": " + e, e);
    }
    JsonNode wm = root == null ? null : root.get("weight_map");
    if (wm == null || !wm.isObject()) {
      throw new CheckpointException(index + " has no weight_map object");
    }
    Map<String, String> out = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> e : wm.properties()) {
      if (!e.getValue().isTextual()) {
        throw new CheckpointException(
            index + ": weight_map entry '" + e.getKey() + "' is not a file name: " + e.getValue());
      }
      String shard = e.getValue().textValue();
      if (shard.isEmpty() || shard.contains("/") || shard.contains("\\") || shard.equals("..") || shard.equals(".")) {
        throw new CheckpointException(
            index + ": weight_map entry '" + e.getKey() + "' is not a file name in the checkpoint directory: '"
                + shard + "' (shards must lie beside the index)");
      }
      out.put(e.getKey(), shard);
    }
    if (out.isEmpty()) {
      throw new CheckpointException(index + " has an empty weight_map");
    }
    return out;
  }

  private static List<Path> listSafetensors(Path dir) {
    List<Path> out = new ArrayList<>();
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, "*.safetensors")) {
      for (Path p : ds) {
        if (Files.isRegularFile(p)) {
          out.add(p);
        }
      }
    } catch (IOException e) {
      throw new CheckpointException("cannot list checkpoint directory " + dir + ": " + e, e);
    }
    out.sort(Comparator.comparing(p -> p.getFileName().toString()));
    return out;
  }

  /** Whether a checkpoint name is a derived buffer that loaders skip. */
  public static boolean isIgnored(String hfName) {
    return hfName.endsWith(".position_ids") || hfName.endsWith(".inv_freq");
  }

  /**
   * The canonical (published, old-layout) name of a Hugging Face tensor name: the transformers 5
   * layouts ({@code model.language_model.*}, {@code model.vision_tower.*}, {@code lm_head.*}, CLIP
   * weights under {@code vision_tower.*} without {@code vision_model.}) map to the published
   * transformers 4 names; names already in that layout are returned unchanged.
   */
  public static String canonicalName(String hfName) {
    if (hfName.startsWith("model.language_model.")) {
      return "language_model.model." + hfName.substring("model.language_model.".length());
    }
    if (hfName.startsWith("lm_head.")) {
      return "language_model." + hfName;
    }
    String name = hfName;
    if (name.startsWith("model.vision_tower.") || name.startsWith("model.multi_modal_projector.")) {
      name = name.substring("model.".length());
    }
    // transformers >= 5 stores LLaVA's CLIP tower without its vision_model level.
    if (name.startsWith("vision_tower.") && !name.startsWith("vision_tower.vision_model.")) {
      name = "vision_tower.vision_model." + name.substring("vision_tower.".length());
    }
    return name;
  }

  /** The checkpoint directory. */
  public Path directory() {
    return directory;
  }

  /** The canonical tensor names, sorted. */
  public Set<String> names() {
    return tensors.keySet();
  }

  /** Whether the checkpoint holds a tensor of that canonical name. */
  public boolean contains(String canonicalName) {
    return tensors.containsKey(canonicalName);
  }

  /** A copy of a tensor's shape. */
  public long[] shape(String canonicalName) {
    Source s = source(canonicalName);
    return s.file.shape(s.hfName);
  }

  /** A tensor's safetensors dtype, e.g. {@code "F16"}. */
  public String dtype(String canonicalName) {
    Source s = source(canonicalName);
    return s.file.dtype(s.hfName);
  }

  /**
   * Loads a tensor into {@code manager} (on the manager's device) converted to {@code target}.
   * The bytes are copied out of the mapped file, so the array owns its memory.
   *
   * <p>DJL's PyTorch engine (0.36) has no bfloat16 or int16 arrays (asking for one aborts the JVM),
   * so BF16 and I16 tensors are widened on the host (BF16 to F32 exactly, I16 to I32) before they
   * reach the engine, and {@code target} must not be one of those types on that engine.
   *
   * @throws CheckpointException for an absent name (listing near names)
   * @throws IllegalArgumentException for a target type the engine cannot hold
   */
  public NDArray load(NDManager manager, String canonicalName, DataType target) {
    Source s = source(canonicalName);
    if ((target == DataType.BFLOAT16 || target == DataType.INT16)
        && "PyTorch".equals(manager.getEngine().getEngineName())) {
      throw new IllegalArgumentException(
          "cannot load tensor '" + canonicalName + "' as " + target + ": DJL's PyTorch engine has no "
              + target + " arrays; use FLOAT16 or FLOAT32");
    }
    DataType stored = SafetensorsFile.djlType(s.file.dtype(s.hfName));
    Shape shape = new Shape(s.file.shape(s.hfName));
    if (shape.size() == 0) {
      return manager.zeros(shape, target);
    }
    ByteBuffer mapped = s.file.data(s.hfName);
    checkFinite(canonicalName, s, stored, mapped.duplicate().order(ByteOrder.LITTLE_ENDIAN));
    NDArray raw;
    if (stored == DataType.BFLOAT16) {
      ByteBuffer wide = directBuffer(manager, widened(canonicalName, mapped.remaining()));
      while (mapped.hasRemaining()) {
        wide.putInt((mapped.getShort() & 0xFFFF) << 16);
      }
      wide.rewind();
      raw = manager.create(wide, shape, DataType.FLOAT32);
    } else if (stored == DataType.INT16) {
      ByteBuffer wide = directBuffer(manager, widened(canonicalName, mapped.remaining()));
      while (mapped.hasRemaining()) {
        wide.putInt(mapped.getShort());
      }
      wide.rewind();
      raw = manager.create(wide, shape, DataType.INT32);
    } else {
      ByteBuffer copy = directBuffer(manager, mapped.remaining());
      copy.put(mapped.duplicate());
      copy.rewind();
      raw = manager.create(copy, shape, stored);
    }
    if (raw.getDataType() == target) {
      return raw;
    }
    NDArray converted = raw.toType(target, false);
    raw.close();
    return converted;
  }

  /**
   * Refuses a floating-point tensor holding NaN or an infinity, naming it and the first bad
   * element: such weights give NaN activations that would otherwise surface, much later, as
   * "every sample excluded".
   */
  private void checkFinite(String canonicalName, Source s, DataType stored, ByteBuffer b) {
    long bad = -1;
    if (stored == DataType.FLOAT32) {
      for (int i = 0; b.remaining() >= 4; i++) {
        if (!Float.isFinite(b.getFloat())) {
          bad = i;
          break;
        }
      }
    } else if (stored == DataType.FLOAT64) {
      for (int i = 0; b.remaining() >= 8; i++) {
        if (!Double.isFinite(b.getDouble())) {
          bad = i;
          break;
        }
      }
    } else if (stored == DataType.FLOAT16 || stored == DataType.BFLOAT16) {
      int exp = stored == DataType.FLOAT16 ? 0x7C00 : 0x7F80;
      for (int i = 0; b.remaining() >= 2; i++) {
        if ((b.getShort() & exp) == exp) {
          bad = i;
          break;
        }
      }
    }
    if (bad >= 0) {
      throw new CheckpointException(
          s.file.path() + ": tensor '" + s.hfName + "' holds a non-finite value (NaN or infinity) at element "
              + bad + "; the checkpoint is damaged or was saved after training diverged");
    }
  }

  private static int widened(String name, int bytes) {
    if (bytes > Integer.MAX_VALUE / 2) {
      throw new CheckpointException(
          "tensor '" + name + "' is too large to widen to 32 bits in one buffer (" + bytes + " bytes)");
    }
    return bytes * 2;
  }

  private static ByteBuffer directBuffer(NDManager manager, int bytes) {
    ByteBuffer b = manager.allocateDirect(bytes);
    if (b.order() != ByteOrder.LITTLE_ENDIAN) {
      throw new UnsupportedOperationException("safetensors loading needs a little-endian host");
    }
    return b;
  }

  /**
   * Loads a tensor and checks its shape.
   *
   * @throws CheckpointException naming the tensor, the expected and the found shape on a mismatch
   */
  public NDArray load(NDManager manager, String canonicalName, DataType target, Shape expected) {
    long[] found = shape(canonicalName);
    if (!Arrays.equals(found, expected.getShape())) {
      Source s = source(canonicalName);
      throw new CheckpointException(
          "tensor '" + canonicalName + "' in " + s.file.path() + " has shape "
              + Arrays.toString(found) + " but the model expects " + Arrays.toString(expected.getShape()));
    }
    return load(manager, canonicalName, target);
  }

  private Source source(String canonicalName) {
    Source s = tensors.get(canonicalName);
    if (s == null) {
      throw new CheckpointException(
          "checkpoint " + directory + " has no tensor '" + canonicalName + "'; nearest names: "
              + nearNames(canonicalName, 5));
    }
    return s;
  }

  /** The {@code k} canonical names nearest to {@code name} by edit distance. */
  List<String> nearNames(String name, int k) {
    return tensors.keySet().stream()
        .sorted(Comparator.comparingInt((String n) -> editDistance(n, name)).thenComparing(n -> n))
        .limit(k)
        .collect(Collectors.toList());
  }

  private static int editDistance(String a, String b) {
    int[] prev = new int[b.length() + 1];
    int[] cur = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      prev[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      cur[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int sub = prev[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
        cur[j] = Math.min(sub, Math.min(prev[j] + 1, cur[j - 1] + 1));
      }
      int[] t = prev;
      prev = cur;
      cur = t;
    }
    return prev[b.length()];
  }

  /** Closes every file of the checkpoint. */
  @Override
  public void close() {
    files.forEach(SafetensorsFile::close);
  }

  @Override
  public String toString() {
    return "SafetensorsCheckpoint[" + directory + ", " + files.size() + " file(s), "
        + tensors.size() + " tensors]";
  }
}
