package io.github.vlmlens.examples.cli;

import ai.djl.Device;
import ai.djl.ndarray.types.DataType;
import io.github.vlmlens.core.HookedVlm;
import io.github.vlmlens.core.PromptFormat;
import io.github.vlmlens.examples.finetune.RealImageAccuracy;
import io.github.vlmlens.examples.finetune.SpatialFinetuneData;
import io.github.vlmlens.examples.finetune.SpatialHeldOut;
import io.github.vlmlens.examples.tiny.TinyVlmRecipe;
import io.github.vlmlens.hooks.LoadOptions;
import io.github.vlmlens.hooks.train.Evaluation;
import io.github.vlmlens.hooks.train.FineTuneConfig;
import io.github.vlmlens.spatial.ids.IdConfig;
import io.github.vlmlens.spatial.ids.SpatialIdExtraction;
import io.github.vlmlens.spatial.ids.SpatialIds;
import io.github.vlmlens.spatial.real.RealDataset;
import io.github.vlmlens.spatial.real.RealDatasets;
import io.github.vlmlens.spatial.scene.GridSpec;
import io.github.vlmlens.spatial.scene.QuestionAxis;
import io.github.vlmlens.spatial.scene.SceneSplit;
import io.github.vlmlens.tiny.TinyVlm;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine;

/** The options {@code finetune} and {@code finetune-compare} share. */
final class FinetuneOptions {
  @Option(names = "--model", defaultValue = "tiny",
      description = "The starting checkpoint: 'tiny' (the bundled tiny VLM) or a Hugging Face checkpoint directory of a family that can be fine-tuned (llava, qwen2_vl, qwen2_5_vl) (default ${DEFAULT-VALUE}).")
  String model;

  @Option(names = "--device", defaultValue = "cpu", description = "cpu or gpu (default ${DEFAULT-VALUE}).")
  String device;

  @Option(names = "--dtype", defaultValue = "float32", description = "float32 or float16 (default ${DEFAULT-VALUE}; train in float32).")
  String dtype;

  @Option(names = "--steps", defaultValue = "300", description = "Optimisation steps (default ${DEFAULT-VALUE}).")
  int steps;

  @Option(names = "--batch", defaultValue = "16", description = "Batch size; a batch shares the object pair and A's cell (default ${DEFAULT-VALUE}).")
  int batch;

  @Option(names = "--lr", defaultValue = "1e-4", description = "Peak learning rate (default ${DEFAULT-VALUE}).")
  double lr;

  @Option(names = "--warmup", defaultValue = "0", description = "Linear warm-up steps, then cosine decay (default ${DEFAULT-VALUE}).")
  int warmup;

  @Option(names = "--final-lr", defaultValue = "0.02", description = "Final learning rate as a fraction of the peak (default ${DEFAULT-VALUE}).")
  double finalLr;

  @Option(names = "--weight-decay", defaultValue = "0.01", description = "AdamW weight decay (default ${DEFAULT-VALUE}).")
  double weightDecay;

  @Option(names = "--clip", defaultValue = "1.0", description = "Gradient-norm clip, 0 for none (default ${DEFAULT-VALUE}).")
  double clip;

  @Option(names = "--trainable", split = ",", defaultValue = ".*",
      description = "Regular expressions over parameter names (full match) of the trained parameters; the paper's choice on LLaVA: 'multi_modal_projector\\..*,vision_tower\\.vision_model\\.encoder\\.layers\\.2[0-3]\\.mlp\\..*'; on Qwen2-VL-2B: 'visual\\.merger\\..*,visual\\.blocks\\.(2[8-9]|3[01])\\.mlp\\..*' (default: everything).")
  List<String> trainable;

  @Option(names = "--max-trainable", defaultValue = "0", description = "Budget of trainable values; more is refused (default: none).")
  long maxTrainable;

  @Option(names = "--spatial-layer", description = "Layer L of the spatial-ID loss (lm.L.resid_post; default: round(0.4 N), the paper's 11 of Qwen2-VL-2B's 28).")
  Integer spatialLayer;

  @Option(names = "--ids", description = "Target IDs (an ids.vlids written by extract-ids) holding the loss's layer; default: extracted from the starting model into OUT/ids/.")
  Path ids;

