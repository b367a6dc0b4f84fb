package io.github.vlmlens.examples.cli;

import ai.djl.Device;
import ai.djl.ndarray.types.DataType;
import io.github.vlmlens.core.HookedVlm;
import io.github.vlmlens.examples.tiny.TinyVlm;
import io.github.vlmlens.hooks.HookedLlava;
import io.github.vlmlens.hooks.LoadOptions;
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
      description = "'tiny' for the bundled tiny VLM, or a Hugging Face LLaVA checkpoint directory (default ${DEFAULT-VALUE}).")
  String model;

  @Option(names = "--device", defaultValue = "cpu", description = "cpu or gpu (default ${DEFAULT-VALUE}).")
  String device;

  @Option(names = "--dtype", defaultValue = "float32", description = "float32 or float16 (default ${DEFAULT-VALUE}).")
  String dtype;

  @Option(names = "--prompt-template", description = "Prompt template with <image> and {question}; default: the checkpoint's vlmlens.json, else LLaVA-1.5's.")
  String promptTemplate;

  boolean isTiny() {
    return model.equals("tiny");
  }

  /**
   * Loads a model that reads video frames: a checkpoint directory; the bundled tiny VLM is an image
   * model and is refused.
   */
  HookedVlm loadVideo(picocli.CommandLine cmd) {
    checkVideo(cmd);
    return load(cmd);
  }

  /** Refuses the bundled tiny VLM, which reads one image, where a video model is needed. */
  void checkVideo(picocli.CommandLine cmd) {
    if (isTiny()) {
      throw new ParameterException(
          cmd, "--model: the bundled tiny VLM is an image model; no tiny video VLM ships yet, pass --model PATH");
    }
  }

  HookedVlm load(picocli.CommandLine cmd) {
    if (isTiny()) {
      if (!device.equals("cpu") || !dtype.equals("float32") || promptTemplate != null) {
        throw new ParameterException(cmd, "the bundled tiny VLM runs on the CPU in float32 with its own prompt");
      }
      return TinyVlm.load();
    }
    Path dir = Path.of(model);
    if (!Files.isDirectory(dir)) {
      throw new ParameterException(cmd, "--model: '" + model + "' is neither 'tiny' nor a checkpoint directory");
    }
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
    return HookedLlava.load(dir, b.build());
  }
}
