package io.github.vlmlens.examples.cli;

import io.github.vlmlens.core.HookedVlm;
import io.github.vlmlens.core.analysis.SwapResult;
import io.github.vlmlens.core.report.SwapReport;
import io.github.vlmlens.examples.tiny.TinyVlm;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The first thing to run: the mirror-swap experiment on the bundled tiny VLM. */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    description = {
      "Run the mirror-swap experiment on the bundled tiny VLM and write an HTML report.",
      "100 held-out scenes, every layer, four swap sets; a minute or two on a laptop CPU."
    })
final class DemoCommand implements Callable<Integer> {
  @Option(names = "--out", defaultValue = "vlmlens-demo", description = "Output directory (default ${DEFAULT-VALUE}).")
  Path out;

  @Option(names = "--samples", defaultValue = "100", description = "Number of scenes (default ${DEFAULT-VALUE}).")
  int samples;

  @Override
  public Integer call() {
    long t0 = System.nanoTime();
    MirrorSwapCommand swap = new MirrorSwapCommand();
    CommandLine cl = new CommandLine(swap);
    cl.parseArgs("--model", "tiny", "--out", out.resolve("mirror-swap").toString(), "--samples", Integer.toString(samples));
    System.out.println("vlmlens demo: mirror swapping on the bundled tiny VLM");
    try (HookedVlm vlm = TinyVlm.load()) {
      System.out.println(vlm.name() + ": " + vlm.numLayers() + " decoder blocks, hidden size " + vlm.hiddenSize());
      SwapResult r = swap.run(vlm);
      System.out.println(SwapReport.writeAll(r, swap.out));
      System.out.println("report: " + swap.out.resolve(SwapReport.HTML_FILE).toAbsolutePath());
    }
    System.out.printf(Locale.ROOT, "demo finished in %.1f s%n", (System.nanoTime() - t0) / 1e9);
    return 0;
  }
}
