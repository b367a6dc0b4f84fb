package io.github.vlmlens.hooks.internal.io;

import ai.djl.ndarray.types.DataType;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.google.common.collect.ImmutableMap;
import io.github.vlmlens.hooks.CheckpointException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.CharBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One {@code .safetensors} file, opened lazily: the header is read and validated completely when
 * the file is opened, and each tensor's bytes are memory-mapped only when asked for, one region per
 * tensor (so files larger than 2 GiB work; a single tensor must stay below 2 GiB).
 *
 * <p>Validation before any data is touched: an 8-byte little-endian header length that is at most
 * {@value #MAX_HEADER_BYTES} bytes and inside the file; a UTF-8 JSON object without duplicate keys;
 * for every tensor a known dtype ({@code F64 F32 F16 BF16 I64 I32 I16 I8 U8 BOOL}), a non-negative
 * shape, ordered {@code data_offsets} inside the data section, a byte size equal to
 * {@code prod(shape) * dtypeSize}, and no two tensors overlapping. An optional
 * {@code __metadata__} object of strings is allowed. Every error is a {@link CheckpointException}
 * naming the file and the tensor.
 */
public final class SafetensorsFile implements AutoCloseable {
  /** The largest header accepted, in bytes (the reference implementation's limit). */
  public static final long MAX_HEADER_BYTES = 100_000_000L;

  private static final JsonMapper MAPPER =
      JsonMapper.builder()
          .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
          // Trailing spaces pad a header; anything else after the object is damage.
          .enable(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .build();

  /** The safetensors dtypes this reader knows, with their DJL type and element size. */
  private static final Map<String, DataType> DTYPES =
      ImmutableMap.<String, DataType>builder()
          .put("F64", DataType.FLOAT64)
          .put("F32", DataType.FLOAT32)
          .put("F16", DataType.FLOAT16)
          .put("BF16", DataType.BFLOAT16)
          .put("I64", DataType.INT64)
          .put("I32", DataType.INT32)
          .put("I16", DataType.INT16)
          .put("I8", DataType.INT8)
          .put("U8", DataType.UINT8)
          .put("BOOL", DataType.BOOLEAN)
          .build();

  private final Path path;
  private final FileChannel channel;
  private final long dataStart;
  private final Map<String, Entry> entries;
  private final Map<String, String> metadata;
  private volatile boolean closed;

  private static final class Entry {
    final String dtype;
    final long[] shape;
    final long begin;
    final long end;

    Entry(String dtype, long[] shape, long begin, long end) {
      this.dtype = dtype;
      this.shape = shape;
      this.begin = begin;
      this.end = end;
    }
  }

  private SafetensorsFile(
      Path path, FileChannel channel, long dataStart, Map<String, Entry> entries,
      Map<String, String> metadata) {
    this.path = path;
    this.channel = channel;
    this.dataStart = dataStart;
    this.entries = entries;
    this.metadata = metadata;
  }

  /**
   * Opens and validates a safetensors file.
   *
   * @throws CheckpointException naming the file (and the tensor) when it is missing, truncated or
   *     malformed
   */
  public static SafetensorsFile open(Path file) {
    if (!Files.isRegularFile(file)) {
      throw new CheckpointException("safetensors file " + file + " does not exist");
    }
    FileChannel ch;
    try {
      ch = FileChannel.open(file, StandardOpenOption.READ);
    } catch (IOException e) {
      throw new CheckpointException("cannot open safetensors file " + file + ": " + e, e);
    }
    try {
      return readHeader(file, ch);
    } catch (RuntimeException e) {
      closeQuietly(ch);
      throw e;
    }
  }

  private static SafetensorsFile readHeader(Path file, FileChannel ch) {
    String where = "safetensors file " + file;
    try {
      long size = ch.size();
      if (size < 8) {
        throw new CheckpointException(
            where + " is truncated: " + size + " bytes, fewer than the 8-byte header length");
      }
      ByteBuffer lenBuf = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
      readFully(ch, lenBuf, 0);
      long n = lenBuf.getLong(0);
      if (n < 0 || n > MAX_HEADER_BYTES) {
        throw new CheckpointException(
            where + ": header length " + Long.toUnsignedString(n) + " exceeds the limit of "
                + MAX_HEADER_BYTES + " bytes (corrupt file?)");
      }
      if (8 + n > size) {
        throw new CheckpointException(
            where + ": header length " + n + " runs past the end of the file (" + size
                + " bytes); the file is truncated or corrupt");
      }
      ByteBuffer headerBuf = ByteBuffer.allocate((int) n);
      readFully(ch, headerBuf, 8);
      headerBuf.flip();
      String header;
      try {
        CharBuffer chars =
            StandardCharsets.UTF_8
                .newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT)
                .decode(headerBuf);
        header = chars.toString();
      } catch (CharacterCodingException e) {
        throw new CheckpointException(where + ": the header is not valid UTF-8", e);
      }
      JsonNode root;
      try {
        root = MAPPER.readTree(header);
      } catch (JsonProcessingException e) {
        throw new CheckpointException(
            where + ": the header is not valid JSON: " + e.getOriginalMessage(), e);
      }
      if (root == null || !root.isObject()) {
        throw new CheckpointException(where + ": the header is not a JSON object");
      }
      long dataSize = size - 8 - n;
      Map<String, Entry> entries = new LinkedHashMap<>();
      Map<String, String> metadata = Map.of();
      for (Map.Entry<String, JsonNode> e : root.properties()) {
        String name = e.getKey();
        if (name.equals("__metadata__")) {
          metadata = readMetadata(where, e.getValue());
          continue;
        }
        entries.put(name, readEntry(where, name, e.getValue(), dataSize));
      }
      checkNoOverlap(where, entries);
      return new SafetensorsFile(
          file, ch, 8 + n, Collections.unmodifiableMap(entries), metadata);
    } catch (IOException e) {
      throw new CheckpointException("cannot read " + where + ": " + e, e);
    }
  }

  private static Map<String, String> readMetadata(String where, JsonNode node) {
    if (!node.isObject()) {
      throw new CheckpointException(where + ": __metadata__ must be a JSON object of strings");
    }
    Map<String, String> out = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> m : node.properties()) {
      if (!m.getValue().isTextual()) {
        throw new CheckpointException(
            where + ": __metadata__ value of '" + m.getKey() + "' is not a string: " + m.getValue());
      }
      out.put(m.getKey(), m.getValue().textValue());
    }
    return Collections.unmodifiableMap(out);
  }

  private static Entry readEntry(String where, String name, JsonNode node, long dataSize) {
    String at = where + ": tensor '" + name + "'";
    if (!node.isObject()) {
      throw new CheckpointException(at + ": expected a JSON object, found " + node);
    }
    JsonNode dt = node.get("dtype");
    if (dt == null || !dt.isTextual()) {
      throw new CheckpointException(at + ": missing or non-string dtype");
    }
    String dtype = dt.textValue();
    if (!DTYPES.containsKey(dtype)) {
      throw new CheckpointException(
          at + ": unknown dtype '" + dtype + "' (known: " + DTYPES.keySet() + ")");
    }
    JsonNode sh = node.get("shape");
    if (sh == null || !sh.isArray()) {
      throw new CheckpointException(at + ": missing or non-array shape");
    }
    long[] shape = new long[sh.size()];
    long numel = 1;
    for (int i = 0; i < shape.length; i++) {
      JsonNode d = sh.get(i);
      if (!d.isIntegralNumber() || !d.canConvertToLong() || d.longValue() < 0) {
        throw new CheckpointException(at + ": shape " + sh + " has an invalid dimension " + d);
      }
      shape[i] = d.longValue();
      try {
        numel = Math.multiplyExact(numel, shape[i]);
      } catch (ArithmeticException ex) {
        throw new CheckpointException(at + ": shape " + sh + " overflows");
      }
    }
    JsonNode off = node.get("data_offsets");
    if (off == null || !off.isArray() || off.size() != 2) {
      throw new CheckpointException(at + ": data_offsets must be an array [begin, end]");
    }
    for (JsonNode o : off) {
      if (!o.isIntegralNumber() || !o.canConvertToLong() || o.longValue() < 0) {
        throw new CheckpointException(at + ": data_offsets " + off + " are not non-negative integers");
      }
    }
    long begin = off.get(0).longValue();
    long end = off.get(1).longValue();
    if (end < begin) {
      throw new CheckpointException(at + ": data_offsets " + off + " are not ordered (end < begin)");
    }
    if (end > dataSize) {
      throw new CheckpointException(
          at + ": data_offsets " + off + " lie outside the data section of " + dataSize
              + " bytes (the file is truncated or corrupt)");
    }
    long expected;
    try {
      expected = Math.multiplyExact(numel, (long) DTYPES.get(dtype).getNumOfBytes());
    } catch (ArithmeticException ex) {
      throw new CheckpointException(at + ": shape " + sh + " overflows");
    }
    if (end - begin != expected) {
      throw new CheckpointException(
          at + ": data_offsets " + off + " hold " + (end - begin) + " bytes but shape " + sh
              + " of " + dtype + " needs " + expected);
    }
    return new Entry(dtype, shape, begin, end);
  }

  private static void checkNoOverlap(String where, Map<String, Entry> entries) {
    List<Map.Entry<String, Entry>> sorted = new ArrayList<>(entries.entrySet());
    sorted.removeIf(e -> e.getValue().end == e.getValue().begin);
    sorted.sort(Comparator.comparingLong(e -> e.getValue().begin));
    for (int i = 1; i < sorted.size(); i++) {
      Map.Entry<String, Entry> prev = sorted.get(i - 1);
      Map.Entry<String, Entry> cur = sorted.get(i);
      if (cur.getValue().begin < prev.getValue().end) {
        throw new CheckpointException(
            where + ": tensors '" + prev.getKey() + "' and '" + cur.getKey()
                + "' overlap in the data section");
      }
    }
  }

  private static void readFully(FileChannel ch, ByteBuffer buf, long position) throws IOException {
    long pos = position;
    while (buf.hasRemaining()) {
      int r = ch.read(buf, pos);
      if (r < 0) {
        throw new IOException("unexpected end of file at byte " + pos);
      }
      pos += r;
    }
  }

  /** The safetensors dtype names this reader knows. */
  public static Set<String> knownDtypes() {
    return DTYPES.keySet();
  }

  /**
   * The DJL type of a safetensors dtype.
   *
   * @throws IllegalArgumentException for an unknown dtype
   */
  public static DataType djlType(String dtype) {
    DataType t = DTYPES.get(dtype);
    if (t == null) {
      throw new IllegalArgumentException("unknown safetensors dtype '" + dtype + "'");
    }
    return t;
  }

  /**
   * The safetensors dtype of a DJL type.
   *
   * @throws IllegalArgumentException for a type safetensors files here cannot hold
   */
  public static String safetensorsType(DataType type) {
    for (Map.Entry<String, DataType> e : DTYPES.entrySet()) {
      if (e.getValue() == type) {
        return e.getKey();
      }
    }
    throw new IllegalArgumentException(
        "data type " + type + " cannot be stored in safetensors (supported: " + DTYPES.values() + ")");
  }

  /** The file's path. */
  public Path path() {
    return path;
  }

  /** The tensor names, in header order. */
  public Set<String> names() {
    return entries.keySet();
  }

  /** Whether the file holds a tensor of that name. */
  public boolean contains(String name) {
    return entries.containsKey(name);
  }

  /** The {@code __metadata__} entries (empty when absent). */
  public Map<String, String> metadata() {
    return metadata;
  }

  /** A tensor's safetensors dtype, e.g. {@code "BF16"}. */
  public String dtype(String name) {
    return entry(name).dtype;
  }

  /** A copy of a tensor's shape. */
  public long[] shape(String name) {
    return entry(name).shape.clone();
  }

  /** A tensor's size in bytes. */
  public long byteSize(String name) {
    Entry e = entry(name);
    return e.end - e.begin;
  }

  /**
   * A read-only little-endian view of a tensor's bytes, memory-mapped from the file.
   *
   * @throws CheckpointException when the tensor is larger than 2 GiB or the file cannot be mapped
   * @throws IllegalStateException when the file is closed
   */
  public ByteBuffer data(String name) {
    Entry e = entry(name);
    if (closed) {
      throw new IllegalStateException("safetensors file " + path + " is closed");
    }
    long size = e.end - e.begin;
    if (size > Integer.MAX_VALUE) {
      throw new CheckpointException(
          "safetensors file " + path + ": tensor '" + name + "' has " + size
              + " bytes; tensors of 2 GiB or more are not supported");
    }
    if (size == 0) {
      return ByteBuffer.allocate(0).asReadOnlyBuffer().order(ByteOrder.LITTLE_ENDIAN);
    }
    try {
      return channel.map(FileChannel.MapMode.READ_ONLY, dataStart + e.begin, size)
          .order(ByteOrder.LITTLE_ENDIAN);
    } catch (IOException ex) {
      throw new CheckpointException(
          "cannot map tensor '" + name + "' of safetensors file " + path + ": " + ex, ex);
    }
  }

  private Entry entry(String name) {
    Entry e = entries.get(name);
    if (e == null) {
      throw new CheckpointException(
          "safetensors file " + path + " has no tensor '" + name + "'");
    }
    return e;
  }

  /** Closes the file; mapped views already handed out stay valid until garbage-collected. */
  @Override
  public void close() {
    closed = true;
    closeQuietly(channel);
  }

  private static void closeQuietly(FileChannel ch) {
    try {
      ch.close();
    } catch (IOException ignored) {
      // nothing useful to do
    }
  }

  @Override
  public String toString() {
    return "SafetensorsFile[" + path + ", " + entries.size() + " tensors]";
  }
}
