package io.github.vlmlens.core.analysis;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.common.hash.Hashing;
import io.github.vlmlens.core.API;
import io.github.vlmlens.core.analysis.internal.Json;
import io.github.vlmlens.core.analysis.internal.JsonLines;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * The resumable output directory of any analysis, the same mechanism the swap experiment uses:
 * {@value #RUN_FILE} holds the run's header and a hash of everything that determines its results;
 * a JSON-lines file holds one record per finished unit of work, appended and forced to disk as
 * each finishes. Opening a directory whose header hash differs is an error; a last line cut short
 * by an interruption is dropped, so a later run resumes after the last finished record.
 *
 * <p>Records are any Jackson-serialisable type (records work as they stand). The caller checks
 * that the finished records match its own units of work (for example by id and fingerprint).
 *
 * @param <T> the record type
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1.0")
public final class RunJournal<T> {
  /** The header file. */
  public static final String RUN_FILE = "run.json";

  private final Path dir;
  private final Path recordsFile;
  private final List<T> done;

  private RunJournal(Path dir, Path recordsFile, List<T> done) {
    this.dir = dir;
    this.recordsFile = recordsFile;
    this.done = done;
  }

  /**
   * Opens (or creates) a run directory.
   *
   * @param dir the directory (created if needed)
   * @param recordsFile the records file's name inside it, for example {@code "samples.jsonl"}
   * @param hash what the run's results depend on (see {@link #hash}); checked against the header
   * @param header anything Jackson can write, stored in {@value #RUN_FILE} for people to read
   * @param type the record type
   * @throws IllegalStateException when the directory holds a run with another hash, or a finished
   *     line that does not parse (naming the file and line)
   * @throws UncheckedIOException when the directory cannot be read or written
   */
  public static <T> RunJournal<T> open(
      Path dir, String recordsFile, String hash, Object header, Class<T> type) {
    Objects.requireNonNull(dir, "dir");
    Objects.requireNonNull(recordsFile, "recordsFile");
    Objects.requireNonNull(hash, "hash");
    Objects.requireNonNull(type, "type");
    try {
      Files.createDirectories(dir);
      Path run = dir.resolve(RUN_FILE);
      if (Files.exists(run)) {
        JsonNode old = Json.mapper().readTree(run.toFile());
        String oldHash = old.path("configHash").asText("");
        if (!oldHash.equals(hash)) {
          throw new IllegalStateException(
              "output directory " + dir + " holds a run with config hash " + oldHash
                  + ", but this run has " + hash
                  + " (another config, model or data); use another directory, or delete " + dir
                  + " to start over");
        }
      } else {
        ObjectNode h = Json.mapper().createObjectNode();
        h.put("configHash", hash);
        h.set("header", Json.mapper().valueToTree(header));
        JsonLines.writeAtomically(run, Json.pretty(h));
      }
      Path records = dir.resolve(recordsFile);
      return new RunJournal<>(dir, records, JsonLines.read(records, type, "record"));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open the output directory " + dir, e);
    }
  }

  /** A SHA-256 hash (32 hex digits) of the parts' compact JSON: a run's identity. */
  public static String hash(Object... parts) {
    var h = Hashing.sha256().newHasher();
    for (Object p : parts) {
      String s = Json.compact(p);
      h.putInt(s.length()).putString(s, StandardCharsets.UTF_8);
    }
    return h.hash().toString().substring(0, 32);
  }

  /** The directory. */
  public Path dir() {
    return dir;
  }

  /** The records finished before this run and during it, in order. */
  public List<T> done() {
    return List.copyOf(done);
  }

  /** Appends a finished record and forces it to disk. */
  public void append(T record) {
    JsonLines.append(recordsFile, Objects.requireNonNull(record, "record"));
    done.add(record);
  }

  /**
   * Writes any value as indented JSON to a file of the directory (atomically: a reader never sees
   * half a file).
   *
   * @throws UncheckedIOException when it cannot be written
   */
  public void writeJson(String fileName, Object value) {
    writeJson(dir.resolve(fileName), value);
  }

  /**
   * Writes a value as indented JSON with the mapper every vlmlens result uses (NaN written as
   * {@code "NaN"}), atomically.
   *
   * @throws UncheckedIOException when it cannot be written
   */
  public static void writeJson(Path file, Object value) {
    try {
      Path parent = file.toAbsolutePath().getParent();
      if (parent != null) {
        Files.createDirectories(parent);
      }
      JsonLines.writeAtomically(file, Json.pretty(value));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
  }

  /**
   * Reads a value written by {@link #writeJson}.
   *
   * @throws UncheckedIOException naming the file when it cannot be read or is not a {@code type}
   */
  public static <V> V readJson(Path file, Class<V> type) {
    try {
      return Json.mapper().readValue(file.toFile(), type);
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot read a " + type.getSimpleName() + " from " + file + ": " + e.getMessage(), e);
    }
  }
}
