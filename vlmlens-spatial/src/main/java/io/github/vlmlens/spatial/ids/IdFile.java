package io.github.vlmlens.spatial.ids;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.github.vlmlens.spatial.scene.GridCell;
import io.github.vlmlens.spatial.scene.GridSpec;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32;
import java.util.zip.CheckedOutputStream;

/**
 * The spatial-ID file format, version {@value #VERSION}. Layout (integers and floats
 * little-endian):
 *
 * <ol>
 *   <li>the 8 ASCII bytes {@code VLMLNSID};
 *   <li>the format version, int32;
 *   <li>the header length {@code H} in bytes, int32, then {@code H} bytes of UTF-8 JSON (a
 *       {@link Header}: model, the model's weights fingerprint, hidden size, grid, layers, pairs;
 *       files written before the fingerprint was recorded lack it and read as unknown);
 *   <li>float32 data: the universal IDs per size {@code [size][layer][cell][hidden]}; then for each
 *       pair in header order its IDs {@code [layer][cell][hidden]}; then for each pair whose
 *       {@code centringMeans} is true its means {@code [aCell][layer][hidden]} (cells row-major,
 *       layers in header order);
 *   <li>the CRC-32 of every byte before it, as an int32.
 * </ol>
 */
final class IdFile {
  /** The format version this code writes and reads. */
  public static final int VERSION = 1;

  private static final byte[] MAGIC = "VLMLNSID".getBytes(StandardCharsets.US_ASCII);
  private static final String FORMAT = "vlmlens spatial IDs";
  private static final ObjectMapper MAPPER =
      JsonMapper.builder().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build();

  private IdFile() {}

  /**
   * The JSON header.
   *
   * @param format always {@value #FORMAT}
   * @param version the format version
   * @param model the model's name
   * @param hiddenSize the vector length
   * @param gridSize the grid's m
   * @param canvasPx the canvas side
   * @param sizeFractions the object sizes
   * @param layers the layers, ascending
   * @param pairs the pairs with per-pair IDs, in order
   * @param layout the data layout, in words
   * @param modelFingerprint the extracting model's weights fingerprint ({@code null} in older files)
   */
  public record Header(
      String format,
      int version,
      String model,
      int hiddenSize,
      int gridSize,
      int canvasPx,
      List<Double> sizeFractions,
      List<Integer> layers,
      List<PairEntry> pairs,
      String layout,
      String modelFingerprint) {}

  /**
   * One pair of the header.
   *
   * @param a the reference object
   * @param b the asked-about object
   * @param centringMeans whether the file holds the pair's centring means
   */
  public record PairEntry(String a, String b, boolean centringMeans) {}

  /** Writes {@code ids} to {@code file} through a temporary sibling. */
  public static void write(SpatialIds ids, Path file) {
    GridSpec g = ids.grid();
    List<PairEntry> pairs = new ArrayList<>();
    for (ObjectPair p : ids.pairs()) {
      pairs.add(new PairEntry(p.a(), p.b(), ids.hasCentringMeans(p)));
    }
    Header h = new Header(
        FORMAT, VERSION, ids.model(), ids.hiddenSize(), g.gridSize(), g.canvasPx(), g.sizeFractions(),
        ids.layers(), pairs,
        "float32 LE: ids[size][layer][cell][hidden]; per pair ids[layer][cell][hidden]; per pair with"
            + " centring means means[aCell][layer][hidden]; cells row-major; then CRC-32 of all bytes before",
        ids.modelFingerprint());
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    try {
      Path parent = file.toAbsolutePath().getParent();
      if (parent != null) {
        Files.createDirectories(parent);
      }
      CRC32 crc = new CRC32();
      try (OutputStream raw = Files.newOutputStream(tmp);
          CheckedOutputStream out = new CheckedOutputStream(new BufferedOutputStream(raw, 1 << 16), crc)) {
        byte[] json = MAPPER.writeValueAsBytes(h);
        out.write(MAGIC);
        out.write(int32(VERSION));
        out.write(int32(json.length));
        out.write(json);
        List<GridCell> cells = g.cells();
        for (int z = 0; z < g.sizeCount(); z++) {
          for (int l : ids.layers()) {
            for (GridCell c : cells) {
              out.write(floats(ids.id(l, c, z)));
            }
          }
        }
        for (ObjectPair p : ids.pairs()) {
          for (int l : ids.layers()) {
            for (GridCell c : cells) {
              out.write(floats(ids.pairId(p, l, c)));
            }
          }
        }
        for (ObjectPair p : ids.pairs()) {
          if (ids.hasCentringMeans(p)) {
            for (GridCell a : cells) {
              for (int l : ids.layers()) {
                out.write(floats(ids.centringMean(p, a, l)));
              }
            }
          }
        }
        out.flush();
        raw.write(int32((int) crc.getValue()));
      }
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the spatial IDs to " + file, e);
    }
  }

