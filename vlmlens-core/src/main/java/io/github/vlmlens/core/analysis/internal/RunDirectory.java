package io.github.vlmlens.core.analysis.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.common.hash.Hashing;
import io.github.vlmlens.core.ModelInfo;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.stream.Stream;

/**
 * The one output directory of every resumable analysis (the swap experiment, spatial IDs and
 * steering, temporal IDs, steering and the grid).
 *
 * <ul>
 *   <li>{@value #RUN_FILE}: the experiment's kind, its identity (a hash of everything its results
 *       depend on, the model's weights fingerprint included), the model and a readable header.
 *   <li>Journals: one line per finished unit, {@code {"i":..,"id":..,"fp":..,"record":..,"sha":..}},
 *       appended and forced to disk as each finishes; {@code sha} is a SHA-256 (32 hex digits) of
 *       the line before it, so a damaged or edited line is an error, not a number. A last line cut
 *       short by a kill (no newline) is dropped.
 *   <li>{@value #LOCK_FILE}: held (an OS file lock) while a run writes, so a second run into the
 *       same directory is refused instead of doubling the journal.
 * </ul>
 *
 * Opening refuses a directory that is neither empty nor a run of the same experiment, a run of
 * another model (by weights fingerprint), or another configuration. Every file is written through
 * a temporary sibling and an atomic rename.
 */
public final class RunDirectory implements AutoCloseable {
  /** The run header file. */
  public static final String RUN_FILE = "run.json";
  /** The lock file. */
  public static final String LOCK_FILE = ".vlmlens.lock";
  /** The header's format version. */
  static final int FORMAT = 2;

  private static final String SHA_KEY = ",\"sha\":\"";
  private static final int SHA_HEX = 32;

  private final Path dir;
  private final FileChannel lockChannel;
  private final FileLock lock;
  private final Instant startedAt;

  private RunDirectory(Path dir, FileChannel lockChannel, FileLock lock, Instant startedAt) {
    this.dir = dir;
    this.lockChannel = lockChannel;
    this.lock = lock;
    this.startedAt = startedAt;
  }

