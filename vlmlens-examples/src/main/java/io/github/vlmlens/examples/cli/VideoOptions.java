package io.github.vlmlens.examples.cli;

import io.github.vlmlens.temporal.video.ObjectPairSplit;
import io.github.vlmlens.temporal.video.VideoSpec;
import java.util.Locale;
import java.util.function.Supplier;
import picocli.CommandLine;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/** The options that shape the synthetic videos, shared by the temporal subcommands. */
final class VideoOptions {
  @Option(names = "--frames", defaultValue = "8", description = "Frames per video (default ${DEFAULT-VALUE}).")
  int frames;

  @Option(names = "--frame-size", defaultValue = "32", description = "Frame side in pixels; objects are 7/16 of it (default ${DEFAULT-VALUE}).")
  int frameSize;

  VideoSpec spec(CommandLine cmd) {
    return checked(cmd, "--frames/--frame-size", () -> VideoSpec.of(frames, frameSize));
  }

  /** Parses the part of the object-pair split a command draws from. */
  static ObjectPairSplit.Part part(String text, CommandLine cmd) {
    switch (text.toLowerCase(Locale.ROOT)) {
      case "all":
        return ObjectPairSplit.Part.ALL;
      case "train":
        return ObjectPairSplit.Part.TRAIN;
      case "held-out":
        return ObjectPairSplit.Part.HELD_OUT;
      default:
        throw new ParameterException(cmd, "--pairs-from must be all, train or held-out, got " + text);
    }
  }

  /** Runs {@code s}, turning an {@link IllegalArgumentException} into a usage error on {@code option}. */
  static <T> T checked(CommandLine cmd, String option, Supplier<T> s) {
    try {
      return s.get();
    } catch (IllegalArgumentException e) {
      throw new ParameterException(cmd, option + ": " + e.getMessage(), e);
    }
  }
}
