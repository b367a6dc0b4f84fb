package io.github.vlmlens.examples.cli;

import io.github.vlmlens.core.HookedVlm;
import io.github.vlmlens.spatial.real.RealAnalyses;
import io.github.vlmlens.spatial.real.RealConfig;
import io.github.vlmlens.spatial.real.RealReports;
import io.github.vlmlens.spatial.real.RealSample;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Mirror swap on real images (figure 4A). */
@Command(
    name = "real-swap",
    mixinStandardHelpOptions = true,
    description = {
      "Mirror swap on real images (figure 4A): the photograph flipped (left-right, or top-bottom",
      "for above/below) as the counterfactual, whose answer is the other one; belief shift by",
      "layer for the four swap sets and the modality merging point."
    })
final class RealSwapCommand implements Callable<Integer> {
  @Mixin ModelOptions modelOptions = new ModelOptions();
  @Mixin RealDataOptions data = new RealDataOptions();
  @Spec CommandSpec spec;

  @Option(names = "--out", required = true, description = "Output directory (result.json, report.html); an interrupted run resumes.")
  Path out;

  @Option(names = "--threshold", defaultValue = "0.05", description = "Exclude samples with |P_x(GT) - P_y(GT)| below this (default ${DEFAULT-VALUE}).")
  double threshold;

  @Override
  public Integer call() {
    try (HookedVlm vlm = modelOptions.load(spec.commandLine())) {
      List<RealSample> samples = data.spatialSamples(spec.commandLine());
      RealConfig cfg = data.config(vlm, spec.commandLine(), List.of("left", "right", "above", "below"));
      io.github.vlmlens.core.analysis.SwapConfig.Builder sc = io.github.vlmlens.core.analysis.SwapConfig.builder()
          .name("mirror swap (real images)").swapSets(io.github.vlmlens.core.analysis.SwapSet.values())
          .threshold(threshold).seed(data.seed);
      if (!cfg.layers().isEmpty()) {
        sc.layers(cfg.layers().stream().mapToInt(Integer::intValue).toArray());
      }
      var r = RealAnalyses.of(vlm, cfg).withBatchSize(data.batch).withProgressBar(!data.noProgress)
          .mirrorSwap(samples, sc.build(), out);
      System.out.println(io.github.vlmlens.core.report.SwapReport.writeAll(r, out));
      System.out.println("report: " + out.resolve(io.github.vlmlens.core.report.SwapReport.HTML_FILE).toAbsolutePath());
    }
    return 0;
  }
}
