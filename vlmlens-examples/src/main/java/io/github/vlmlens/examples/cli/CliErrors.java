package io.github.vlmlens.examples.cli;

import io.github.vlmlens.hooks.CheckpointException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.FileSystemException;
import picocli.CommandLine;
import picocli.CommandLine.ParameterException;

/**
 * How the tool reports errors: a user's mistake (a bad option, a checkpoint or directory that does
 * not fit, a refused resume) is one line on standard error and exit status {@value #USER_ERROR};
 * anything else is one line and status {@value #INTERNAL_ERROR}. The stack trace only with
 * {@value #VERBOSE}.
 */
final class CliErrors {
  /** The exit status of a user error. */
  static final int USER_ERROR = 2;
  /** The exit status of any other failure. */
  static final int INTERNAL_ERROR = 1;
  /** The option that adds stack traces. */
  static final String VERBOSE = "--verbose";

  private CliErrors() {}

  /** Installs the handlers on a command line (and its subcommands); returns it. */
  static CommandLine install(CommandLine cl) {
    cl.setParameterExceptionHandler(CliErrors::parameterError);
    cl.setExecutionExceptionHandler(
        (ex, cmd, parseResult) -> executionError(ex, cmd, parseResult.originalArgs().contains(VERBOSE)));
    return cl;
  }

  private static int parameterError(ParameterException ex, String[] args) {
    CommandLine cmd = ex.getCommandLine();
    PrintWriter err = cmd.getErr();
    err.println(prefix(cmd) + ex.getMessage());
    err.println("(see '" + cmd.getCommandSpec().qualifiedName() + " --help')");
    if (java.util.Arrays.asList(args).contains(VERBOSE)) {
      ex.printStackTrace(err);
    }
    err.flush();
    return USER_ERROR;
  }

  static int executionError(Exception ex, CommandLine cmd, boolean verbose) {
    PrintWriter err = cmd.getErr();
    if (ex instanceof ParameterException) {
      return parameterError((ParameterException) ex, verbose ? new String[] {VERBOSE} : new String[0]);
    }
    boolean user = isUserError(ex);
    String msg = ex.getMessage() == null ? ex.getClass().getSimpleName() : ex.getMessage();
    if (user) {
      err.println(prefix(cmd) + oneLine(msg));
    } else {
      err.println(prefix(cmd) + "internal error: " + ex.getClass().getName() + ": " + oneLine(msg));
    }
    if (verbose) {
      ex.printStackTrace(err);
    } else if (!user) {
      err.println("(run again with " + VERBOSE + " for the stack trace)");
    }
    err.flush();
    return user ? USER_ERROR : INTERNAL_ERROR;
  }

  /** Whether an exception reports something the user can fix. */
  static boolean isUserError(Throwable ex) {
    return ex instanceof IllegalArgumentException
        || ex instanceof IllegalStateException
        || ex instanceof UncheckedIOException
        || ex instanceof FileSystemException
        || ex instanceof CheckpointException
        || ex instanceof UnsupportedOperationException;
  }

  private static String prefix(CommandLine cmd) {
    return cmd.getCommandSpec().qualifiedName() + ": ";
  }

  private static String oneLine(String s) {
    return s.replace("\r", " ").replace("\n", " ");
  }
}
