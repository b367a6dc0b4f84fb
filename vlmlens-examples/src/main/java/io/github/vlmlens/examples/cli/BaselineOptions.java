package io.github.vlmlens.examples.cli;

import io.github.vlmlens.core.HookedVlm;
import io.github.vlmlens.core.analysis.HeldOutLinearity;
import java.nio.file.Path;
import java.util.function.BiFunction;
import java.util.function.Function;
import picocli.CommandLine;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/**
 * The linearity controls of the ID commands: the permutation test's size and the untrained
 * baseline ({@code --baseline random-init}: the same analysis on the same architecture with its
 * weights redrawn, written to {@value #DIR} inside {@code --out}).
 */
final class BaselineOptions {
  /** The folder inside {@code --out} the random-init run writes to. */
  static final String DIR = "baseline-random-init";

  @Option(names = "--baseline", defaultValue = "none", description = "none, or random-init: also run the analysis on"
      + " the same architecture with weights redrawn (every tensor but norms from N(its mean, its std)) and call a"
      + " layer linear only where it beats that (default ${DEFAULT-VALUE}: against the relabelled cells).")
  String baseline;

  @Option(names = "--baseline-seed", defaultValue = "0", description = "Seed of the redrawn weights (default ${DEFAULT-VALUE}).")
  long baselineSeed;

  @Option(names = "--permutations", defaultValue = "" + HeldOutLinearity.DEFAULT_PERMUTATIONS, description =
      "Relabellings of the cross-validated linearity's permutation test (default ${DEFAULT-VALUE}).")
  int permutations;

  /** Checks the options before a model is loaded. */
  void check(CommandLine cmd) {
    if (!baseline.equals("none") && !baseline.equals("random-init")) {
      throw new ParameterException(cmd, "--baseline must be none or random-init, got '" + baseline + "'");
    }
    if (permutations < 0) {
      throw new ParameterException(cmd, "--permutations must be at least 0, got " + permutations);
    }
  }

  /**
   * The trained model's result, merged with the random-init run's when one is asked for (that run
   * goes to {@code out/}{@value #DIR}; the merged result is written back to {@code out}).
   *
   * @param trained the trained model's result
   * @param load loads the random-initialised model with a seed
   * @param run runs the analysis on a model into a directory
   * @param merge merges the baseline into the trained result
   * @param write writes a result into a directory
   */
  <R> R withBaseline(R trained, Path out, Function<Long, HookedVlm> load, BiFunction<HookedVlm, Path, R> run,
      BiFunction<R, R, R> merge, BiFunction<R, Path, ?> write) {
    if (!baseline.equals("random-init")) {
      return trained;
    }
    R random;
    try (HookedVlm vlm = load.apply(baselineSeed)) {
      random = run.apply(vlm, out.resolve(DIR));
    }
    R merged = merge.apply(trained, random);
    write.apply(merged, out);
    return merged;
  }
}
