package io.github.vlmlens.spatial.fake;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;

/** Helpers for tests of resumed runs. */
public final class RunFiles {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private RunFiles() {}

  /** A result as JSON with its provenance's timestamps blanked. */
  public static String untimed(Object result) {
    try {
      ObjectNode n = MAPPER.valueToTree(result);
      ObjectNode p = (ObjectNode) n.get("provenance");
      p.put("startedAt", "-");
      p.put("finishedAt", "-");
      return MAPPER.writeValueAsString(n);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Copies a run directory (without its lock file) and leaves the copy's journal as a kill would:
   * its first {@code kept} lines and the start of the next one.
   */
  public static void killedCopy(Path from, Path to, String journal, int kept) throws IOException {
    try (var s = Files.walk(from)) {
      for (Path p : s.toList()) {
        Path q = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(q);
        } else if (!p.getFileName().toString().startsWith(".vlmlens")) {
          Files.copy(p, q);
        }
      }
    }
    List<String> lines = Files.readAllLines(to.resolve(journal));
    Files.writeString(to.resolve(journal),
        lines.subList(0, kept).stream().map(l -> l + "\n").collect(Collectors.joining())
            + lines.get(kept).substring(0, 40));
  }
}
