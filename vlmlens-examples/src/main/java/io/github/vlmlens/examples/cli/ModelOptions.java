package io.github.vlmlens.examples.cli;

import ai.djl.Device;
import ai.djl.ndarray.types.DataType;
import io.github.vlmlens.core.HookedVlm;
import io.github.vlmlens.hooks.HookedVlms;
import io.github.vlmlens.hooks.LoadOptions;
import io.github.vlmlens.tiny.TinyVideoVlm;
import io.github.vlmlens.tiny.TinyVlm;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/** The options that pick and load a model, shared by every subcommand. */
final class ModelOptions {
  @Option(
      names = "--model",
      defaultValue = "tiny",
      description = "'tiny' for the bundled tiny VLM (in the temporal commands: the bundled tiny video VLM), 'tiny-video' for the bundled tiny video VLM, or a Hugging Face LLaVA checkpoint directory (default ${DEFAULT-VALUE}).")
  String model;

  @Option(names = "--device", defaultValue = "cpu", description = "cpu or gpu (default ${DEFAULT-VALUE}).")
  String device;

  @Option(names = "--dtype", defaultValue = "float32", description = "float32 or float16 (default ${DEFAULT-VALUE}).")
  String dtype;

  @Option(names = "--prompt-template", description = "Prompt template with <image> and {question}; default: the checkpoint's vlmlens.json, else LLaVA-1.5's.")
  String promptTemplate;

  /** Whether the bundled tiny image model is meant. */
  boolean isTiny() {
    return model.equals("tiny");
  }

  /** Whether a bundled tiny model is meant where a video model is needed. */
  boolean isTinyVideo() {
    return model.equals("tiny") || model.equals("tiny-video");
  }

  /** Loads a model that reads video frames: the bundled tiny video VLM or a checkpoint directory. */
  HookedVlm loadVideo(picocli.CommandLine cmd) {
    if (isTinyVideo()) {
      checkTinyDefaults(cmd);
      return TinyVideoVlm.load();
    }
    return loadDirectory(cmd);
  }

  private void checkDirectory(picocli.CommandLine cmd) {
    if (!Files.isDirectory(Path.of(model))) {
      throw new ParameterException(
          cmd, "--model: '" + model + "' is neither 'tiny', 'tiny-video' nor a checkpoint directory");
    }
  }

  private void checkTinyDefaults(picocli.CommandLine cmd) {
    if (!device.equals("cpu") || !dtype.equals("float32") || promptTemplate != null) {
      throw new ParameterException(cmd, "the bundled tiny models run on the CPU in float32 with their own prompt");
    }
  }

  /**
   * Loads the same architecture as {@link #load} (or {@link #loadVideo} when {@code video}) with
   * its weights redrawn ({@link LoadOptions.Builder#optRandomInit}): the untrained baseline.
   */
  HookedVlm loadRandomInit(picocli.CommandLine cmd, boolean video, long seed) {
    if (video ? isTinyVideo() : isTiny()) {
      checkTinyDefaults(cmd);
      Path dir = video ? TinyVideoVlm.checkpointDir() : TinyVlm.checkpointDir();
      return io.github.vlmlens.hooks.HookedLlava.load(dir, LoadOptions.builder().optRandomInit(seed).build());
    }
    if (!video && model.equals("tiny-video")) {
      return load(cmd); // refused there with the message for the image commands
    }
    return loadDirectory(cmd, seed);
  }

  /** Loads any model: either bundled tiny model (by its name) or a checkpoint directory. */
  HookedVlm loadAny(picocli.CommandLine cmd) {
    return model.equals("tiny-video") ? loadVideo(cmd) : load(cmd);
  }

  /** Loads an image model: the bundled tiny VLM or a checkpoint directory. */
  HookedVlm load(picocli.CommandLine cmd) {
    if (isTiny()) {
      checkTinyDefaults(cmd);
      return TinyVlm.load();
    }
    if (model.equals("tiny-video")) {
      throw new ParameterException(
          cmd, "--model: the bundled tiny video VLM answers temporal questions only; use --model tiny here");
    }
    return loadDirectory(cmd);
  }

  private HookedVlm loadDirectory(picocli.CommandLine cmd) {
    return loadDirectory(cmd, null);
  }

  private HookedVlm loadDirectory(picocli.CommandLine cmd, Long randomInitSeed) {
    checkDirectory(cmd);
    Path dir = Path.of(model);
    LoadOptions.Builder b = LoadOptions.builder();
    switch (device.toLowerCase(Locale.ROOT)) {
      case "cpu":
        b.optDevice(Device.cpu());
        break;
      case "gpu":
        b.optDevice(Device.gpu());
        break;
      default:
        throw new ParameterException(cmd, "--device must be cpu or gpu, got " + device);
    }
    switch (dtype.toLowerCase(Locale.ROOT)) {
      case "float32":
        b.optDataType(DataType.FLOAT32);
        break;
      case "float16":
        b.optDataType(DataType.FLOAT16);
        break;
      default:
        throw new ParameterException(cmd, "--dtype must be float32 or float16, got " + dtype);
    }
    if (promptTemplate != null) {
      b.optPromptTemplate(promptTemplate);
    }
    if (randomInitSeed != null) {
      b.optRandomInit(randomInitSeed);
    }
    return HookedVlms.load(dir, b.build());
  }
}
