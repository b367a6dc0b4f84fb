package io.github.vlmlens.examples.cli;

import io.github.vlmlens.core.API;
import io.github.vlmlens.examples.finetune.FinetuneComparison;
import io.github.vlmlens.examples.finetune.SpatialHeldOut;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code vlmlens finetune-compare}: the fair comparison of a control arm (LM loss only) and a
 * spatial-ID-loss arm from the same weights on the same batches, over several seeds; a table with
 * intervals over seeds, an HTML report and a JSON record. Resumable.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.2.0")
@Command(
    name = "finetune-compare",
    mixinStandardHelpOptions = true,
    description = {
      "Fine-tune with and without the spatial-ID loss from the same weights, on exactly the same batches, for several seeds;",
      "write comparison.html and comparison.json (LM loss, spatial-ID loss and held-out accuracy by evaluation step, 95% intervals over seeds). Rerunning resumes."
    })
public final class FinetuneCompareCommand implements Callable<Integer> {
  @Spec CommandLine.Model.CommandSpec spec;

  @Mixin FinetuneOptions options = new FinetuneOptions();

  @Option(names = "--out", required = true, description = "Output directory (runs under seed-S/control and seed-S/spatial).")
  Path out;

  @Option(names = "--spatial-weight", defaultValue = "1.0", description = "Weight of the spatial-ID loss in the spatial arm (default ${DEFAULT-VALUE}).")
  double weight;

  @Option(names = "--seeds", split = ",", defaultValue = "1,2,3", description = "Seeds; each gives both arms the same batches (default ${DEFAULT-VALUE}).")
  List<Long> seeds;

  @Option(names = "--target-accuracy", defaultValue = "0.9", description = "Accuracy whose first reaching step is reported (default ${DEFAULT-VALUE}).")
  double target;

  @Override
  public Integer call() {
    CommandLine cmd = spec.commandLine();
    if (weight <= 0) {
      throw new CommandLine.ParameterException(cmd, "--spatial-weight must be > 0 (the control arm has weight 0)");
    }
    FinetuneOptions.Start st = options.start(out, cmd);
    String command = "vlmlens finetune-compare " + String.join(" ", cmd.getParseResult().originalArgs());
    FinetuneComparison.Outcome o = FinetuneComparison.run(
        st.init(), st.load(), options.config(st.layer(), weight, 0), seeds,
        seed -> options.data(st.format(), st.ids(), st.layer(), seed, cmd), options.evaluation(st.format(), cmd),
        SpatialHeldOut.MEAN, target, out, command, options::log, !options.noProgress);
    var conv = o.summary().get("convergence");
    System.out.println("mean held-out accuracy over evaluations: control "
        + FinetuneComparison.format(conv.get("control").get("mean_accuracy_over_evaluations"), 3)
        + ", spatial " + FinetuneComparison.format(conv.get("spatial").get("mean_accuracy_over_evaluations"), 3)
        + ", difference " + FinetuneComparison.format(conv.get("mean_accuracy_difference"), 3));
    System.out.println("final held-out accuracy: control "
        + FinetuneComparison.format(conv.get("control").get("final_accuracy"), 3)
        + ", spatial " + FinetuneComparison.format(conv.get("spatial").get("final_accuracy"), 3)
        + ", difference " + FinetuneComparison.format(conv.get("final_accuracy_difference"), 3));
    System.out.println("report: " + out.resolve(FinetuneComparison.HTML_FILE).toAbsolutePath());
    System.out.println("record: " + out.resolve(FinetuneComparison.JSON_FILE).toAbsolutePath());
    return 0;
  }
}
