package io.github.vlmlens.examples.cli;

import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.ParameterException;

/** Parses layer lists such as {@code 0-6}, {@code 2,4,6} or {@code all}. */
final class LayerList {
  private LayerList() {}

  static int[] parse(String text, int numLayers, CommandLine cmd) {
    if (text.equals("all")) {
      int[] all = new int[numLayers + 1];
      for (int i = 0; i <= numLayers; i++) {
        all[i] = i;
      }
      return all;
    }
    List<Integer> out = new ArrayList<>();
    try {
      for (String part : text.split(",")) {
        String p = part.trim();
        int dash = p.indexOf('-', 1);
        if (dash > 0) {
          int from = Integer.parseInt(p.substring(0, dash).trim());
          int to = Integer.parseInt(p.substring(dash + 1).trim());
          if (to < from) {
            throw new ParameterException(
                cmd, "--layers: the range '" + p + "' runs backwards; write it low-high, e.g. " + to + "-" + from);
          }
          for (int l = from; l <= to; l++) {
            out.add(l);
          }
        } else {
          out.add(Integer.parseInt(p));
        }
      }
    } catch (NumberFormatException e) {
      throw new ParameterException(cmd, "--layers: cannot read '" + text + "'; use e.g. 0-6, 2,4,6 or all");
    }
    if (out.isEmpty()) {
      throw new ParameterException(cmd, "--layers: no layer in '" + text + "'");
    }
    if (new java.util.HashSet<>(out).size() != out.size()) {
      throw new ParameterException(cmd, "--layers: a layer is given twice in '" + text + "'");
    }
    for (int l : out) {
      if (l < 0 || l > numLayers) {
        throw new ParameterException(
            cmd, "--layers: layer " + l + " is outside 0.." + numLayers + " (0 = embeddings, N = last block)");
      }
    }
    return out.stream().mapToInt(Integer::intValue).toArray();
  }
}
