package io.github.vlmlens.examples.cli;

import picocli.CommandLine.Option;

/** The override of the steering commands' check that the IDs come from the model steered. */
final class ForeignIdsOption {
  @Option(names = "--allow-foreign-ids", description = "Use IDs extracted from another model (or an ID file that"
      + " records no weights fingerprint); by default IDs whose weights fingerprint is not this model's are refused.")
  boolean allowForeignIds;
}
