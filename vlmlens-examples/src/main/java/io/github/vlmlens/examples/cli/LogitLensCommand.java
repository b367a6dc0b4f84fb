package io.github.vlmlens.examples.cli;

import io.github.vlmlens.core.HookedVlm;
import io.github.vlmlens.core.Tokenization;
import io.github.vlmlens.core.VlmInput;
import io.github.vlmlens.core.WordSpan;
import io.github.vlmlens.core.lens.LogitLens;
import io.github.vlmlens.core.lens.LogitLensResult;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** The logit lens at image-token positions and words of the prompt, as a heat map and JSON. */
@Command(
    name = "logit-lens",
    mixinStandardHelpOptions = true,
    description = {
      "Read each layer's residual stream through the final norm and the unembedding: the top",
      "tokens per layer at the image-token positions and the prompt's words (or --words).",
      "Writes result.json and report.html (a heat map) to --out."
    })
final class LogitLensCommand implements Callable<Integer> {
  @Mixin ModelOptions modelOptions = new ModelOptions();
  @Mixin InputOptions inputOptions = new InputOptions();
  @Spec CommandSpec spec;

  @Option(names = "--words", split = ",", description = "Words of the prompt to read at their last sub-token (default: every word).")
  List<String> words;

  @Option(names = "--no-image-tokens", description = "Leave out the image-token positions.")
  boolean noImageTokens;

  @Option(names = "--layers", description = "Residual layers, e.g. 0-6 or 2,4,6 (default: all, 0..N).")
  String layers;

  @Option(names = "--top", defaultValue = "5", description = "Top tokens per cell in result.json (default ${DEFAULT-VALUE}).")
  int top;

  @Option(names = "--out", required = true, description = "Output directory.")
  Path out;

  @Override
  public Integer call() {
    if (top < 1) {
      throw new ParameterException(spec.commandLine(), "--top must be at least 1, got " + top);
    }
    try (HookedVlm vlm = modelOptions.loadAny(spec.commandLine())) {
      VlmInput input = inputOptions.input(vlm, spec.commandLine());
      Tokenization tok = vlm.tokenize(input);
      TreeSet<Integer> positions = new TreeSet<>();
      if (!noImageTokens) {
        for (int p : tok.imagePositions().resolve(tok.length())) {
          positions.add(p);
        }
      }
      if (words == null) {
        for (WordSpan w : tok.words()) {
          positions.add(w.lastToken());
        }
      } else {
        for (String w : words) {
          try {
            positions.add(tok.lastSubToken(w.trim()));
          } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "--words: " + e.getMessage(), e);
          }
        }
      }
      if (positions.isEmpty()) {
        throw new ParameterException(spec.commandLine(), "no positions to read: the input has no image tokens and no words");
      }
      List<Integer> layerList =
          layers == null
              ? allLayers(vlm.numLayers())
              : java.util.Arrays.stream(LayerList.parse(layers, vlm.numLayers(), spec.commandLine())).boxed().toList();
      LogitLensResult r =
          LogitLens.run(vlm, input, positions.stream().mapToInt(Integer::intValue).toArray(), layerList, top);
      r.writeTo(out);
      System.out.println(
          "logit lens: " + layerList.size() + " layer(s) x " + positions.size() + " position(s); report: "
              + out.resolve(LogitLensResult.HTML_FILE).toAbsolutePath());
    }
    return 0;
  }

  private static List<Integer> allLayers(int n) {
    List<Integer> out = new ArrayList<>();
    for (int l = 0; l <= n; l++) {
      out.add(l);
    }
    return out;
  }
}
