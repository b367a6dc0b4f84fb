package io.github.vlmlens.examples.cli;

import io.github.vlmlens.core.HookedVlm;
import io.github.vlmlens.spatial.ids.ExtractedIds;
import io.github.vlmlens.spatial.ids.IdConfig;
import io.github.vlmlens.spatial.ids.IdExtractionResult;
import io.github.vlmlens.spatial.ids.IdReport;
import io.github.vlmlens.spatial.ids.ObjectPair;
import io.github.vlmlens.spatial.ids.SpatialIdExtraction;
import io.github.vlmlens.spatial.ids.SpatialIds;
import io.github.vlmlens.spatial.scene.GridSpec;
import io.github.vlmlens.spatial.scene.QuestionAxis;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** Extracts spatial IDs over the synthetic grid (METHOD.md section 2). */
@Command(
    name = "extract-ids",
    mixinStandardHelpOptions = true,
    description = {
      "Extract spatial IDs: B's object-word activation at every layer for every grid placement,",
      "centred per A cell and averaged into per-pair and universal ID tables; horizontal and",
      "vertical axes, projection and linearity: in-sample R^2, and cross-validated R^2 over folds",
      "of pairs with a permutation p-value (--baseline random-init adds the untrained model).",
      "Writes ids.vlids, result.json and report.html to --out; resumable."
    })
final class ExtractIdsCommand implements Callable<Integer> {
  @Mixin ModelOptions modelOptions = new ModelOptions();
  @Mixin BaselineOptions baselineOptions = new BaselineOptions();
  @Spec CommandSpec spec;

  @Option(names = "--out", required = true, description = "Output directory.")
  Path out;

  @Option(names = "--layers", description = "Layers, e.g. 0-6 or 2,4 (default: all).")
  String layers;

  @Option(names = "--pairs", split = ",", description = "Object pairs A:B, e.g. box:ball,heart:star (default: four built-in pairs).")
  List<String> pairs;

  @Option(names = "--axis", defaultValue = "horizontal", description = "The question asked: horizontal or vertical (default ${DEFAULT-VALUE}).")
  String axis;

  @Option(names = "--no-plain", description = "Skip the plain-prompt comparison (halves the runs).")
  boolean noPlain;

  @Option(names = "--seed", defaultValue = "0", description = "Seed of the shuffled baselines, folds and relabellings (default ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--no-progress", description = "Hide the progress bar.")
  boolean noProgress;

  @Override
  public Integer call() {
    baselineOptions.check(spec.commandLine());
    try (HookedVlm vlm = modelOptions.load(spec.commandLine())) {
      ExtractedIds trained = run(vlm, out);
      IdExtractionResult r = baselineOptions.withBaseline(trained.result(), out,
          s -> modelOptions.loadRandomInit(spec.commandLine(), false, s), (m, dir) -> run(m, dir).result(),
          IdExtractionResult::withRandomInitBaseline, IdReport::writeAll);
      System.out.println(r.summary());
      System.out.println("IDs: " + out.resolve(SpatialIds.FILE_NAME).toAbsolutePath());
      System.out.println("report: " + out.resolve(IdReport.HTML_FILE).toAbsolutePath());
    }
    return 0;
  }

  ExtractedIds run(HookedVlm vlm, Path dir) {
    IdConfig.Builder b =
        IdConfig.builder()
            .grid(modelOptions.isTiny() ? GridSpec.tiny() : GridSpec.paper())
            .question(Axes.spatial(axis, spec.commandLine()))
            .plainPrompts(!noPlain)
            .permutations(baselineOptions.permutations)
            .seed(seed);
    if (layers != null) {
      b.layers(LayerList.parse(layers, vlm.numLayers(), spec.commandLine()));
    }
    if (pairs != null) {
      b.pairs(parsePairs(pairs));
    }
    return SpatialIdExtraction.of(vlm, b.build()).withProgressBar(!noProgress).run(dir);
  }

  private List<ObjectPair> parsePairs(List<String> texts) {
    List<ObjectPair> list = new ArrayList<>();
    for (String t : texts) {
      String[] ab = t.split(":");
      if (ab.length != 2) {
        throw new ParameterException(spec.commandLine(), "--pairs: '" + t + "' is not A:B");
      }
      list.add(ObjectPair.of(ab[0].trim(), ab[1].trim()));
    }
    return list;
  }
}
