package io.github.vlmlens.core.analysis.internal;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** The version of vlmlens-core, from the filtered {@code vlmlens-core.properties}. */
public final class VlmlensVersion {
  private static final String VERSION = read();

  private VlmlensVersion() {}

  /** The version, or {@code unknown} when the resource is missing or was not filled in. */
  public static String get() {
    return VERSION;
  }

  private static String read() {
    Properties p = new Properties();
    try (InputStream in = VlmlensVersion.class.getResourceAsStream("vlmlens-core.properties")) {
      if (in == null) {
        return "unknown";
      }
      p.load(in);
    } catch (IOException e) {
      return "unknown";
    }
    String v = p.getProperty("version", "");
    return v.isBlank() || v.contains("${") ? "unknown" : v;
  }
}
