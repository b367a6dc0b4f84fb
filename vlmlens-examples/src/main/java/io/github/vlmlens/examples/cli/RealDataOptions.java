package io.github.vlmlens.examples.cli;

import io.github.vlmlens.core.HookedVlm;
import io.github.vlmlens.spatial.ids.SpatialIds;
import io.github.vlmlens.spatial.real.RealConfig;
import io.github.vlmlens.spatial.real.RealDataset;
import io.github.vlmlens.spatial.real.RealDatasets;
import io.github.vlmlens.spatial.real.RealSample;
import io.github.vlmlens.spatial.steer.AnswerForm;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/** The data and shared settings of the real-image commands. */
final class RealDataOptions {
  @Option(names = "--coco-rows", description = "What'sUp COCO-Spatial rows (coco_qa_two_obj.json).")
  Path cocoRows;

  @Option(names = "--coco-instances", description = "COCO instances file with the boxes (instances_val2017.json).")
  Path cocoInstances;

  @Option(names = "--coco-images", description = "Folder of the COCO images (val2017).")
  Path cocoImages;

  @Option(names = "--manifest", description = "A manifest of user images (JSON: image, question, answer, optional subject/object and boxes).")
  Path manifest;

  @Option(names = "--limit", defaultValue = "100", description = "Seeded sample of at most this many rows (default ${DEFAULT-VALUE}).")
  int limit;

  @Option(names = "--seed", defaultValue = "0", description = "Seed of the sample, random boxes, noise and bootstrap (default ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--skip-unusable", description = "Skip rows that cannot be used (listed on standard error) instead of stopping.")
  boolean skipUnusable;

  @Option(names = "--layers", description = "Layers, e.g. 1-4 or 2,3 (default: every layer of the IDs).")
  String layers;

  @Option(names = "--framing", defaultValue = "full", description = "How the model sees an image: full (resized) or center-crop (LLaVA) (default ${DEFAULT-VALUE}).")
  String framing;

  @Option(names = "--batch", defaultValue = "16", description = "Runs per forward batch (default ${DEFAULT-VALUE}).")
  int batch;

  @Option(names = "--no-progress", description = "Hide the progress bar.")
  boolean noProgress;

  /** The samples: COCO-Spatial or the manifest, sampled with the seed. */
  List<RealSample> samples(CommandLine cmd) {
    boolean coco = cocoRows != null || cocoInstances != null || cocoImages != null;
    if (coco == (manifest != null)) {
      throw new ParameterException(cmd, "give either --coco-rows, --coco-instances and --coco-images, or --manifest");
    }
    RealDataset d;
    if (coco) {
      if (cocoRows == null || cocoInstances == null || cocoImages == null) {
        throw new ParameterException(cmd, "COCO-Spatial needs --coco-rows, --coco-instances and --coco-images");
      }
      d = RealDatasets.cocoSpatial(cocoRows, cocoInstances, cocoImages, skipUnusable);
    } else {
      d = RealDatasets.manifest(manifest, skipUnusable);
    }
    for (String s : d.skipped()) {
      System.err.println("skipped " + s);
    }
    if (d.samples().isEmpty()) {
      throw new ParameterException(cmd, "no usable samples");
    }
    return d.sample(seed, limit).samples();
  }

  /** The config: answer spelling from the model's tokenizer, layers, framing, seed. */
  RealConfig config(HookedVlm vlm, CommandLine cmd, List<String> answerWords) {
    AnswerForm form = AnswerSpelling.capitalised(vlm, answerWords, cmd) ? AnswerForm.CAPITALISED : AnswerForm.AS_IS;
    RealConfig c = RealConfig.defaults().withAnswerForm(form).withSeed(seed);
    switch (framing.toLowerCase(Locale.ROOT)) {
      case "full":
        break;
      case "center-crop":
        c = c.withFraming(RealConfig.Framing.CENTER_CROP);
        break;
      default:
        throw new ParameterException(cmd, "--framing must be full or center-crop, got " + framing);
    }
    if (layers != null) {
      c = c.withLayers(java.util.Arrays.stream(LayerList.parse(layers, vlm.numLayers(), cmd)).boxed().toList());
    }
    return c;
  }

  /** The left/right and above/below samples (at least one). */
  List<RealSample> spatialSamples(CommandLine cmd) {
    return onAxis(cmd, false);
  }

  /** The front/behind samples (at least one). */
  List<RealSample> depthSamples(CommandLine cmd) {
    return onAxis(cmd, true);
  }

  private List<RealSample> onAxis(CommandLine cmd, boolean depth) {
    List<RealSample> s = samples(cmd).stream()
        .filter(x -> (x.relation().axis() == io.github.vlmlens.spatial.real.Relation.Axis.DEPTH) == depth).toList();
    if (s.isEmpty()) {
      throw new ParameterException(cmd, depth ? "no front/behind samples" : "no left/right or above/below samples");
    }
    return s;
  }

  /** Prints a summary and where the report is. */
  static Integer printed(String summary, Path report) {
    System.out.print(summary);
    System.out.println("report: " + report.toAbsolutePath());
    return 0;
  }

  /** Loads IDs written by extract-ids. */
  static SpatialIds ids(Path file, CommandLine cmd) {
    if (file == null) {
      throw new ParameterException(cmd, "--ids is required (ids.vlids from extract-ids)");
    }
    return SpatialIds.load(file);
  }
}
