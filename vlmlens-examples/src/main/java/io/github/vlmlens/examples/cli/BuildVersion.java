package io.github.vlmlens.examples.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;
import picocli.CommandLine;

/**
 * The tool's {@code --version}: the version of {@code vlmlens-examples} that the build wrote into
 * {@code version.properties} (a filtered resource), so it never drifts from the pom.
 */
final class BuildVersion implements CommandLine.IVersionProvider {
  static final String RESOURCE = "version.properties";

  @Override
  public String[] getVersion() {
    return new String[] {"vlmlens " + version()};
  }

  /**
   * The build's version of this module.
   *
   * @throws IllegalStateException when the resource is missing or was not filtered
   */
  static String version() {
    Properties p = new Properties();
    try (InputStream in = BuildVersion.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(RESOURCE + " is missing beside " + BuildVersion.class.getName());
      }
      p.load(in);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + RESOURCE, e);
    }
    String v = p.getProperty("version", "");
    if (v.isBlank() || v.contains("${")) {
      throw new IllegalStateException(RESOURCE + " was not filled in by the build: version=" + v);
    }
    return v;
  }
}
