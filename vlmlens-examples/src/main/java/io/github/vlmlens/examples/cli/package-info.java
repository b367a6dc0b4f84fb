/**
 * The {@code vlmlens} command-line tool ({@code java -jar vlmlens.jar --help}): the demo, the
 * experiments as subcommands, and model inspection.
 */
package io.github.vlmlens.examples.cli;
