package io.github.vlmlens.hooks.internal.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.github.vlmlens.hooks.CheckpointException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

class SafetensorsTest {
  private static NDManager manager;

  @TempDir Path dir;

  @BeforeAll
  static void setUp() {
    manager = NDManager.newBaseManager();
  }

  @AfterAll
  static void tearDown() {
    manager.close();
  }

  // -----------------------------------------------------------------------------------------
  // Round trip

  @Test
  void writeThenReadRoundTrips() throws IOException {
    // Values exactly representable in float16 and bfloat16, so conversions are exact.
    float[] f32 = {1.5f, -2.0f, 0.15625f, 3.0f, -0.5f, 1024.0f};
    Map<String, NDArray> tensors = new LinkedHashMap<>();
    tensors.put("z.f32", manager.create(f32, new Shape(2, 3)));
    tensors.put("a.f16", manager.create(new float[] {1.5f, -2.0f, 0.25f, 8.0f}).toType(DataType.FLOAT16, false));
    tensors.put("i.i64", manager.create(new long[] {7, -1, 1L << 40}));
    tensors.put("b.bool", manager.create(new boolean[] {true, false, true}));
    Path file = dir.resolve("model.safetensors");
    SafetensorsWriter.write(file, tensors, Map.of("format", "pt"));

    // The header: 8-byte length, a multiple of 8, padded with spaces, names in sorted order.
    byte[] bytes = Files.readAllBytes(file);
    long n = ByteBuffer.wrap(bytes, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
    assertEquals(0, n % 8);
    String header = new String(bytes, 8, (int) n, StandardCharsets.UTF_8);
    assertTrue(header.startsWith("{"));
    assertTrue(header.stripTrailing().endsWith("}"));
    assertTrue(header.indexOf("\"a.f16\"") < header.indexOf("\"b.bool\""));
    assertTrue(header.indexOf("\"b.bool\"") < header.indexOf("\"i.i64\""));
    assertTrue(header.indexOf("\"i.i64\"") < header.indexOf("\"z.f32\""));
    // a.f16 (8 bytes), b.bool (3), i.i64 (24), z.f32 (24), back to back in that order.
    assertEquals(8 + n + 8 + 3 + 24 + 24, bytes.length);

    try (SafetensorsFile f = SafetensorsFile.open(file)) {
      assertEquals(Set.of("a.f16", "b.bool", "i.i64", "z.f32"), f.names());
      assertEquals(Map.of("format", "pt"), f.metadata());
      assertEquals("F16", f.dtype("a.f16"));
      assertEquals("BOOL", f.dtype("b.bool"));
      assertEquals("I64", f.dtype("i.i64"));
      assertEquals("F32", f.dtype("z.f32"));
      assertArrayEquals(new long[] {2, 3}, f.shape("z.f32"));
      assertEquals(24, f.byteSize("z.f32"));
      ByteBuffer z = f.data("z.f32");
      assertEquals(ByteOrder.LITTLE_ENDIAN, z.order());
      assertTrue(z.isReadOnly());
      for (int i = 0; i < f32.length; i++) {
        assertEquals(f32[i], z.getFloat(4 * i));
      }
      // z.f32 starts right after a.f16, b.bool and i.i64 in the data section.
      assertEquals(Float.floatToIntBits(f32[0]),
          ByteBuffer.wrap(bytes, (int) (8 + n + 8 + 3 + 24), 4).order(ByteOrder.LITTLE_ENDIAN).getInt());
    }

    try (SafetensorsCheckpoint ckpt = SafetensorsCheckpoint.open(dir)) {
      assertEquals(List.of("a.f16", "b.bool", "i.i64", "z.f32"), List.copyOf(ckpt.names()));
      NDArray z = ckpt.load(manager, "z.f32", DataType.FLOAT32);
      assertEquals(new Shape(2, 3), z.getShape());
      assertArrayEquals(f32, z.toFloatArray());
      NDArray h = ckpt.load(manager, "a.f16", DataType.FLOAT32);
      assertArrayEquals(new float[] {1.5f, -2.0f, 0.25f, 8.0f}, h.toFloatArray());
      NDArray hRaw = ckpt.load(manager, "a.f16", DataType.FLOAT16);
      assertEquals(DataType.FLOAT16, hRaw.getDataType());
      NDArray zHalf = ckpt.load(manager, "z.f32", DataType.FLOAT16);
      assertEquals(DataType.FLOAT16, zHalf.getDataType());
      assertArrayEquals(f32, zHalf.toType(DataType.FLOAT32, false).toFloatArray());
      assertArrayEquals(new long[] {7, -1, 1L << 40}, ckpt.load(manager, "i.i64", DataType.INT64).toLongArray());
      assertArrayEquals(
          new boolean[] {true, false, true}, ckpt.load(manager, "b.bool", DataType.BOOLEAN).toBooleanArray());
      // A loaded array owns its memory: writing to it leaves the file untouched.
      z.addi(1f);
      assertArrayEquals(f32, ckpt.load(manager, "z.f32", DataType.FLOAT32).toFloatArray());
    }
  }

  @Test
  void bfloat16IsWrittenAndReadOnTheHost() throws IOException {
    // 1 + 2^-8 lies halfway between 1 and 1 + 2^-7: nearest-even keeps 1. 1 + 3 * 2^-8 lies
    // halfway between 1 + 2^-7 (odd mantissa) and 1 + 2^-6 (even): it rounds up to 1.015625.
    // -3e-3f is 0xBB449BA6: its low half 0x9BA6 is above 0x8000, so it rounds up to 0xBB45.
    float[] in = {1.5f, -2.0f, 1.00390625f, 1.01171875f, 0.15625f, -3.0e-3f};
    float[] expected = {1.5f, -2.0f, 1.0f, 1.015625f, 0.15625f, Float.intBitsToFloat(0xBB450000)};
    Path file = dir.resolve("model.safetensors");
    SafetensorsWriter.write(
        file,
        Map.of("w", manager.create(in, new Shape(3, 2)), "ids", manager.create(new long[] {4, 5})),
        Map.of(),
        "BF16");
    try (SafetensorsFile f = SafetensorsFile.open(file)) {
      assertEquals("BF16", f.dtype("w"));
      assertEquals("I64", f.dtype("ids")); // integer arrays keep their type
      assertEquals(12, f.byteSize("w"));
      ByteBuffer raw = f.data("w");
      for (int i = 0; i < in.length; i++) {
        assertEquals((short) (Float.floatToIntBits(expected[i]) >>> 16), raw.getShort(2 * i), "element " + i);
      }
    }
    try (SafetensorsCheckpoint c = SafetensorsCheckpoint.open(dir)) {
      NDArray w = c.load(manager, "w", DataType.FLOAT32);
      assertEquals(new Shape(3, 2), w.getShape());
      assertArrayEquals(expected, w.toFloatArray());
      NDArray half = c.load(manager, "w", DataType.FLOAT16);
      assertEquals(DataType.FLOAT16, half.getDataType());
      assertArrayEquals(new float[] {1.5f, -2.0f, 1.0f, 1.015625f, 0.15625f},
          Arrays.copyOf(half.toType(DataType.FLOAT32, false).toFloatArray(), 5));
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> c.load(manager, "w", DataType.BFLOAT16));
      assertTrue(e.getMessage().contains("'w'") && e.getMessage().contains("bfloat16"), e.getMessage());
    }
    assertEquals((short) 0x7FC0, SafetensorsWriter.toBfloat16(Float.NaN));
    assertEquals((short) 0x7F80, SafetensorsWriter.toBfloat16(Float.POSITIVE_INFINITY));
  }