  /**
   * Opens (creating if needed) and locks an output directory.
   *
   * @param dir the directory
   * @param experiment the experiment's kind, for example {@code swap}
   * @param identity a hash of everything the results depend on (model fingerprint included)
   * @param model the model
   * @param header anything Jackson can write, for people to read
   * @throws IllegalArgumentException for a blank path or a path that is a file
   * @throws IllegalStateException when another run holds the directory, or it holds something
   *     else than an interrupted run of the same experiment, model and configuration
   * @throws UncheckedIOException when it cannot be read or written
   */
  public static RunDirectory open(
      Path dir, String experiment, String identity, ModelInfo model, Object header) {
    checkPath(dir);
    FileChannel ch = null;
    try {
      Files.createDirectories(dir);
      ch = FileChannel.open(dir.resolve(LOCK_FILE), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
      FileLock lock;
      try {
        lock = ch.tryLock();
      } catch (OverlappingFileLockException e) {
        lock = null;
      }
      if (lock == null) {
        throw new IllegalStateException(
            "another vlmlens run is writing to " + dir + " (it holds " + LOCK_FILE
                + "); wait for it to finish or use another directory");
      }
      Instant started;
      try {
        started = checkOrCreate(dir, experiment, identity, model, header);
      } catch (RuntimeException | IOException e) {
        lock.release();
        throw e;
      }
      RunDirectory d = new RunDirectory(dir, ch, lock, started);
      ch = null;
      return d;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open the output directory " + dir + ": " + e.getMessage(), e);
    } finally {
      if (ch != null) {
        try {
          ch.close();
        } catch (IOException ignored) {
          // nothing was written through it
        }
      }
    }
  }

  /**
   * Checks that {@code dir} can be an output directory at all.
   *
   * @throws IllegalArgumentException for a blank path (it would mean the working directory) or a
   *     path that exists and is not a directory
   */
  public static void checkPath(Path dir) {
    if (dir == null || dir.toString().isBlank()) {
      throw new IllegalArgumentException(
          "the output directory is empty; give a directory (it would otherwise be the working directory)");
    }
    if (Files.exists(dir) && !Files.isDirectory(dir)) {
      throw new IllegalArgumentException("the output directory " + dir + " is a file");
    }
  }

  private static Instant checkOrCreate(
      Path dir, String experiment, String identity, ModelInfo model, Object header) throws IOException {
    Path run = dir.resolve(RUN_FILE);
    if (Files.exists(run)) {
      JsonNode old;
      try {
        old = Json.mapper().readTree(run.toFile());
      } catch (IOException e) {
        throw new IllegalStateException(run + " is not a vlmlens run header: " + e.getMessage(), e);
      }
      String oldKind = old.path("experiment").asText("");
      if (oldKind.isEmpty() || old.path("format").asInt(0) != FORMAT) {
        throw new IllegalStateException(
            dir + " holds a run.json that is not from this version of vlmlens; use another directory, or delete "
                + dir + " to start over");
      }
      if (!oldKind.equals(experiment)) {
        throw new IllegalStateException(
            dir + " holds a " + oldKind + " run, not a " + experiment
                + " run; use another directory, or delete " + dir + " to start over");
      }
      String oldFp = old.path("model").path("fingerprint").asText(ModelInfo.UNKNOWN);
      String oldName = old.path("model").path("name").asText("?");
      if (!oldFp.equals(model.fingerprint())) {
        throw new IllegalStateException(
            dir + " holds a run of model '" + oldName + "' (weights " + shortFp(oldFp) + ") but this model '"
                + model.name() + "' has weights " + shortFp(model.fingerprint())
                + "; resuming would mix two models' numbers. Use another directory, or delete " + dir
                + " to start over");
      }
      String oldId = old.path("identity").asText("");
      if (!oldId.equals(identity)) {
        throw new IllegalStateException(
            dir + " holds a " + experiment + " run with identity " + oldId + ", but this run has " + identity
                + " (another configuration, batch size or data); use another directory, or delete " + dir
                + " to start over");
      }
      String started = old.path("startedAt").asText("");
      try {
        return Instant.parse(started);
      } catch (RuntimeException e) {
        return Instant.now();
      }
    }
    List<String> others = new ArrayList<>();
    try (Stream<Path> s = Files.list(dir)) {
      s.map(p -> p.getFileName().toString())
          .filter(n -> !n.equals(LOCK_FILE) && !(n.startsWith(".") && n.endsWith(".tmp")))
          .sorted()
          .limit(3)
          .forEach(others::add);
    }
    if (!others.isEmpty()) {
      throw new IllegalStateException(
          "the output directory " + dir + " is not empty and holds no vlmlens run (it has " + String.join(", ", others)
              + "); give an empty or new directory, or one holding an interrupted run of the same experiment");
    }
    Instant now = Instant.now();
    ObjectNode h = Json.mapper().createObjectNode();
    h.put("format", FORMAT);
    h.put("experiment", experiment);
    h.put("identity", identity);
    h.put("startedAt", now.toString());
    h.set("model", Json.mapper().valueToTree(model));
    h.set("header", Json.mapper().valueToTree(header));
    JsonLines.writeAtomically(run, Json.pretty(h));
    return now;
  }

  private static String shortFp(String fp) {
    return fp.length() > 16 ? fp.substring(0, 16) : fp;
  }

  /** The directory. */
  public Path dir() {
    return dir;
  }

  /** When the run in this directory first started. */
  public Instant startedAt() {
    return startedAt;
  }

  /**
   * One journaled unit.
   *
   * @param index its position in the run
   * @param id its id
   * @param fingerprint its inputs' fingerprint
   * @param value the record, or {@code null} when it was not read (see {@link #index})
   * @param offset where its line starts in the journal (bytes)
   * @param length its line's length in bytes, newline excluded
   */
  public record Entry<T>(int index, String id, String fingerprint, T value, long offset, int length) {}

  /**
   * Reads a journal's finished lines with their records; an unfinished last line is removed from
   * the file.
   *
   * @throws IllegalStateException naming the file and line when a finished line fails its
   *     checksum, is out of order or does not parse as a {@code type}
   */
  public <T> List<Entry<T>> read(String file, Class<T> type) {
    return scan(file, Objects.requireNonNull(type, "type"));
  }

  /**
   * Reads a journal's finished lines without their records (kept on disk, for {@link
   * #readValue}), checking every line as {@link #read} does.
   */
  public List<Entry<Void>> index(String file) {
    return scan(file, null);
  }

  /**
   * Reads one record back from the journal (its line checked again).
   *
   * @throws IllegalStateException naming the file and line when it fails its checksum or does not
   *     parse as a {@code type}
   */
  public <T> T readValue(String file, Entry<?> entry, Class<T> type) {
    Path path = dir.resolve(file);
    byte[] bytes = new byte[entry.length()];
    try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
      ByteBuffer buf = ByteBuffer.wrap(bytes);
      long at = entry.offset();
      while (buf.hasRemaining()) {
        int n = ch.read(buf, at);
        if (n < 0) {
          throw new IllegalStateException(
              "line " + (entry.index() + 1) + " of " + path + " was cut short after it was written; delete "
                  + dir + " to start over");
        }
        at += n;
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + path + ": " + e.getMessage(), e);
    }
    return parse(path, entry.index(), new String(bytes, StandardCharsets.UTF_8), type).value();
  }

