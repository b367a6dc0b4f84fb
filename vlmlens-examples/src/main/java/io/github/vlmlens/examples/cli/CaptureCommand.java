package io.github.vlmlens.examples.cli;

import io.github.vlmlens.core.HookPoint;
import io.github.vlmlens.core.HookedVlm;
import io.github.vlmlens.core.Positions;
import io.github.vlmlens.core.RunResult;
import io.github.vlmlens.core.RunSpec;
import io.github.vlmlens.core.VlmInput;
import io.github.vlmlens.hooks.CaptureFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * One run of a model on an image and a prompt, its captures, token ids and logits at every
 * position written to a {@code .safetensors} file (see {@link CaptureFiles}).
 */
@Command(
    name = "capture",
    mixinStandardHelpOptions = true,
    description = {
      "Run a model once and write what it captured, the token ids and the logits at every",
      "position to a .safetensors file readable from Python (safetensors.torch.load_file).",
      "--prompt is the text as one would give the Hugging Face processor, with the checkpoint's",
      "own image placeholder (e.g. <image> for LLaVA, <|image_pad|> for Qwen2-VL) or vlmlens' <image>."
    })
final class CaptureCommand implements Callable<Integer> {
  @Mixin ModelOptions modelOptions = new ModelOptions();
  @Spec CommandSpec spec;

  @Mixin InputOptions inputOptions = new InputOptions();

  @Option(
      names = "--points",
      split = ",",
      description = "Hook points to capture at every position, e.g. lm.3.resid_post,projector.out (default: all).")
  List<String> points;

  @Option(names = "--out", required = true, description = "The .safetensors file to write.")
  Path out;

  @Override
  public Integer call() {
    if (out.getFileName() == null || !out.getFileName().toString().endsWith(".safetensors")) {
      throw new ParameterException(spec.commandLine(), "--out must name a .safetensors file, got '" + out + "'");
    }
    try (HookedVlm vlm = modelOptions.loadAny(spec.commandLine())) {
      VlmInput input = inputOptions.input(vlm, spec.commandLine());
      RunSpec.Builder b = RunSpec.builder().logits(RunSpec.LogitsMode.ALL);
      for (HookPoint p : selectedPoints(vlm)) {
        b.capture(p, Positions.all());
      }
      RunResult r;
      try {
        r = vlm.run(input, b.build());
      } catch (IllegalArgumentException e) {
        throw new ParameterException(spec.commandLine(), e.getMessage(), e);
      }
      Map<String, String> meta = new LinkedHashMap<>();
      meta.put("model", vlm.name());
      CaptureFiles.write(out, r, meta);
      System.out.println(
          "wrote " + out.toAbsolutePath() + ": " + r.tokenization().length() + " tokens, "
              + r.cache().size() + " hook point(s), logits [" + r.tokenization().length() + ", vocab]");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + out, e);
    }
    return 0;
  }

  private List<HookPoint> selectedPoints(HookedVlm vlm) {
    if (points == null || points.isEmpty() || (points.size() == 1 && points.get(0).equals("all"))) {
      return vlm.hookPoints();
    }
    List<HookPoint> out = new ArrayList<>();
    for (String s : points) {
      try {
        out.add(HookPoint.parse(s.trim()));
      } catch (IllegalArgumentException e) {
        throw new ParameterException(spec.commandLine(), "--points: " + e.getMessage(), e);
      }
    }
    return out;
  }
}
