package io.github.vlmlens.spatial.ids.internal;

import java.util.Locale;

/** Number formatting shared by the spatial reports' tables and summaries. */
public final class Plots {
  private Plots() {}

  /** A number with three decimals, or "-" for NaN. */
  public static String fmt(double v) {
    return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%.3f", v);
  }
}