  @Test
  void int16IsWidenedOnTheHost() throws IOException {
    ByteBuffer data = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
    data.putShort((short) 1).putShort((short) -2).putShort((short) 300).putShort((short) -32768);
    Path file = rawWithData(
        "{\"s\":{\"dtype\":\"I16\",\"shape\":[2,2],\"data_offsets\":[0,8]}}", data.array());
    Files.move(file, dir.resolve("model.safetensors"));
    try (SafetensorsCheckpoint c = SafetensorsCheckpoint.open(dir)) {
      assertEquals("I16", c.dtype("s"));
      NDArray s = c.load(manager, "s", DataType.INT32);
      assertEquals(new Shape(2, 2), s.getShape());
      assertArrayEquals(new int[] {1, -2, 300, -32768}, s.toIntArray());
      assertArrayEquals(new float[] {1, -2, 300, -32768}, c.load(manager, "s", DataType.FLOAT32).toFloatArray());
    }
  }

  @Test
  void emptyTensorsAndScalars() throws IOException {
    Map<String, NDArray> tensors = new LinkedHashMap<>();
    tensors.put("empty", manager.create(new float[0], new Shape(0, 4)));
    tensors.put("scalar", manager.create(2.5f));
    Path file = dir.resolve("x.safetensors");
    SafetensorsWriter.write(file, tensors, Map.of());
    try (SafetensorsCheckpoint ckpt = SafetensorsCheckpoint.open(dir)) {
      assertArrayEquals(new long[] {0, 4}, ckpt.shape("empty"));
      assertEquals(new Shape(0, 4), ckpt.load(manager, "empty", DataType.FLOAT32).getShape());
      NDArray s = ckpt.load(manager, "scalar", DataType.FLOAT32);
      assertEquals(new Shape(), s.getShape());
      assertEquals(2.5f, s.getFloat());
    }
  }

