package io.github.vlmlens.examples.cli;

import io.github.vlmlens.core.API;
import io.github.vlmlens.examples.tiny.TrainTinyVideoVlm;
import io.github.vlmlens.examples.tiny.TrainTinyVlm;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code vlmlens} command-line tool. */
@API(status = API.Status.EXPERIMENTAL, since = "0.1.0")
@Command(
    name = "vlmlens",
    mixinStandardHelpOptions = true,
    versionProvider = BuildVersion.class,
    description = "Mechanistic interpretability of vision-language models.",
    subcommands = {
      DemoCommand.class,
      MirrorSwapCommand.class,
      ExtractIdsCommand.class,
      SteerCommand.class,
      RealSwapCommand.class,
      RealSteerCommand.class,
      IdMarginCommand.class,
      BboxSensitivityCommand.class,
      DepthCommand.class,
      TemporalSwapCommand.class,
      TemporalIdsCommand.class,
      TemporalSteerCommand.class,
      SpatiotemporalGridCommand.class,
      HookPointsCommand.class,
      CaptureCommand.class,
      LogitLensCommand.class,
      TrainTinyVlm.class,
      TrainTinyVideoVlm.class,
      FinetuneCommand.class,
      FinetuneCompareCommand.class,
      CommandLine.HelpCommand.class
    })
public final class VlmlensCli implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @CommandLine.Option(
      names = CliErrors.VERBOSE,
      scope = CommandLine.ScopeType.INHERIT,
      description = "Print the stack trace of an error.")
  boolean verbose;

  /** Runs the tool; the exit status is the subcommand's. */
  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

  /** The tool's command line, for embedding and tests. */
  public static CommandLine commandLine() {
    return CliErrors.install(new CommandLine(new VlmlensCli()));
  }

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }
}
