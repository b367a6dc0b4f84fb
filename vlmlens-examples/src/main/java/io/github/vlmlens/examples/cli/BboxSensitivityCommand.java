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

/** Bounding-box sensitivity (METHOD.md section 4, figure 8B). */
@Command(
    name = "bbox-sensitivity",
    mixinStandardHelpOptions = true,
    description = {
      "Bounding-box sensitivity (figure 8B): P(GT) with the subject's box blurred against R random",
      "boxes of its size that avoid both objects; correct vs wrong answers compared with a",
      "Mann-Whitney U test; the paper's reading only where the tests support it."
    })
final class BboxSensitivityCommand implements Callable<Integer> {
  @Mixin ModelOptions modelOptions = new ModelOptions();
  @Mixin RealDataOptions data = new RealDataOptions();
  @Spec CommandSpec spec;

  @Option(names = "--out", required = true, description = "Output directory (result.json, report.html); an interrupted run resumes.")
  Path out;

  @Option(names = "--blur-radius", defaultValue = "20", description = "Gaussian blur sigma in pixels (default ${DEFAULT-VALUE}, the paper's).")
  double blurRadius;

  @Option(names = "--random-boxes", defaultValue = "10", description = "Random boxes per sample (default ${DEFAULT-VALUE}).")
  int randomBoxes;

  @Override
  public Integer call() {
    try (HookedVlm vlm = modelOptions.load(spec.commandLine())) {
      List<RealSample> samples = data.spatialSamples(spec.commandLine());
      RealConfig cfg = data.config(vlm, spec.commandLine(), List.of("left", "right", "above", "below"))
          .withBlur(blurRadius, randomBoxes);
      var r = RealAnalyses.of(vlm, cfg).withBatchSize(data.batch).withProgressBar(!data.noProgress)
          .boxSensitivity(samples, out);
      return RealDataOptions.printed(RealReports.write(r, out), out.resolve(RealReports.HTML_FILE));
    }
  }
}
