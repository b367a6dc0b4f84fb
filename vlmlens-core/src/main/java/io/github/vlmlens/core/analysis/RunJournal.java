package io.github.vlmlens.core.analysis;

import com.google.common.hash.Hashing;
import io.github.vlmlens.core.API;
import io.github.vlmlens.core.HookedVlm;
import io.github.vlmlens.core.analysis.internal.Json;
import io.github.vlmlens.core.analysis.internal.JsonLines;
import io.github.vlmlens.core.analysis.internal.RunDirectory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The resumable output directory of any analysis, on the same {@link ExperimentEngine} directory
 * format: {@value #RUN_FILE} holds the experiment's kind, its identity (the caller's hash of
 * everything that determines its results, plus the model's weights fingerprint) and a readable
 * header; a JSON-lines file holds one checksummed record per finished unit of work, appended and
 * forced to disk as each finishes. Opening refuses a directory that is neither empty nor a run of
 * the same experiment, model and configuration, and one another run holds (the journal is locked
 * until {@link #close()}); a last line cut short by an interruption is dropped, so a later run
 * resumes after the last finished record.
 *
 * <p>Records are any Jackson-serialisable type (records work as they stand). The caller checks
 * that the finished records match its own units of work (for example by id and fingerprint).
 *
 * @param <T> the record type
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1.0")
public final class RunJournal<T> implements AutoCloseable {
  /** The header file. */
  public static final String RUN_FILE = RunDirectory.RUN_FILE;

  private final RunDirectory dir;
  private final String recordsFile;
  private final List<T> done;

  private RunJournal(RunDirectory dir, String recordsFile, List<T> done) {
    this.dir = dir;
    this.recordsFile = recordsFile;
    this.done = done;
  }

  /**
   * Opens (or creates) and locks a run directory.
   *
   * @param model the model (its weights fingerprint joins the identity)
   * @param dir the directory (created if needed)
   * @param experiment the experiment's kind, for example {@code spatial-ids}
   * @param recordsFile the records file's name inside it, for example {@code "samples.jsonl"}
   * @param hash what the run's results depend on (see {@link #hash})
   * @param header anything Jackson can write, stored in {@value #RUN_FILE} for people to read
   * @param type the record type
   * @throws IllegalArgumentException for a blank path or one that is a file
   * @throws IllegalStateException when another run holds the directory, it holds anything but a
   *     run of the same experiment, model and hash, or a finished line fails its checksum or does
   *     not parse (naming the file and line)
   * @throws UncheckedIOException when the directory cannot be read or written
   */
  public static <T> RunJournal<T> open(
      HookedVlm model, Path dir, String experiment, String recordsFile, String hash, Object header,
      Class<T> type) {
    Objects.requireNonNull(model, "model");
    Objects.requireNonNull(recordsFile, "recordsFile");
    Objects.requireNonNull(hash, "hash");
    Objects.requireNonNull(type, "type");
    String identity = hash(experiment, hash, ExperimentEngine.modelKey(model));
    RunDirectory d = RunDirectory.open(dir, experiment, identity, model.info(), header);
    try {
      List<T> done = new ArrayList<>();
      for (RunDirectory.Entry<T> e : d.read(recordsFile, type)) {
        done.add(e.value());
      }
      return new RunJournal<>(d, recordsFile, done);
    } catch (RuntimeException e) {
      d.close();
      throw e;
    }
  }

  /** When the run in this directory first started. */
  public Instant startedAt() {
    return dir.startedAt();
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
    return dir.dir();
  }

  /** The records finished before this run and during it, in order. */
  public List<T> done() {
    return List.copyOf(done);
  }

  /** Appends a finished record and forces it to disk. */
  public void append(T record) {
    Objects.requireNonNull(record, "record");
    int i = done.size();
    dir.append(recordsFile, i, Integer.toString(i), "", record);
    done.add(record);
  }

  /** Releases the directory's lock. */
  @Override
  public void close() {
    dir.close();
  }

  /**
   * Writes any value as indented JSON to a file of the directory (atomically: a reader never sees
   * half a file).
   *
   * @throws UncheckedIOException when it cannot be written
   */
  public void writeJson(String fileName, Object value) {
    dir.writeJson(fileName, value);
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
   * Writes text to a file atomically: through a temporary sibling forced to disk and a rename, so
   * a reader, or a run killed mid-write, never sees half a file. Creates the parent directories.
   *
   * @throws UncheckedIOException when it cannot be written
   */
  public static void writeText(Path file, String text) {
    try {
      Path parent = file.toAbsolutePath().getParent();
      if (parent != null) {
        Files.createDirectories(parent);
      }
      JsonLines.writeAtomically(file, text);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
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