  // -----------------------------------------------------------------------------------------
  // Corrupt files

  @Test
  void headerLengthPastTheFile() throws IOException {
    Path f = dir.resolve("bad.safetensors");
    ByteBuffer b = ByteBuffer.allocate(8 + 10).order(ByteOrder.LITTLE_ENDIAN);
    b.putLong(1000).put("{\"a\":1}   ".getBytes(StandardCharsets.UTF_8));
    Files.write(f, b.array());
    assertFails(() -> SafetensorsFile.open(f), f.toString(), "runs past the end");
  }

  @Test
  void headerLengthOverTheLimit() throws IOException {
    Path f = dir.resolve("huge.safetensors");
    ByteBuffer b = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN);
    b.putLong(SafetensorsFile.MAX_HEADER_BYTES + 1);
    Files.write(f, b.array());
    assertFails(() -> SafetensorsFile.open(f), f.toString(), "exceeds the limit");
    ByteBuffer neg = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN);
    neg.putLong(-8);
    Files.write(f, neg.array());
    assertFails(() -> SafetensorsFile.open(f), f.toString(), "exceeds the limit");
  }

  @Test
  void fileShorterThanTheLengthField() throws IOException {
    Path f = dir.resolve("tiny.safetensors");
    Files.write(f, new byte[] {1, 2, 3});
    assertFails(() -> SafetensorsFile.open(f), f.toString(), "truncated");
  }

  @Test
  void offsetsOutsideTheDataSection() throws IOException {
    Path f = raw("{\"w\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]}}", 8);
    assertFails(() -> SafetensorsFile.open(f), f.toString(), "'w'", "outside the data section");
  }

  @Test
  void offsetsNotOrdered() throws IOException {
    Path f = raw("{\"w\":{\"dtype\":\"F32\",\"shape\":[0],\"data_offsets\":[8,4]}}", 8);
    assertFails(() -> SafetensorsFile.open(f), f.toString(), "'w'", "not ordered");
  }

  @Test
  void byteSizeDisagreesWithShape() throws IOException {
    Path f = raw("{\"w\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,8]}}", 8);
    assertFails(() -> SafetensorsFile.open(f), f.toString(), "'w'", "needs 12");
  }

  @Test
  void unknownDtype() throws IOException {
    Path f = raw("{\"w\":{\"dtype\":\"F8_E4M3\",\"shape\":[8],\"data_offsets\":[0,8]}}", 8);
    assertFails(() -> SafetensorsFile.open(f), f.toString(), "'w'", "unknown dtype 'F8_E4M3'");
  }

  @Test
  void negativeDimension() throws IOException {
    Path f = raw("{\"w\":{\"dtype\":\"U8\",\"shape\":[-1],\"data_offsets\":[0,0]}}", 0);
    assertFails(() -> SafetensorsFile.open(f), f.toString(), "'w'", "invalid dimension");
  }

  @Test
  void overlappingTensors() throws IOException {
    Path f =
        raw(
            "{\"a\":{\"dtype\":\"U8\",\"shape\":[6],\"data_offsets\":[0,6]},"
                + "\"b\":{\"dtype\":\"U8\",\"shape\":[4],\"data_offsets\":[4,8]}}",
            8);
    assertFails(() -> SafetensorsFile.open(f), f.toString(), "'a'", "'b'", "overlap");
  }

  @Test
  void nonJsonHeader() throws IOException {
    Path f = raw("this is not json", 0);
    assertFails(() -> SafetensorsFile.open(f), f.toString(), "not valid JSON");
    Path arr = raw("[1, 2, 3]", 0);
    assertFails(() -> SafetensorsFile.open(arr), arr.toString(), "not a JSON object");
    Path dup =
        raw(
            "{\"w\":{\"dtype\":\"U8\",\"shape\":[1],\"data_offsets\":[0,1]},"
                + "\"w\":{\"dtype\":\"U8\",\"shape\":[1],\"data_offsets\":[0,1]}}",
            8);
    assertFails(() -> SafetensorsFile.open(dup), dup.toString(), "not valid JSON", "w");
  }

  @Test
  void invalidUtf8Header() throws IOException {
    Path f = dir.resolve("utf.safetensors");
    byte[] header = {'{', '"', (byte) 0xC3, (byte) 0x28, '"', ':', '1', '}'};
    ByteBuffer b = ByteBuffer.allocate(8 + header.length).order(ByteOrder.LITTLE_ENDIAN);
    b.putLong(header.length).put(header);
    Files.write(f, b.array());
    assertFails(() -> SafetensorsFile.open(f), f.toString(), "UTF-8");
  }

  @Test
  void truncatedFile() throws IOException {
    Path file = dir.resolve("model.safetensors");
    SafetensorsWriter.write(
        file,
        Map.of("a", manager.create(new float[] {1, 2, 3, 4}), "b", manager.create(new float[] {5, 6})),
        Map.of());
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
      ch.truncate(ch.size() - 3);
    }
    assertFails(() -> SafetensorsFile.open(file), file.toString(), "'b'", "truncated");
    assertFails(() -> SafetensorsCheckpoint.open(dir), file.toString(), "'b'");
  }

  @Test
  void metadataMustHoldStrings() throws IOException {
    Path f = raw("{\"__metadata__\":{\"format\":1}}", 0);
    assertFails(() -> SafetensorsFile.open(f), f.toString(), "__metadata__");
  }

  // -----------------------------------------------------------------------------------------
  // Checkpoints

  @Test
  void canonicalisesBothLayouts() {
    assertEquals(
        "language_model.model.layers.0.self_attn.q_proj.weight",
        SafetensorsCheckpoint.canonicalName("model.language_model.layers.0.self_attn.q_proj.weight"));
    assertEquals(
        "language_model.model.layers.0.self_attn.q_proj.weight",
        SafetensorsCheckpoint.canonicalName("language_model.model.layers.0.self_attn.q_proj.weight"));
    assertEquals("language_model.lm_head.weight", SafetensorsCheckpoint.canonicalName("lm_head.weight"));
    assertEquals(
        "language_model.lm_head.weight",
        SafetensorsCheckpoint.canonicalName("language_model.lm_head.weight"));
    assertEquals(
        "vision_tower.vision_model.embeddings.class_embedding",
        SafetensorsCheckpoint.canonicalName("model.vision_tower.vision_model.embeddings.class_embedding"));
    assertEquals(
        "vision_tower.vision_model.embeddings.class_embedding",
        SafetensorsCheckpoint.canonicalName("vision_tower.vision_model.embeddings.class_embedding"));
    assertEquals(
        "multi_modal_projector.linear_1.weight",
        SafetensorsCheckpoint.canonicalName("model.multi_modal_projector.linear_1.weight"));
    assertEquals(
        "multi_modal_projector.linear_2.bias",
        SafetensorsCheckpoint.canonicalName("multi_modal_projector.linear_2.bias"));
    assertTrue(SafetensorsCheckpoint.isIgnored("vision_tower.vision_model.embeddings.position_ids"));
    assertTrue(SafetensorsCheckpoint.isIgnored("language_model.model.layers.0.self_attn.rotary_emb.inv_freq"));
  }

  @Test
  void newLayoutLoadsUnderOldNamesAndBuffersAreIgnored() throws IOException {
    Map<String, NDArray> t = new LinkedHashMap<>();
    t.put("model.language_model.norm.weight", manager.create(new float[] {1, 2}));
    t.put("lm_head.weight", manager.create(new float[] {3, 4}, new Shape(1, 2)));
    t.put("model.vision_tower.vision_model.post_layernorm.bias", manager.create(new float[] {5}));
    t.put("model.multi_modal_projector.linear_1.bias", manager.create(new float[] {6}));
    t.put("model.vision_tower.vision_model.embeddings.position_ids", manager.create(new long[] {0, 1}));
    t.put("model.language_model.layers.0.self_attn.rotary_emb.inv_freq", manager.create(new float[] {1}));
    SafetensorsWriter.write(dir.resolve("model.safetensors"), t, Map.of());
    try (SafetensorsCheckpoint c = SafetensorsCheckpoint.open(dir)) {
      assertEquals(
          Set.of(
              "language_model.model.norm.weight",
              "language_model.lm_head.weight",
              "vision_tower.vision_model.post_layernorm.bias",
              "multi_modal_projector.linear_1.bias"),
          c.names());
      assertArrayEquals(
          new float[] {3, 4}, c.load(manager, "language_model.lm_head.weight", DataType.FLOAT32).toFloatArray());
    }
  }

  @Test
  void duplicateCanonicalNamesAreAnError() throws IOException {
    SafetensorsWriter.write(
        dir.resolve("model.safetensors"),
        Map.of(
            "lm_head.weight", manager.create(new float[] {1}),
            "language_model.lm_head.weight", manager.create(new float[] {2})),
        Map.of());
    assertFails(
        () -> SafetensorsCheckpoint.open(dir),
        "'lm_head.weight'",
        "'language_model.lm_head.weight'",
        "both map to");
  }

  @Test
  void shardedIndex() throws IOException {
    SafetensorsWriter.write(
        dir.resolve("model-00001-of-00002.safetensors"),
        Map.of("language_model.model.norm.weight", manager.create(new float[] {1, 2})),
        Map.of());
    SafetensorsWriter.write(
        dir.resolve("model-00002-of-00002.safetensors"),
        Map.of("language_model.lm_head.weight", manager.create(new float[] {3, 4})),
        Map.of());
    // A stray file the index does not name must not be read.
    SafetensorsWriter.write(dir.resolve("stray.safetensors"), Map.of("x", manager.create(new float[] {9})), Map.of());
    Files.writeString(
        dir.resolve("model.safetensors.index.json"),
        "{\"metadata\": {\"total_size\": 16}, \"weight_map\": {"
            + "\"language_model.model.norm.weight\": \"model-00001-of-00002.safetensors\","
            + "\"language_model.lm_head.weight\": \"model-00002-of-00002.safetensors\"}}");
    try (SafetensorsCheckpoint c = SafetensorsCheckpoint.open(dir)) {
      assertEquals(Set.of("language_model.model.norm.weight", "language_model.lm_head.weight"), c.names());
      assertArrayEquals(
          new float[] {3, 4}, c.load(manager, "language_model.lm_head.weight", DataType.FLOAT32).toFloatArray());
    }

    // The index assigning a tensor to the wrong shard.
    Files.writeString(
        dir.resolve("model.safetensors.index.json"),
        "{\"weight_map\": {"
            + "\"language_model.model.norm.weight\": \"model-00002-of-00002.safetensors\","
            + "\"language_model.lm_head.weight\": \"model-00002-of-00002.safetensors\"}}");
    assertFails(() -> SafetensorsCheckpoint.open(dir), "'language_model.model.norm.weight'", "does not hold it");
  }

  @Test
  void shardedIndexWithAMissingShard() throws IOException {
    SafetensorsWriter.write(
        dir.resolve("model-00001-of-00002.safetensors"),
        Map.of("a", manager.create(new float[] {1})),
        Map.of());
    Files.writeString(
        dir.resolve("model.safetensors.index.json"),
        "{\"weight_map\": {\"a\": \"model-00001-of-00002.safetensors\","
            + " \"b\": \"model-00002-of-00002.safetensors\"}}");
    assertFails(() -> SafetensorsCheckpoint.open(dir), "model-00002-of-00002.safetensors", "does not exist");
  }

  @Test
  void fallsBackToEverySafetensorsFile() throws IOException {
    SafetensorsWriter.write(dir.resolve("part-a.safetensors"), Map.of("a", manager.create(new float[] {1})), Map.of());
    SafetensorsWriter.write(dir.resolve("part-b.safetensors"), Map.of("b", manager.create(new float[] {2})), Map.of());
    try (SafetensorsCheckpoint c = SafetensorsCheckpoint.open(dir)) {
      assertEquals(Set.of("a", "b"), c.names());
    }
  }

  @Test
  void emptyOrMissingDirectory() {
    assertFails(() -> SafetensorsCheckpoint.open(dir), dir.toString(), "no model.safetensors");
    Path missing = dir.resolve("nope");
    assertFails(() -> SafetensorsCheckpoint.open(missing), missing.toString(), "does not exist");
  }

  @Test
  void absentNameListsNearNamesAndShapeMismatchNamesBoth() throws IOException {
    SafetensorsWriter.write(
        dir.resolve("model.safetensors"),
        Map.of(
            "language_model.model.norm.weight", manager.create(new float[] {1, 2}),
            "language_model.model.embed_tokens.weight", manager.create(new float[] {1, 2, 3, 4}, new Shape(2, 2)),
            "multi_modal_projector.linear_1.bias", manager.create(new float[] {1})),
        Map.of());
    try (SafetensorsCheckpoint c = SafetensorsCheckpoint.open(dir)) {
      assertFails(
          () -> c.load(manager, "language_model.model.norm.weigth", DataType.FLOAT32),
          "'language_model.model.norm.weigth'",
          "language_model.model.norm.weight");
      assertEquals("language_model.model.norm.weight", c.nearNames("language_model.model.norm.weigth", 1).get(0));
      assertFails(
          () -> c.load(manager, "language_model.model.embed_tokens.weight", DataType.FLOAT32, new Shape(2, 3)),
          "'language_model.model.embed_tokens.weight'",
          "[2, 2]",
          "[2, 3]");
      assertEquals(
          new Shape(2, 2),
          c.load(manager, "language_model.model.embed_tokens.weight", DataType.FLOAT32, new Shape(2, 2)).getShape());
    }
  }

  @Test
  void writerRejectsUnsupportedTypes() {
    NDArray u = manager.create(new int[] {1}).toType(DataType.FLOAT64, false);
    assertEquals("F64", SafetensorsFile.safetensorsType(u.getDataType()));
    assertThrows(IllegalArgumentException.class, () -> SafetensorsFile.safetensorsType(DataType.STRING));
    assertThrows(IllegalArgumentException.class, () -> SafetensorsFile.djlType("F8_E5M2"));
  }

  // -----------------------------------------------------------------------------------------

  /** A file with the given header (padded to a multiple of 8) and {@code dataBytes} zero bytes. */
  private Path raw(String header, int dataBytes) throws IOException {
    return rawWithData(header, new byte[dataBytes]);
  }

  /** A file with the given header (padded to a multiple of 8) and data section. */
  private Path rawWithData(String header, byte[] data) throws IOException {
    byte[] h = header.getBytes(StandardCharsets.UTF_8);
    int padded = (h.length + 7) / 8 * 8;
    ByteBuffer b = ByteBuffer.allocate(8 + padded + data.length).order(ByteOrder.LITTLE_ENDIAN);
    b.putLong(padded).put(h);
    for (int i = h.length; i < padded; i++) {
      b.put((byte) ' ');
    }
    b.put(data);
    Path f = Files.createTempFile(dir, "raw", ".bin");
    Files.write(f, b.array());
    return f;
  }

  private static void assertFails(Executable e, String... fragments) {
    CheckpointException ex = assertThrows(CheckpointException.class, e);
    for (String fragment : fragments) {
      assertTrue(
          ex.getMessage().contains(fragment), () -> "'" + fragment + "' not in: " + ex.getMessage());
    }
  }
}
