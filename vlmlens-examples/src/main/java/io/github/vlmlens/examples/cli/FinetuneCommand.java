package io.github.vlmlens.examples.cli;

import io.github.vlmlens.core.API;
import io.github.vlmlens.hooks.train.FineTuneConfig;
import io.github.vlmlens.hooks.train.FineTuneResult;
import io.github.vlmlens.hooks.train.FineTuner;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code vlmlens finetune}: fine-tunes a checkpoint on synthetic spatial questions with the
 * language-model loss on the answer and, with {@code --spatial-weight > 0}, the spatial-ID loss
 * (METHOD.md section 5); evaluates on held-out scenes; writes checkpoints in the Hugging Face
 * layout under {@code --out} and resumes there after a kill.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.2.0")
@Command(
    name = "finetune",
    mixinStandardHelpOptions = true,
    description = {
      "Fine-tune a VLM on synthetic spatial questions: LM loss on the answer (prompt masked), plus the spatial-ID loss at a layer with --spatial-weight > 0.",
      "Checkpoints (Hugging Face layout, loadable with --model OUT/checkpoint-NNNNNN) and the optimiser state go to --out; rerunning the same command resumes."
    })
public final class FinetuneCommand implements Callable<Integer> {
  @Spec CommandLine.Model.CommandSpec spec;

  @Mixin FinetuneOptions options = new FinetuneOptions();

  @Option(names = "--out", required = true, description = "The run's directory (resumed when it holds this run).")
  Path out;

  @Option(names = "--spatial-weight", defaultValue = "1.0", description = "Weight of the spatial-ID loss; 0 trains on the LM loss alone and only measures it (default ${DEFAULT-VALUE}).")
  double weight;

  @Option(names = "--seed", defaultValue = "0", description = "Seed of the batches (default ${DEFAULT-VALUE}).")
  long seed;

  @Override
  public Integer call() {
    CommandLine cmd = spec.commandLine();
    FinetuneOptions.Start st = options.start(out, cmd);
    FineTuneConfig config = options.config(st.layer(), weight, seed);
    FineTuneResult r;
    try (FineTuner t = FineTuner.open(st.init(), st.load(), config, out).withLog(options::log)) {
      if (!options.noProgress) {
        t.withProgress("finetune");
      }
      options.log(String.format(Locale.ROOT, "training %,d values in %d parameter(s) from %s, spatial-ID loss at lm.%d.resid_post with weight %s",
          r0(t), t.trainableParameters().size(), st.init(), st.layer(), weight));
      r = t.run(options.data(st.format(), st.ids(), st.layer(), seed, cmd), options.evaluation(st.format(), cmd));
    }
    FineTuneResult.EvalRecord last = r.evaluations().get(r.evaluations().size() - 1);
    System.out.printf(Locale.ROOT, "step %d: LM loss %.4f, spatial-ID loss %.4f, %s%n", last.step(), last.lmLoss(),
        last.spatialLoss(), last.metrics());
    System.out.printf(Locale.ROOT, "%.2f steps/s, peak resident memory %.0f MiB%n", r.stepsPerSecond(),
        r.peakRssBytes() / 1048576.0);
    System.out.println("checkpoint: " + r.checkpoint().toAbsolutePath());
    System.out.println("record: " + out.resolve("finetune.json").toAbsolutePath());
    return 0;
  }

  private static long r0(FineTuner t) {
    long n = 0;
    for (String name : t.trainableParameters()) {
      n += t.parameters().get(name).getShape().size();
    }
    return n;
  }
}
