package io.github.vlmlens.examples.tiny;

import io.github.vlmlens.core.analysis.TaskProgress;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * The command-line options both tiny-model training programs share. A subclass sets the defaults
 * that differ (steps, auxiliary steps, evaluation period) in its constructor; picocli takes a
 * field's initial value as its default.
 */
abstract class TinyTrainingCommand {
  @Option(names = "--out", required = true, description = "Checkpoint directory to write.")
  Path out;

  @Option(names = "--steps", description = "Training steps (default ${DEFAULT-VALUE}).")
  int steps;

  @Option(names = "--batch", description = "Batch size (default ${DEFAULT-VALUE}).")
  int batch = 32;

  @Option(names = "--lr", description = "Peak learning rate (default ${DEFAULT-VALUE}).")
  float learningRate = 1e-3f;

  @Option(names = "--warmup", description = "Warm-up steps (default ${DEFAULT-VALUE}).")
  int warmup = 100;

  @Option(names = "--aux-steps", description = "Steps with the auxiliary losses (default ${DEFAULT-VALUE}).")
  int auxSteps;

  @Option(names = "--aux-weight", description = "Weight of the auxiliary losses (default ${DEFAULT-VALUE}).")
  float auxWeight = 0.5f;

  @Option(names = "--control", description = "Train without the auxiliary losses.")
  boolean control;

  @Option(names = "--seed", description = "Seed of weights and batches (default ${DEFAULT-VALUE}).")
  long seed = 7;

  @Option(names = "--eval-every", description = "Held-out evaluation period (default ${DEFAULT-VALUE}).")
  int evalEvery;

  @Option(names = "--eval-samples", description = "Held-out samples per part and question type, in the periodic evaluations and, unless --final-eval-samples says otherwise, the final one (default: 200 periodic, 500 final, the model cards' count).")
  Integer evalSamplesOption;

  @Option(names = "--no-progress", description = "No progress bar (steps, loss, ETA; plain lines when standard error is not a terminal): a line of losses every 10 steps instead.")
  boolean noProgress;

  @Option(names = "--final-eval-samples", description = "Held-out samples per part and question type in the final evaluation written to the model card (default: --eval-samples when given, else 500).")
  Integer finalEvalSamplesOption;

  /** Samples per cell of the periodic evaluations. */
  int evalSamples() {
    return evalSamplesOption != null ? evalSamplesOption : 200;
  }

  /** Samples per cell of the final evaluation (the model card's numbers). */
  int finalEvalSamples() {
    if (finalEvalSamplesOption != null) {
      return finalEvalSamplesOption;
    }
    return evalSamplesOption != null ? evalSamplesOption : 500;
  }

  TinyTrainingCommand(int steps, int evalEvery) {
    this.steps = steps;
    this.auxSteps = steps;
    this.evalEvery = evalEvery;
  }

  /** The final evaluation's progress over its {@code cells} (parts x question types), unless --no-progress. */
  TaskProgress finalEvaluationProgress(String command, int cells) {
    return TaskProgress.start(!noProgress, command + " final evaluation", "cells", cells, 0);
  }

  /** The optimisation settings these options give. */
  TinyTrainer.Settings settings() {
    return new TinyTrainer.Settings(
        steps, learningRate, warmup, control ? 0 : auxSteps, auxWeight, seed, evalEvery, !noProgress);
  }
}
