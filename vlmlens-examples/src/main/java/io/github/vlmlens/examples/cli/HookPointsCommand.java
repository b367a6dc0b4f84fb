package io.github.vlmlens.examples.cli;

import io.github.vlmlens.core.HookPoint;
import io.github.vlmlens.core.HookedVlm;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** Prints a model's size, prompt format and every hook point. */
@Command(name = "hook-points", mixinStandardHelpOptions = true, description = "List a model's hook points.")
final class HookPointsCommand implements Callable<Integer> {
  @Mixin ModelOptions modelOptions = new ModelOptions();
  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    try (HookedVlm vlm = modelOptions.loadAny(spec.commandLine())) {
      System.out.println(vlm.name() + ": " + vlm.numLayers() + " decoder blocks, hidden size " + vlm.hiddenSize());
      System.out.println("prompt format: " + vlm.promptFormat().template().replace("\n", "\\n"));
      for (HookPoint p : vlm.hookPoints()) {
        System.out.println(p);
      }
    }
    return 0;
  }
}
