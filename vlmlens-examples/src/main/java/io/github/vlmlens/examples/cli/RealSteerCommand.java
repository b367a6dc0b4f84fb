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

/** Steering on real images with IDs from synthetic scenes (figures 2, 6B, 9). */
@Command(
    name = "real-steer",
    mixinStandardHelpOptions = true,
    description = {
      "Steering on real images (figures 2 and 6B) with IDs extracted from synthetic scenes: the",
      "subject pushed to the other side and the object the other way, against same-norm noise,",
      "judged by log-probabilities and by the generated answer; by layer, the ID readout accuracy",
      "against steerability (figure 9). Needs --ids from extract-ids."
    })
final class RealSteerCommand implements Callable<Integer> {
  @Mixin ModelOptions modelOptions = new ModelOptions();
  @Mixin RealDataOptions data = new RealDataOptions();
  @Mixin ForeignIdsOption foreignIds = new ForeignIdsOption();
  @Spec CommandSpec spec;

  @Option(names = "--out", required = true, description = "Output directory (result.json, report.html); an interrupted run resumes.")
  Path out;

  @Option(names = "--ids", required = true, description = "ids.vlids written by extract-ids.")
  Path ids;

  @Option(names = "--scale", defaultValue = "5", description = "Steering vector norm as a multiple of the activation's (default ${DEFAULT-VALUE}).")
  double scale;

  @Option(names = "--no-generate", description = "Judge by log-probabilities only.")
  boolean noGenerate;

  @Override
  public Integer call() {
    try (HookedVlm vlm = modelOptions.load(spec.commandLine())) {
      List<RealSample> samples = data.spatialSamples(spec.commandLine());
      RealConfig cfg = data.config(vlm, spec.commandLine(), List.of("left", "right", "above", "below"));
      cfg = cfg.withSteering(scale, !noGenerate, cfg.maxNewTokens());
      var r = RealAnalyses.of(vlm, cfg).withIds(RealDataOptions.ids(ids, spec.commandLine()), foreignIds.allowForeignIds)
          .withBatchSize(data.batch).withProgressBar(!data.noProgress).steer(samples, out);
      return RealDataOptions.printed(RealReports.write(r, out), out.resolve(RealReports.HTML_FILE));
    }
  }
}
