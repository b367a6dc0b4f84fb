package io.github.vlmlens.hooks.internal.io;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Writes NDArrays to a {@code .safetensors} file: tensors in sorted name order, laid out back to
 * back, the JSON header padded with spaces to a multiple of 8 bytes, an optional
 * {@code __metadata__} object.
 *
 * <p>Arrays are stored in their own type (F64, F32, F16, I64, I32, I8, U8, BOOL), or, with
 * {@link #write(Path, Map, Map, String)}, floating arrays in a chosen float type: {@code "F32"},
 * {@code "F16"} (converted by the engine) or {@code "BF16"} (rounded to nearest-even on the host,
 * as PyTorch does, because DJL's PyTorch engine has no bfloat16 arrays).
 */
public final class SafetensorsWriter {
  private static final JsonMapper MAPPER = JsonMapper.builder().build();
  private static final Set<String> FLOAT_TYPES = Set.of("F32", "F16", "BF16");

  private SafetensorsWriter() {}

  /**
   * Writes {@code tensors} (name to array) and {@code metadata} to {@code file}, each array in its
   * own type. The file is written next to its destination and moved into place when complete.
   *
   * @throws IllegalArgumentException for an unsupported data type or an invalid name
   * @throws IOException when the file cannot be written
   */
  public static void write(Path file, Map<String, NDArray> tensors, Map<String, String> metadata)
      throws IOException {
    write(file, tensors, metadata, null);
  }

  /**
   * Writes {@code tensors} with every floating array stored as {@code floatDtype} ({@code "F32"},
   * {@code "F16"} or {@code "BF16"}; null keeps each array's type).
   *
   * @throws IllegalArgumentException for an unsupported data type or an invalid name
   * @throws IOException when the file cannot be written
   */
  public static void write(
      Path file, Map<String, NDArray> tensors, Map<String, String> metadata, String floatDtype)
      throws IOException {
    if (floatDtype != null && !FLOAT_TYPES.contains(floatDtype)) {
      throw new IllegalArgumentException(
          "floatDtype must be one of " + FLOAT_TYPES + " or null, got '" + floatDtype + "'");
    }
    Map<String, NDArray> sorted = new TreeMap<>(tensors);
    Map<String, String> dtypes = new TreeMap<>();
    ObjectNode header = MAPPER.createObjectNode();
    if (metadata != null && !metadata.isEmpty()) {
      ObjectNode meta = header.putObject("__metadata__");
      new TreeMap<>(metadata).forEach(meta::put);
    }
    long offset = 0;
    for (Map.Entry<String, NDArray> e : sorted.entrySet()) {
      String name = e.getKey();
      if (name.equals("__metadata__") || name.isEmpty()) {
        throw new IllegalArgumentException("invalid tensor name '" + name + "'");
      }
      NDArray a = e.getValue();
      String dtype;
      try {
        dtype = SafetensorsFile.safetensorsType(a.getDataType());
      } catch (IllegalArgumentException ex) {
        throw new IllegalArgumentException("tensor '" + name + "': " + ex.getMessage(), ex);
      }
      if (floatDtype != null && a.getDataType().isFloating()) {
        dtype = floatDtype;
      }
      dtypes.put(name, dtype);
      long bytes = a.getShape().size() * SafetensorsFile.djlType(dtype).getNumOfBytes();
      ObjectNode t = header.putObject(name);
      t.put("dtype", dtype);
      ArrayNode shape = t.putArray("shape");
      for (long d : a.getShape().getShape()) {
        shape.add(d);
      }
      ArrayNode off = t.putArray("data_offsets");
      off.add(offset);
      off.add(offset + bytes);
      offset += bytes;
    }
    byte[] json;
    try {
      json = MAPPER.writeValueAsString(header).getBytes(StandardCharsets.UTF_8);
    } catch (JsonProcessingException ex) {
      throw new IllegalStateException(ex);
    }
    int padded = (json.length + 7) / 8 * 8;
    ByteBuffer head = ByteBuffer.allocate(8 + padded).order(ByteOrder.LITTLE_ENDIAN);
    head.putLong(padded);
    head.put(json);
    while (head.hasRemaining()) {
      head.put((byte) ' ');
    }
    head.flip();
    if (ByteOrder.nativeOrder() != ByteOrder.LITTLE_ENDIAN) {
      throw new UnsupportedOperationException("safetensors writing needs a little-endian host");
    }

    Path dir = file.toAbsolutePath().getParent();
    Files.createDirectories(dir);
    Path tmp = Files.createTempFile(dir, file.getFileName().toString(), ".tmp");
    try {
      try (FileChannel ch =
          FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
        writeFully(ch, head);
        for (Map.Entry<String, NDArray> e : sorted.entrySet()) {
          writeTensor(ch, e.getKey(), e.getValue(), dtypes.get(e.getKey()));
        }
      }
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  private static void writeTensor(FileChannel ch, String name, NDArray a, String dtype)
      throws IOException {
    long numel = a.getShape().size();
    if (numel == 0) {
      return;
    }
    DataType want = SafetensorsFile.djlType(dtype);
    ByteBuffer data;
    if (want == DataType.BFLOAT16) {
      ByteBuffer f32 = bytesOf(a, DataType.FLOAT32);
      data = ByteBuffer.allocate(Math.toIntExact(numel * 2)).order(ByteOrder.LITTLE_ENDIAN);
      while (f32.hasRemaining()) {
        data.putShort(toBfloat16(f32.getFloat()));
      }
      data.flip();
    } else {
      data = bytesOf(a, want);
    }
    long expected = numel * want.getNumOfBytes();
    if (data.remaining() != expected) {
      throw new IllegalStateException(
          "tensor '" + name + "' exported " + data.remaining() + " bytes, expected " + expected);
    }
    writeFully(ch, data);
  }

  private static ByteBuffer bytesOf(NDArray a, DataType type) {
    if (a.getDataType() == type) {
      return a.toByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
    }
    try (NDArray c = a.toType(type, false)) {
      ByteBuffer b = c.toByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
      ByteBuffer copy = ByteBuffer.allocate(b.remaining()).order(ByteOrder.LITTLE_ENDIAN);
      copy.put(b).flip();
      return copy;
    }
  }

  /** A float32 rounded to bfloat16, nearest-even (NaN stays a quiet NaN), as PyTorch rounds. */
  static short toBfloat16(float f) {
    int bits = Float.floatToRawIntBits(f);
    if (Float.isNaN(f)) {
      return (short) ((bits >>> 16) | 0x0040);
    }
    int lsb = (bits >>> 16) & 1;
    return (short) ((bits + 0x7FFF + lsb) >>> 16);
  }

  private static void writeFully(FileChannel ch, ByteBuffer buf) throws IOException {
    while (buf.hasRemaining()) {
      ch.write(buf);
    }
  }
}
