package io.github.vlmlens.spatial.ids;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.vlmlens.spatial.scene.GridCell;
import io.github.vlmlens.spatial.scene.GridSpec;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdFileTest {
  @TempDir Path tmp;

  static SpatialIds random(long seed, boolean means) {
    GridSpec g = GridSpec.of(3, 48, 0.5, 0.75);
    Random r = new Random(seed);
    List<Integer> layers = List.of(0, 2, 5);
    SpatialIds.Builder b = SpatialIds.builder("toy-model", g, 4, layers).modelFingerprint("weights-" + seed);
    List<ObjectPair> pairs = List.of(ObjectPair.of("ball", "box"), ObjectPair.of("star", "heart"));
    for (int l : layers) {
      for (GridCell c : g.cells()) {
        for (int z = 0; z < 2; z++) {
          b.id(z, l, c, vec(r));
        }
        for (ObjectPair p : pairs) {
          b.pairId(p, l, c, vec(r));
          if (means && p.a().equals("ball")) {
            b.centringMean(p, c, l, vec(r));
          }
        }
      }
    }
    return b.build();
  }

  @Test
  void aFileWrittenBeforeTheFingerprintWasRecordedReadsAsUnknown() throws Exception {
    SpatialIds ids = random(3, false);
    Path file = tmp.resolve("new.vlids");
    ids.save(file);
    // The same file as the previous writer made it: the header without modelFingerprint.
    byte[] bytes = Files.readAllBytes(file);
    java.nio.ByteBuffer in = java.nio.ByteBuffer.wrap(bytes).order(java.nio.ByteOrder.LITTLE_ENDIAN);
    int headerLength = in.getInt(12);
    String json = new String(bytes, 16, headerLength, java.nio.charset.StandardCharsets.UTF_8);
    String legacy = json.replace(",\"modelFingerprint\":\"weights-3\"", "");
    assertTrue(legacy.length() < json.length(), json);
    byte[] h = legacy.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    out.write(bytes, 0, 12);
    out.write(java.nio.ByteBuffer.allocate(4).order(java.nio.ByteOrder.LITTLE_ENDIAN).putInt(h.length).array());
    out.write(h);
    out.write(bytes, 16 + headerLength, bytes.length - 16 - headerLength - 4);
    java.util.zip.CRC32 crc = new java.util.zip.CRC32();
    crc.update(out.toByteArray());
    out.write(java.nio.ByteBuffer.allocate(4).order(java.nio.ByteOrder.LITTLE_ENDIAN).putInt((int) crc.getValue())
        .array());
    Path old = tmp.resolve("old.vlids");
    Files.write(old, out.toByteArray());
    SpatialIds back = SpatialIds.load(old);
    assertEquals(io.github.vlmlens.core.ModelInfo.UNKNOWN, back.modelFingerprint());
    assertEquals(ids.fingerprint(), back.fingerprint());
  }

  private static float[] vec(Random r) {
    float[] v = new float[4];
    for (int i = 0; i < 4; i++) {
      v[i] = (float) r.nextGaussian();
    }
    return v;
  }

  @Test
  void saveAndLoadRoundTripEveryTable() {
    SpatialIds ids = random(1, true);
    Path f = tmp.resolve("sub/ids.vlids");
    ids.save(f);
    SpatialIds back = SpatialIds.load(f);
    assertEquals(ids.fingerprint(), back.fingerprint());
    assertEquals(ids.model(), back.model());
    assertEquals(ids.modelFingerprint(), back.modelFingerprint());
    assertEquals(ids.grid(), back.grid());
    assertEquals(ids.layers(), back.layers());
    assertEquals(ids.pairs(), back.pairs());
    ObjectPair ball = ObjectPair.of("ball", "box");
    ObjectPair star = ObjectPair.of("star", "heart");
    assertTrue(back.hasCentringMeans(ball));
    assertFalse(back.hasCentringMeans(star));
    for (int l : ids.layers()) {
      for (GridCell c : ids.grid().cells()) {
        assertArrayEquals(ids.id(l, c), back.id(l, c));
        assertArrayEquals(ids.id(l, c, 1), back.id(l, c, 1));
        assertArrayEquals(ids.pairId(star, l, c), back.pairId(star, l, c));
        assertArrayEquals(ids.centringMean(ball, c, l), back.centringMean(ball, c, l));
      }
      assertArrayEquals(ids.horizontalAxis(l, AxisNormalisation.PAPER), back.horizontalAxis(l, AxisNormalisation.PAPER));
    }
    // The universal ID is the mean of the sizes' IDs.
    GridCell c = GridCell.of(1, 2);
    float[] s0 = ids.id(2, c, 0);
    float[] s1 = ids.id(2, c, 1);
    float[] u = ids.id(2, c);
    for (int i = 0; i < 4; i++) {
      assertEquals((s0[i] + s1[i]) / 2, u[i], 1e-6);
    }
    assertFalse(Files.exists(tmp.resolve("sub/ids.vlids.tmp")));
  }

  @Test
  void aFlippedByteIsReportedAsCorruptNamingTheFile() throws Exception {
    Path f = tmp.resolve("ids.vlids");
    random(2, false).save(f);
    byte[] bytes = Files.readAllBytes(f);
    bytes[bytes.length - 40] ^= 0x10;
    Files.write(f, bytes);
    UncheckedIOException e = assertThrows(UncheckedIOException.class, () -> SpatialIds.load(f));
    assertTrue(e.getMessage().contains(f.toString()), e.getMessage());
    assertTrue(e.getMessage().contains("CRC-32"), e.getMessage());
  }

  @Test
  void truncatedBadMagicWrongVersionAndMissingFilesAreRefused() throws Exception {
    Path f = tmp.resolve("ids.vlids");
    random(3, true).save(f);
    byte[] bytes = Files.readAllBytes(f);

    Path cut = tmp.resolve("cut.vlids");
    Files.write(cut, Arrays.copyOf(bytes, bytes.length - 100));
    UncheckedIOException e1 = assertThrows(UncheckedIOException.class, () -> SpatialIds.load(cut));
    assertTrue(e1.getMessage().contains(cut.toString()) && e1.getMessage().contains("truncated"), e1.getMessage());

    Path magic = tmp.resolve("magic.vlids");
    byte[] m = bytes.clone();
    m[0] = 'X';
    Files.write(magic, m);
    UncheckedIOException e2 = assertThrows(UncheckedIOException.class, () -> SpatialIds.load(magic));
    assertTrue(e2.getMessage().contains("not a vlmlens spatial-ID file"), e2.getMessage());

    Path version = tmp.resolve("version.vlids");
    byte[] v = bytes.clone();
    ByteBuffer.wrap(v, 8, 4).order(ByteOrder.LITTLE_ENDIAN).putInt(99);
    Files.write(version, v);
    UncheckedIOException e3 = assertThrows(UncheckedIOException.class, () -> SpatialIds.load(version));
    assertTrue(e3.getMessage().contains("version 99") && e3.getMessage().contains(version.toString()),
        e3.getMessage());

    Path missing = tmp.resolve("nope.vlids");
    UncheckedIOException e4 = assertThrows(UncheckedIOException.class, () -> SpatialIds.load(missing));
    assertTrue(e4.getMessage().contains(missing.toString()), e4.getMessage());
  }

  @Test
  void theBuilderRefusesIncompleteTablesAndUnknownLayers() {
    GridSpec g = GridSpec.of(2, 32, 0.5);
    SpatialIds.Builder b = SpatialIds.builder("m", g, 2, List.of(1));
    b.id(1, GridCell.of(0, 0), new float[] {1, 2});
    IllegalStateException e = assertThrows(IllegalStateException.class, b::build);
    assertTrue(e.getMessage().contains("universal IDs"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> b.id(3, GridCell.of(0, 0), new float[] {1, 2}));
    assertThrows(IllegalArgumentException.class, () -> b.id(1, GridCell.of(0, 1), new float[] {1}));
    for (GridCell c : g.cells()) {
      b.id(1, c, new float[] {c.row(), c.column()});
    }
    SpatialIds ids = b.build();
    IllegalArgumentException layer = assertThrows(IllegalArgumentException.class, () -> ids.id(2, GridCell.of(0, 0)));
    assertTrue(layer.getMessage().contains("held: [1]"), layer.getMessage());
    assertThrows(IllegalArgumentException.class, () -> ids.pairId(ObjectPair.of("a", "b"), 1, GridCell.of(0, 0)));
  }
}
