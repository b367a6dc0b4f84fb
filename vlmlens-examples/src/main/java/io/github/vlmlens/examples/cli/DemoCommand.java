package io.github.vlmlens.examples.cli;

import io.github.vlmlens.core.HookedVlm;
import io.github.vlmlens.core.analysis.SwapResult;
import io.github.vlmlens.core.report.SwapReport;
import io.github.vlmlens.spatial.ids.ExtractedIds;
import io.github.vlmlens.spatial.ids.IdReport;
import io.github.vlmlens.spatial.ids.SpatialIds;
import io.github.vlmlens.spatial.steer.SteeringReport;
import io.github.vlmlens.spatial.steer.SteeringResult;
import io.github.vlmlens.temporal.ids.TemporalIdResult;
import io.github.vlmlens.temporal.report.TemporalReport;
import io.github.vlmlens.temporal.swap.TemporalSwap;
import io.github.vlmlens.tiny.TinyVideoVlm;
import io.github.vlmlens.tiny.TinyVlm;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The first thing to run: the mirror-swap experiment, spatial IDs and steering on the bundled tiny
 * VLM, then the temporal mirror swap and temporal IDs on the bundled tiny video VLM.
 */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    description = {
      "Run the paper's experiments on the bundled tiny VLM and write HTML reports.",
      "Mirror swapping (100 held-out scenes, every layer, four swap sets), then a short",
      "spatial-ID extraction and adversarial steering; then, on the bundled tiny video VLM,",
      "a temporal mirror swap (60 videos) and temporal IDs; a few minutes on a laptop CPU."
    })
final class DemoCommand implements Callable<Integer> {
  @Option(names = "--out", defaultValue = "vlmlens-demo", description = "Output directory (default ${DEFAULT-VALUE}).")
  Path out;

  @Option(names = "--samples", defaultValue = "100", description = "Number of scenes (default ${DEFAULT-VALUE}).")
  int samples;

  @Option(names = "--no-progress", description = "Hide the progress bars.")
  boolean noProgress;

  /** The arguments, with --no-progress when asked. */
  private String[] args(String... a) {
    if (!noProgress) {
      return a;
    }
    String[] out = java.util.Arrays.copyOf(a, a.length + 1);
    out[a.length] = "--no-progress";
    return out;
  }

  @Override
  public Integer call() {
    long t0 = System.nanoTime();
    MirrorSwapCommand swap = new MirrorSwapCommand();
    CommandLine cl = new CommandLine(swap);
    cl.parseArgs(args("--model", "tiny", "--out", out.resolve("mirror-swap").toString(), "--samples", Integer.toString(samples)));
    System.out.println("vlmlens demo: mirror swapping on the bundled tiny VLM");
    try (HookedVlm vlm = TinyVlm.load()) {
      System.out.println(vlm.name() + ": " + vlm.numLayers() + " decoder blocks, hidden size " + vlm.hiddenSize());
      SwapResult r = swap.run(vlm);
      System.out.println(SwapReport.writeAll(r, swap.out));
      System.out.println("report: " + swap.out.resolve(SwapReport.HTML_FILE).toAbsolutePath());

      System.out.println();
      System.out.println("vlmlens demo: spatial IDs (two object pairs)");
      ExtractIdsCommand extract = new ExtractIdsCommand();
      new CommandLine(extract)
          .parseArgs(args("--out", out.resolve("spatial-ids").toString(), "--pairs", "box:ball,heart:star", "--no-plain"));
      ExtractedIds ids = extract.run(vlm, extract.out);
      System.out.println(ids.summary());
      System.out.println("report: " + extract.out.resolve(IdReport.HTML_FILE).toAbsolutePath());

      System.out.println();
      System.out.println("vlmlens demo: adversarial steering with those IDs");
      SteerCommand steer = new SteerCommand();
      new CommandLine(steer)
          .parseArgs(args("--ids", extract.out.resolve(SpatialIds.FILE_NAME).toString(), "--mode", "adversarial",
              "--out", out.resolve("steering").toString(), "--samples", "24"));
      SteeringResult s = steer.run(vlm, ids.ids());
      System.out.println(s.summary());
      System.out.println("report: " + steer.out.resolve(SteeringReport.HTML_FILE).toAbsolutePath());
    }

    System.out.println();
    System.out.println("vlmlens demo: temporal mirror swap on the bundled tiny video VLM (frames reversed)");
    try (HookedVlm video = TinyVideoVlm.load()) {
      TemporalSwapCommand temporal = new TemporalSwapCommand();
      new CommandLine(temporal).parseArgs(args("--out", out.resolve("temporal-swap").toString(), "--samples", "60"));
      SwapResult r = temporal.run(video, temporal.config());
      System.out.println(TemporalSwap.summary(r));
      System.out.println("report: " + temporal.out.resolve(SwapReport.HTML_FILE).toAbsolutePath());

      System.out.println();
      System.out.println("vlmlens demo: temporal IDs (one per frame)");
      TemporalIdsCommand tids = new TemporalIdsCommand();
      new CommandLine(tids).parseArgs(args("--out", out.resolve("temporal-ids").toString(), "--pairs", "4"));
      TemporalIdResult t = tids.run(video, tids.config(), tids.out);
      System.out.println(t.summary());
      System.out.println("report: " + tids.out.resolve(TemporalReport.HTML_FILE).toAbsolutePath());
    }
    System.out.printf(Locale.ROOT, "demo finished in %.1f s%n", (System.nanoTime() - t0) / 1e9);
    return 0;
  }
}
