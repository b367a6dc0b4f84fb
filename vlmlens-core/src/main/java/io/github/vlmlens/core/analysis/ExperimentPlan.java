package io.github.vlmlens.core.analysis;

import io.github.vlmlens.core.API;
import java.util.List;
import java.util.Map;

/**
 * What an analysis tells the {@link ExperimentEngine}: its units of work (seeded samples), how to
 * run a group of them in batches, and how to aggregate their records into a result. The engine
 * does the rest the same way for every analysis: journaling each finished unit, resuming,
 * refusing another model or configuration, provenance and the atomic write of the result.
 *
 * <p>An analysis returns data; rendering reports is a separate step.
 *
 * @param <U> a unit of work (a sample)
 * @param <R> a unit's record (Jackson-serialisable; records work as they stand)
 * @param <A> the aggregated result
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1.0")
public interface ExperimentPlan<U, R, A> {
  /** The experiment's kind, for example {@code swap} or {@code spatial-ids}; a directory holds one kind. */
  String experiment();

  /**
   * The full configuration (anything Jackson can write): part of the run's identity and of the
   * result's provenance.
   */
  Object configuration();

  /** Every seed the results depend on, by name. */
  Map<String, Long> seeds();

  /** The units, in run order (their ids unique). */
  List<U> units();

  /** A unit's id. */
  String id(U unit);

  /** A fingerprint of a unit's inputs, checked against the journal on resume. */
  String fingerprint(U unit);

  /** The record type, for reading the journal back. */
  Class<R> recordType();

  /**
   * Runs a group of units (at most the engine's batch size) and returns one record per unit, in
   * order. Groups always start at a multiple of the batch size, also on resume, so a resumed
   * run sends exactly the batches of an uninterrupted one.
   */
  List<R> run(List<U> group);

  /** The result from every unit's record, in unit order. */
  A aggregate(List<R> records, Provenance provenance);

  /**
   * Whether the units of a group share batches (true by default). When false, each unit sends its
   * own batches of at most the batch size (a scene and its steered runs, for example), so the
   * engine hands the plan one unit at a time and a resume loses no finished unit.
   */
  default boolean unitsShareBatches() {
    return true;
  }

  /**
   * Whether records are large (activations, for example): with an output directory the engine then
   * keeps none in memory, and the list {@link #aggregate} gets reads each record back from the
   * journal whenever it is asked for (so read each once per pass). False by default.
   */
  default boolean largeRecords() {
    return false;
  }

  /** Told of each unit finished in this run (after it was journaled). */
  default void finished(R record, int done, int total) {}
}
