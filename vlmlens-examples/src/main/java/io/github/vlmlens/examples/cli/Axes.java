package io.github.vlmlens.examples.cli;

import io.github.vlmlens.spatial.scene.QuestionAxis;
import java.util.Locale;
import picocli.CommandLine;
import picocli.CommandLine.ParameterException;

/** Parses the spatial question axis of a command line. */
final class Axes {
  private Axes() {}

  static QuestionAxis spatial(String text, CommandLine cmd) {
    switch (text.toLowerCase(Locale.ROOT)) {
      case "horizontal":
        return QuestionAxis.HORIZONTAL;
      case "vertical":
        return QuestionAxis.VERTICAL;
      default:
        throw new ParameterException(cmd, "--axis must be horizontal or vertical, got " + text);
    }
  }
}