  private <T> List<Entry<T>> scan(String file, Class<T> type) {
    Path path = dir.resolve(file);
    List<Entry<T>> out = new ArrayList<>();
    if (!Files.exists(path)) {
      return out;
    }
    try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      InputStream in = new BufferedInputStream(Channels.newInputStream(ch), 1 << 16);
      ByteArrayOutputStream line = new ByteArrayOutputStream();
      long offset = 0;
      long lineStart = 0;
      int b;
      while ((b = in.read()) >= 0) {
        offset++;
        if (b != '\n') {
          line.write(b);
          continue;
        }
        String text = line.toString(StandardCharsets.UTF_8);
        Entry<T> e = parse(path, out.size(), text, type);
        out.add(new Entry<>(e.index(), e.id(), e.fingerprint(), e.value(), lineStart, line.size()));
        line.reset();
        lineStart = offset;
      }
      if (line.size() > 0) {
        ch.truncate(lineStart); // no trailing newline: the write did not finish
        ch.force(true);
      }
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + path + ": " + e.getMessage(), e);
    }
  }

  /** Checks and parses line {@code expected} (0-based); the record only when {@code type} is given. */
  private <T> Entry<T> parse(Path path, int expected, String line, Class<T> type) {
    String where = "line " + (expected + 1) + " of " + path;
    if (!checksumOk(line)) {
      throw new IllegalStateException(
          where + " fails its checksum (the journal was edited or damaged); delete " + dir + " to start over");
    }
    JsonNode node;
    T value = null;
    try {
      node = Json.mapper().readTree(line);
      if (type != null) {
        value = Json.mapper().treeToValue(node.get("record"), type);
      }
    } catch (IOException | RuntimeException e) {
      throw new IllegalStateException(where + " is not a finished record: " + e.getMessage(), e);
    }
    int index = node.path("i").asInt(-1);
    if (index != expected) {
      throw new IllegalStateException(where + " is record " + index + " where " + expected + " was expected");
    }
    return new Entry<>(index, node.path("id").asText(), node.path("fp").asText(), value, 0, line.length());
  }

  /**
   * Appends a finished unit's record to a journal and forces it to disk.
   *
   * @return the entry written (its record not kept)
   */
  public Entry<Void> append(String file, int index, String id, String fingerprint, Object record) {
    String body =
        "{\"i\":" + index + ",\"id\":" + Json.compact(id) + ",\"fp\":" + Json.compact(fingerprint)
            + ",\"record\":" + Json.compact(record);
    byte[] line = (body + SHA_KEY + sha(body) + "\"}\n").getBytes(StandardCharsets.UTF_8);
    Path path = dir.resolve(file);
    try (FileChannel ch =
        FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
      long offset = ch.size();
      ByteBuffer buf = ByteBuffer.wrap(line);
      while (buf.hasRemaining()) {
        ch.write(buf);
      }
      ch.force(false);
      return new Entry<>(index, id, fingerprint, null, offset, line.length - 1);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot append to " + path + ": " + e.getMessage(), e);
    }
  }

  /** Writes a value as indented JSON to a file of the directory, atomically. */
  public void writeJson(String file, Object value) {
    Path path = dir.resolve(file);
    try {
      JsonLines.writeAtomically(path, Json.pretty(value));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + path + ": " + e.getMessage(), e);
    }
  }

  static boolean checksumOk(String line) {
    int n = line.length();
    int at = n - 2 - SHA_HEX - SHA_KEY.length();
    if (at <= 0 || !line.endsWith("\"}") || !line.startsWith(SHA_KEY, at)) {
      return false;
    }
    String body = line.substring(0, at);
    return sha(body).equals(line.substring(at + SHA_KEY.length(), n - 2));
  }

  private static String sha(String s) {
    return Hashing.sha256().hashString(s, StandardCharsets.UTF_8).toString().substring(0, SHA_HEX);
  }

  /** Releases the lock. */
  @Override
  public void close() {
    try {
      if (lock.isValid()) {
        lock.release();
      }
      lockChannel.close();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot release the lock of " + dir, e);
    }
  }
}
