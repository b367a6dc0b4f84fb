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

/** Depth read through the vertical IDs (METHOD.md section 4, figure 7). */
@Command(
    name = "depth",
    mixinStandardHelpOptions = true,
    description = {
      "Depth (figure 7): front/behind questions; the subject-minus-object gap along the vertical",
      "ID axis v_L for front vs behind subjects (Mann-Whitney U), the boxes' heights as a control,",
      "and the front/behind accuracy where the answer words are single tokens. Needs --ids."
    })
final class DepthCommand implements Callable<Integer> {
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
      List<RealSample> samples = data.depthSamples(spec.commandLine());
      RealConfig cfg = data.config(vlm, spec.commandLine(), List.of("left", "right"));
      var r = RealAnalyses.of(vlm, cfg).withIds(RealDataOptions.ids(ids, spec.commandLine()), foreignIds.allowForeignIds)
          .withBatchSize(data.batch).withProgressBar(!data.noProgress).depth(samples, out);
      return RealDataOptions.printed(RealReports.write(r, out), out.resolve(RealReports.HTML_FILE));
    }
  }
}
