package io.github.vlmlens.examples.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import picocli.CommandLine;

/** The command line run in-process, for tests. */
public final class InProcessCli {
  private InProcessCli() {}

  /** Runs {@code vlmlens args...}: {exit code, standard output, standard error}. */
  public static String[] run(String... args) {
    CommandLine cl = VlmlensCli.commandLine();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cl.setOut(new PrintWriter(out));
    cl.setErr(new PrintWriter(err));
    int code = cl.execute(args);
    return new String[] {Integer.toString(code), out.toString(), err.toString()};
  }
}