  /** Reads a file written by {@link #write}. */
  public static SpatialIds read(Path file) {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      throw corrupt(file, "does not exist");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the spatial IDs file " + file + ": " + e.getMessage(), e);
    } catch (OutOfMemoryError e) {
      throw corrupt(file, "is too large to read into memory");
    }
    if (bytes.length < MAGIC.length + 12 || !Arrays.equals(Arrays.copyOf(bytes, MAGIC.length), MAGIC)) {
      throw corrupt(file, "is not a vlmlens spatial-ID file (it does not start with VLMLNSID)");
    }
    ByteBuffer buf = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    buf.position(MAGIC.length);
    int version = buf.getInt();
    if (version != VERSION) {
      throw corrupt(file, "has format version " + version + "; this library reads version " + VERSION);
    }
    int headerLength = buf.getInt();
    if (headerLength <= 0 || headerLength > bytes.length - buf.position() - 4) {
      throw corrupt(file, "is truncated or corrupt: header length " + headerLength + " in a file of "
          + bytes.length + " bytes");
    }
    CRC32 crc = new CRC32();
    crc.update(bytes, 0, bytes.length - 4);
    int stored = ByteBuffer.wrap(bytes, bytes.length - 4, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
    Header h;
    try {
      h = MAPPER.readValue(bytes, buf.position(), headerLength, Header.class);
    } catch (IOException e) {
      throw corrupt(file, "has an unreadable header (" + e.getMessage() + ")");
    }
    buf.position(buf.position() + headerLength);
    if (!FORMAT.equals(h.format()) || h.layers() == null || h.pairs() == null || h.sizeFractions() == null
        || h.model() == null) {
      throw corrupt(file, "has a header that is not a vlmlens spatial-ID header");
    }
    GridSpec g;
    try {
      g = GridSpec.of(h.gridSize(), h.canvasPx(), h.sizeFractions());
    } catch (IllegalArgumentException e) {
      throw corrupt(file, "has a bad grid in its header: " + e.getMessage());
    }
    int hidden = h.hiddenSize();
    long perTable = (long) h.layers().size() * g.cellCount() * hidden;
    long floats = perTable * g.sizeCount() + perTable * h.pairs().size();
    for (PairEntry p : h.pairs()) {
      if (p.centringMeans()) {
        floats += perTable;
      }
    }
    long expected = (long) buf.position() + 4 * floats + 4;
    if (hidden < 1 || expected != bytes.length) {
      throw corrupt(file, "is truncated or corrupt: the header describes " + expected + " bytes but the file has "
          + bytes.length);
    }
    if ((int) crc.getValue() != stored) {
      throw corrupt(file, "is corrupt: its CRC-32 does not match (stored " + Integer.toHexString(stored)
          + ", computed " + Long.toHexString(crc.getValue()) + ")");
    }
    SpatialIds.Builder b;
    try {
      b = SpatialIds.builder(h.model(), g, hidden, h.layers()).modelFingerprint(h.modelFingerprint());
    } catch (IllegalArgumentException e) {
      throw corrupt(file, "has a bad header: " + e.getMessage());
    }
    List<GridCell> cells = g.cells();
    for (int z = 0; z < g.sizeCount(); z++) {
      for (int l : h.layers()) {
        for (GridCell c : cells) {
          b.id(z, l, c, next(buf, hidden));
        }
      }
    }
    List<ObjectPair> pairs = new ArrayList<>();
    for (PairEntry p : h.pairs()) {
      ObjectPair pair = ObjectPair.of(p.a(), p.b());
      pairs.add(pair);
      for (int l : h.layers()) {
        for (GridCell c : cells) {
          b.pairId(pair, l, c, next(buf, hidden));
        }
      }
    }
    for (int i = 0; i < pairs.size(); i++) {
      if (h.pairs().get(i).centringMeans()) {
        for (GridCell a : cells) {
          for (int l : h.layers()) {
            b.centringMean(pairs.get(i), a, l, next(buf, hidden));
          }
        }
      }
    }
    return b.build();
  }

  private static float[] next(ByteBuffer buf, int n) {
    float[] v = new float[n];
    buf.asFloatBuffer().get(v);
    buf.position(buf.position() + 4 * n);
    return v;
  }

  private static byte[] floats(float[] v) {
    ByteBuffer b = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
    b.asFloatBuffer().put(v);
    return b.array();
  }

  private static byte[] int32(int v) {
    return ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(v).array();
  }

  private static UncheckedIOException corrupt(Path file, String what) {
    String msg = "the spatial IDs file " + file + " " + what;
    return new UncheckedIOException(msg, new IOException(msg));
  }
}
