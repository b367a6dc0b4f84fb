package io.github.vlmlens.spatial.ids.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32;

/**
 * Where finished units' activations are kept between the model runs and the analysis: in memory,
 * or (for a run with an output directory, so that it resumes and stays within memory for large
 * models) one float32 little-endian file per unit under {@code units/}, checked by its CRC-32 when
 * read back.
 */
public abstract class UnitStore {
  /** The sub-directory of the run directory that holds the activation files. */
  public static final String DIR = "units";

  /** The activations of unit {@code index}, which must have been put or registered. */
  public abstract UnitData get(int index);

  /**
   * Keeps a finished unit's activations; returns where they were written, or {@code null} in
   * memory.
   */
  public abstract Stored put(int index, UnitData data);

  /**
   * Where a unit's activations were written.
   *
   * @param file the file name, relative to the run directory
   * @param crc its CRC-32
   */
  public record Stored(String file, long crc) {}

  /** A store in memory. */
  public static UnitStore memory() {
    return new Memory();
  }

  /** A store of files under {@code runDir/units}. */
  public static UnitStore disk(Path runDir, int layers, int hidden) {
    return new Disk(runDir, layers, hidden);
  }

  /** Registers a unit finished by an earlier run (its file is checked when read). */
  public abstract void register(int index, UnitRecord record);

  private static final class Memory extends UnitStore {
    private final List<UnitData> units = new ArrayList<>();

    @Override
    public UnitData get(int index) {
      return units.get(index);
    }

    @Override
    public Stored put(int index, UnitData data) {
      while (units.size() <= index) {
        units.add(null);
      }
      units.set(index, data);
      return null;
    }

    @Override
    public void register(int index, UnitRecord record) {
      throw new IllegalStateException("an in-memory run has no earlier units");
    }
  }

  private static final class Disk extends UnitStore {
    private final Path runDir;
    private final int layers;
    private final int hidden;
    private final List<UnitRecord> records = new ArrayList<>();

    Disk(Path runDir, int layers, int hidden) {
      this.runDir = runDir;
      this.layers = layers;
      this.hidden = hidden;
    }

    @Override
    public void register(int index, UnitRecord record) {
      while (records.size() <= index) {
        records.add(null);
      }
      records.set(index, record);
    }

    @Override
    public Stored put(int index, UnitData data) {
      String name = DIR + "/unit-" + String.format(java.util.Locale.ROOT, "%05d", index) + ".f32";
      Path file = runDir.resolve(name);
      Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
      int k = data.spatial().length;
      int floats = k * layers * hidden * (data.plain() == null ? 1 : 2);
      ByteBuffer buf = ByteBuffer.allocate(4 * floats).order(ByteOrder.LITTLE_ENDIAN);
      FloatBuffer fb = buf.asFloatBuffer();
      write(fb, data.spatial());
      if (data.plain() != null) {
        write(fb, data.plain());
      }
      CRC32 crc = new CRC32();
      crc.update(buf.array());
      try {
        Files.createDirectories(file.getParent());
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
            StandardOpenOption.TRUNCATE_EXISTING)) {
          ByteBuffer out = ByteBuffer.wrap(buf.array());
          while (out.hasRemaining()) {
            ch.write(out);
          }
          ch.force(true);
        }
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot write the activations of unit " + index + " to " + file, e);
      }
      return new Stored(name, crc.getValue());
    }

    @Override
    public UnitData get(int index) {
      UnitRecord r = records.get(index);
      Path file = runDir.resolve(r.file());
      byte[] bytes;
      try {
        bytes = Files.readAllBytes(file);
      } catch (IOException e) {
        throw new UncheckedIOException(
            "cannot read the activations of finished unit " + index + " from " + file
                + "; delete " + runDir + " to start over", e);
      }
      int perPrompt = r.placements() * layers * hidden;
      int expected = 4 * perPrompt * (r.plain() ? 2 : 1);
      CRC32 crc = new CRC32();
      crc.update(bytes);
      if (bytes.length != expected || crc.getValue() != r.crc()) {
        throw new IllegalStateException(
            "the activation file " + file + " of finished unit " + index + " is corrupt (" + bytes.length
                + " bytes, expected " + expected + "; CRC-32 " + Long.toHexString(crc.getValue())
                + ", recorded " + Long.toHexString(r.crc()) + "); delete " + runDir + " to start over");
      }
      FloatBuffer fb = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
      float[][][] spatial = read(fb, r.placements());
      float[][][] plain = r.plain() ? read(fb, r.placements()) : null;
      return new UnitData(spatial, plain);
    }

    private void write(FloatBuffer fb, float[][][] a) {
      for (float[][] perLayer : a) {
        for (float[] v : perLayer) {
          fb.put(v);
        }
      }
    }

    private float[][][] read(FloatBuffer fb, int k) {
      float[][][] out = new float[k][layers][hidden];
      for (int i = 0; i < k; i++) {
        for (int l = 0; l < layers; l++) {
          fb.get(out[i][l]);
        }
      }
      return out;
    }
  }
}
