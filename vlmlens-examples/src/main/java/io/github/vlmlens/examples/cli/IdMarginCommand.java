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

/** The ID deviation margin on real images (METHOD.md section 4, figure 8A). */
@Command(
    name = "id-margin",
    mixinStandardHelpOptions = true,
    description = {
      "ID deviation margin (figure 8A): the object words' activation (image run minus text-only run)",
      "along the ID axes against the universal IDs interpolated at the box centres; margins of",
      "correct vs wrong answers compared with a Mann-Whitney U test. Needs --ids from extract-ids."
    })
final class IdMarginCommand implements Callable<Integer> {
  @Mixin ModelOptions modelOptions = new ModelOptions();
  @Mixin RealDataOptions data = new RealDataOptions();
  @Mixin ForeignIdsOption foreignIds = new ForeignIdsOption();
  @Spec CommandSpec spec;

  @Option(names = "--out", required = true, description = "Output directory (result.json, report.html); an interrupted run resumes.")
  Path out;

  @Option(names = "--ids", required = true, description = "ids.vlids written by extract-ids.")
  Path ids;

  @Override
  public Integer call() {
    try (HookedVlm vlm = modelOptions.load(spec.commandLine())) {
      List<RealSample> samples = data.spatialSamples(spec.commandLine());
      RealConfig cfg = data.config(vlm, spec.commandLine(), List.of("left", "right", "above", "below"));
      var r = RealAnalyses.of(vlm, cfg).withIds(RealDataOptions.ids(ids, spec.commandLine()), foreignIds.allowForeignIds)
          .withBatchSize(data.batch).withProgressBar(!data.noProgress).idMargin(samples, out);
      return RealDataOptions.printed(RealReports.write(r, out), out.resolve(RealReports.HTML_FILE));
    }
  }
}
