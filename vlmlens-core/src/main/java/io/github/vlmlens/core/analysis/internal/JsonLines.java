package io.github.vlmlens.core.analysis.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * Append-only files of one JSON object per line, the storage of every resumable run: appends are
 * forced to disk, and a last line cut short by an interruption (no trailing newline) is dropped
 * when the file is read back.
 */
public final class JsonLines {
  private JsonLines() {}

  /**
   * Reads every finished line as a {@code type}; an unfinished last line is removed from the file.
   *
   * @throws IllegalStateException naming the file and line when a finished line does not parse
   */
  public static <T> List<T> read(Path file, Class<T> type, String what) throws IOException {
    List<T> out = new ArrayList<>();
    if (!Files.exists(file)) {
      return out;
    }
    String text = Files.readString(file, StandardCharsets.UTF_8);
    String[] lines = text.split("\n", -1);
    // lines[last] is "" when the file ends with a newline, else a line cut short by an interruption.
    boolean dropped = false;
    StringBuilder kept = new StringBuilder();
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i];
      boolean last = i == lines.length - 1;
      if (line.isBlank()) {
        continue;
      }
      if (last) {
        dropped = true; // no trailing newline: the write did not finish
        break;
      }
      try {
        out.add(Json.mapper().readValue(line, type));
      } catch (IOException e) {
        throw new IllegalStateException(
            "line " + (i + 1) + " of " + file + " is not a finished " + what + ": " + e.getMessage(), e);
      }
      kept.append(line).append('\n');
    }
    if (dropped) {
      writeAtomically(file, kept.toString());
    }
    return out;
  }

  /** Appends one value as a JSON line and forces it to disk. */
  public static void append(Path file, Object value) {
    byte[] line = (Json.compact(value) + "\n").getBytes(StandardCharsets.UTF_8);
    try (FileChannel ch =
        FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
      ByteBuffer buf = ByteBuffer.wrap(line);
      while (buf.hasRemaining()) {
        ch.write(buf);
      }
      ch.force(false);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot append to " + file, e);
    }
  }

  /**
   * Writes a file through a temporary sibling (forced to disk) and an atomic rename, so a reader,
   * or a run killed mid-write, never sees half a file.
   */
  public static void writeAtomically(Path file, String text) throws IOException {
    writeAtomically(file, text.getBytes(StandardCharsets.UTF_8));
  }

  /** Writes bytes the same way as {@link #writeAtomically(Path, String)}. */
  public static void writeAtomically(Path file, byte[] bytes) throws IOException {
    Path abs = file.toAbsolutePath();
    // Not Files.createTempFile: its owner-only permissions would stay on the renamed file.
    Path tmp = abs.resolveSibling(
        "." + abs.getFileName() + "." + Long.toHexString(java.util.concurrent.ThreadLocalRandom.current().nextLong())
            + ".tmp");
    try {
      try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.CREATE_NEW)) {
        ByteBuffer buf = ByteBuffer.wrap(bytes);
        while (buf.hasRemaining()) {
          ch.write(buf);
        }
        ch.force(true);
      }
      Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }
}
