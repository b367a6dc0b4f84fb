package io.github.vlmlens.temporal.testing;

import io.github.vlmlens.core.analysis.ExperimentEngine;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** What a run killed part way leaves, and results compared except their timestamps. */
public final class KilledRuns {
  private KilledRuns() {}

  /**
   * A new directory holding the header of the finished run in {@code done} and its journal's first
   * {@code kept} lines followed by half of the next, as a run killed while writing it leaves.
   */
  public static Path killedCopy(Path done, Path to, int kept) throws IOException {
    Files.createDirectories(to);
    Files.copy(done.resolve(ExperimentEngine.RUN_FILE), to.resolve(ExperimentEngine.RUN_FILE));
    List<String> lines = Files.readAllLines(done.resolve(ExperimentEngine.JOURNAL_FILE));
    StringBuilder sb = new StringBuilder();
    for (String l : lines.subList(0, kept)) {
      sb.append(l).append('\n');
    }
    sb.append(lines.get(kept), 0, lines.get(kept).length() / 2);
    Files.writeString(to.resolve(ExperimentEngine.JOURNAL_FILE), sb.toString());
    return to;
  }

  /** A directory's {@code result.json} with the provenance's timestamps blanked. */
  public static String untimedResult(Path dir) throws IOException {
    return Files.readString(dir.resolve(ExperimentEngine.RESULT_FILE))
        .replaceAll("\"(startedAt|finishedAt)\" : \"[^\"]*\"", "\"$1\" : \"-\"");
  }
}