  @picocli.CommandLine.Mixin ForeignIdsOption foreignIds = new ForeignIdsOption();

  @Option(names = "--grid", defaultValue = "tiny", description = "Synthetic scenes: 'tiny' (4x4 grid on 64 px, the tiny VLM's) or 'paper' (4x4 grid of 224 px cells) (default ${DEFAULT-VALUE}).")
  String grid;

  @Option(names = "--axes", split = ",", defaultValue = "horizontal,vertical", description = "Question axes of the batches and evaluation (default ${DEFAULT-VALUE}).")
  List<String> axes;

  @Option(names = "--eval-every", defaultValue = "50", description = "Held-out evaluation period in steps (default ${DEFAULT-VALUE}).")
  int evalEvery;

  @Option(names = "--eval-samples", defaultValue = "100", description = "Held-out scenes per part and axis (default ${DEFAULT-VALUE}).")
  int evalSamples;

  @Option(names = "--checkpoint-every", defaultValue = "100", description = "Checkpoint period in steps (default ${DEFAULT-VALUE}).")
  int checkpointEvery;

  @Option(names = "--keep-checkpoints", defaultValue = "1", description = "Checkpoints kept per run, the newest (default ${DEFAULT-VALUE}).")
  int keepCheckpoints;

  @Option(names = "--quiet", description = "Print no log lines (evaluations, checkpoints; the step lines of --no-progress).")
  boolean quiet;

  @Option(names = "--no-progress", description = "No progress bar (steps, losses, ETA; plain lines when standard error is not a terminal): a log line every 10 steps instead.")
  boolean noProgress;

  Path init(CommandLine cmd) {
    if (model.equals("tiny")) {
      return TinyVlm.checkpointDir();
    }
    Path p = Path.of(model);
    if (!Files.isRegularFile(p.resolve("config.json"))) {
      throw new ParameterException(cmd, "--model: '" + model + "' is neither 'tiny' nor a checkpoint directory");
    }
    return p;
  }

  LoadOptions loadOptions(CommandLine cmd) {
    LoadOptions.Builder b = LoadOptions.builder();
    switch (device.toLowerCase(Locale.ROOT)) {
      case "cpu" -> b.optDevice(Device.cpu());
      case "gpu" -> b.optDevice(Device.gpu());
      default -> throw new ParameterException(cmd, "--device must be cpu or gpu, got '" + device + "'");
    }
    switch (dtype.toLowerCase(Locale.ROOT)) {
      case "float32" -> b.optDataType(DataType.FLOAT32);
      case "float16" -> b.optDataType(DataType.FLOAT16);
      default -> throw new ParameterException(cmd, "--dtype must be float32 or float16, got '" + dtype + "'");
    }
    return b.build();
  }

  GridSpec gridSpec(CommandLine cmd) {
    return switch (grid) {
      case "tiny" -> GridSpec.tiny();
      case "paper" -> GridSpec.paper();
      default -> throw new ParameterException(cmd, "--grid must be tiny or paper, got '" + grid + "'");
    };
  }

  SceneSplit split(CommandLine cmd) {
    return SceneSplit.of(TinyVlmRecipe.objects(), gridSpec(cmd), TinyVlmRecipe.SPLIT_SEED);
  }

  List<QuestionAxis> questionAxes(CommandLine cmd) {
    List<QuestionAxis> out = new ArrayList<>();
    for (String a : axes) {
      out.add(Axes.spatial(a, cmd));
    }
    return out;
  }

  int layer(int numLayers, CommandLine cmd) {
    int l = spatialLayer != null ? spatialLayer : (int) Math.round(0.4 * numLayers);
    if (l < 0 || l > numLayers) {
      throw new ParameterException(cmd, "--spatial-layer must be in 0.." + numLayers + ", got " + l);
    }
    return l;
  }

