package io.github.vlmlens.spatial.real;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Reading JSON data files with errors that name the file, line and column. */
final class JsonFiles {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private JsonFiles() {}

  static JsonNode read(Path file, String what) {
    if (!Files.isRegularFile(file)) {
      throw new IllegalArgumentException(what + " " + file + " does not exist or is not a file");
    }
    try {
      return MAPPER.readTree(file.toFile());
    } catch (JsonProcessingException e) {
      JsonLocation l = e.getLocation();
      throw new IllegalArgumentException(
          what + " " + file + " is not valid JSON"
              + (l == null ? "" : " (line " + l.getLineNr() + ", column " + l.getColumnNr() + ")") + ": "
              + e.getOriginalMessage(), e);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + what + " " + file, e);
    }
  }

  /** Collects row problems: thrown at once, or kept as skipped rows. */
  static final class Problems {
    private final boolean skip;
    private final String file;
    private final List<String> list = new ArrayList<>();

    Problems(boolean skip, String file) {
      this.skip = skip;
      this.file = file;
    }

    void add(String problem) {
      list.add(problem);
      if (!skip) {
        throw new IllegalArgumentException(
            file + ": " + problem + " (pass --skip-unusable to skip such rows and list them in the report)");
      }
    }

    List<String> list() {
      return list;
    }
  }
}
