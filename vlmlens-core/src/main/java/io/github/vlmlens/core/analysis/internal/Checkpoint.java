package io.github.vlmlens.core.analysis.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.vlmlens.core.analysis.SwapConfig;
import io.github.vlmlens.core.analysis.SwapResult;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A run's output directory: {@value #RUN_FILE} (the config and its hash), {@value #SAMPLES_FILE}
 * (one JSON line per finished sample, appended and forced to disk as each finishes) and, once the
 * run completes, {@value #RESULT_FILE}. Opening a directory that holds a run with another config
 * hash is an error; a last line cut short by an interruption is dropped.
 */
public final class Checkpoint {
  /** The run header file. */
  public static final String RUN_FILE = "run.json";
  /** The finished samples, one JSON object per line. */
  public static final String SAMPLES_FILE = "samples.jsonl";
  /** The final result. */
  public static final String RESULT_FILE = "result.json";

  private final Path dir;
  private final List<SwapResult.Sample> done;

  private Checkpoint(Path dir, List<SwapResult.Sample> done) {
    this.dir = dir;
    this.done = done;
  }

  /**
   * Opens (or creates) an output directory for a run.
   *
   * @throws IllegalStateException when the directory holds a run with another config hash, or an
   *     unreadable line that is not the last one
   * @throws UncheckedIOException when the directory cannot be read or written
   */
  public static Checkpoint open(
      Path dir, String configHash, String model, List<Integer> layers, SwapConfig config) {
    try {
      Files.createDirectories(dir);
      Path run = dir.resolve(RUN_FILE);
      if (Files.exists(run)) {
        JsonNode header = Json.mapper().readTree(run.toFile());
        String old = header.path("configHash").asText("");
        if (!old.equals(configHash)) {
          throw new IllegalStateException(
              "output directory " + dir + " holds a run of model '" + header.path("model").asText()
                  + "' with config hash " + old + ", but this run (model '" + model + "') has "
                  + configHash + "; use another directory, or delete " + dir + " to start over");
        }
      } else {
        ObjectNode header = Json.mapper().createObjectNode();
        header.put("configHash", configHash);
        header.put("model", model);
        header.set("layers", Json.mapper().valueToTree(layers));
        header.set("config", Json.mapper().valueToTree(config));
        writeAtomically(run, Json.pretty(header));
      }
      return new Checkpoint(dir, readSamples(dir.resolve(SAMPLES_FILE)));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open the output directory " + dir, e);
    }
  }

  /** The samples finished before, in order. */
  public List<SwapResult.Sample> done() {
    return List.copyOf(done);
  }

  /** Appends a finished sample and forces it to disk. */
  public void append(SwapResult.Sample sample) {
    JsonLines.append(dir.resolve(SAMPLES_FILE), sample);
    done.add(sample);
  }

  /** Writes the final result as indented JSON. */
  public void writeResult(SwapResult result) {
    Path file = dir.resolve(RESULT_FILE);
    try {
      writeAtomically(file, Json.pretty(result));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
  }

  private static List<SwapResult.Sample> readSamples(Path file) throws IOException {
    return JsonLines.read(file, SwapResult.Sample.class, "sample");
  }

  private static void writeAtomically(Path file, String text) throws IOException {
    JsonLines.writeAtomically(file, text);
  }
}