  /** The target IDs: --ids, else OUT/ids/ids.vlids when an earlier run extracted them, else a new extraction. */
  SpatialIds targetIds(HookedVlm vlm, int layer, Path out, CommandLine cmd) {
    if (ids != null) {
      SpatialIds loaded = SpatialIds.load(ids);
      if (!loaded.hasLayer(layer)) {
        throw new ParameterException(cmd, "--ids " + ids + " holds layers " + loaded.layers() + ", not " + layer);
      }
      try {
        loaded.requireFrom(vlm, foreignIds.allowForeignIds);
      } catch (IllegalArgumentException e) {
        throw new ParameterException(cmd, "--ids " + ids + ": " + e.getMessage());
      }
      return loaded;
    }
    Path dir = out.resolve("ids");
    Path file = dir.resolve(SpatialIds.FILE_NAME);
    if (Files.isRegularFile(file)) {
      SpatialIds earlier = SpatialIds.load(file);
      earlier.requireFrom(vlm, foreignIds.allowForeignIds);
      return earlier;
    }
    log("extracting target IDs at layer " + layer + " from the starting model into " + dir);
    IdConfig config = IdConfig.builder().grid(gridSpec(cmd)).layers(layer).plainPrompts(false).shuffles(0).build();
    return SpatialIdExtraction.of(vlm, config).withProgressBar(false).run(dir).ids();
  }

  FineTuneConfig config(int layer, double weight, long seed) {
    return FineTuneConfig.builder()
        .steps(steps)
        .learningRate(lr)
        .warmupSteps(warmup)
        .finalLrFraction(finalLr)
        .weightDecay(weightDecay)
        .clipNorm(clip)
        .trainable(trainable)
        .maxTrainableParameters(maxTrainable)
        .spatialLoss(layer, weight)
        .seed(seed)
        .evalEvery(evalEvery)
        .checkpointEvery(checkpointEvery)
        .keepCheckpoints(keepCheckpoints)
        .build();
  }

  SpatialFinetuneData data(PromptFormat format, SpatialIds targets, int layer, long seed, CommandLine cmd) {
    return new SpatialFinetuneData(split(cmd), format, targets, layer, batch, seed, questionAxes(cmd));
  }

  @Option(names = "--real-manifest", description = "Also evaluate on these real images: a manifest (image, question, answer), as the real-image commands read it.")
  Path realManifest;

  @Option(names = "--coco-rows", description = "Also evaluate on COCO-Spatial: What'sUp two-object rows (with --coco-instances and --coco-images).")
  Path cocoRows;

  @Option(names = "--coco-instances", description = "COCO instances annotations for --coco-rows.")
  Path cocoInstances;

  @Option(names = "--coco-images", description = "The COCO image folder for --coco-rows.")
  Path cocoImages;

  @Option(names = "--real-limit", defaultValue = "200", description = "Real images evaluated, a seeded sample (default ${DEFAULT-VALUE}).")
  int realLimit;

  Evaluation evaluation(PromptFormat format, CommandLine cmd) {
    SpatialHeldOut synthetic = new SpatialHeldOut(split(cmd), format, evalSamples, 99, questionAxes(cmd));
    if (realManifest == null && cocoRows == null) {
      return synthetic;
    }
    if (realManifest != null && cocoRows != null) {
      throw new ParameterException(cmd, "give --real-manifest or --coco-rows, not both");
    }
    if (cocoRows != null && (cocoInstances == null || cocoImages == null)) {
      throw new ParameterException(cmd, "--coco-rows needs --coco-instances and --coco-images");
    }
    if (realLimit < 1) {
      throw new ParameterException(cmd, "--real-limit must be at least 1, got " + realLimit);
    }
    RealDataset data =
        realManifest != null
            ? RealDatasets.manifest(realManifest, false)
            : RealDatasets.cocoSpatial(cocoRows, cocoInstances, cocoImages, false);
    return RealImageAccuracy.both(synthetic, new RealImageAccuracy(data.sample(99, realLimit), format));
  }

  /** What both commands read before training: the starting checkpoint, the loss's layer, its target IDs, the prompt. */
  record Start(Path init, LoadOptions load, int layer, SpatialIds ids, PromptFormat format) {}

  /** Loads the starting model once to find the layer, the target IDs (extracting them if needed) and the prompt format. */
  Start start(Path out, CommandLine cmd) {
    Path init = init(cmd);
    LoadOptions load = loadOptions(cmd);
    try (HookedVlm probe = io.github.vlmlens.hooks.HookedVlms.load(init, load)) {
      int layer = layer(probe.numLayers(), cmd);
      return new Start(init, load, layer, targetIds(probe, layer, out, cmd), probe.promptFormat());
    }
  }

  void log(String line) {
    if (!quiet) {
      System.err.println(line);
    }
  }
}
