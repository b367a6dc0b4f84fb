package io.github.vlmlens.core.analysis;

import io.github.vlmlens.core.API;
import io.github.vlmlens.core.HookedVlm;
import io.github.vlmlens.core.ModelInfo;
import io.github.vlmlens.core.analysis.internal.Progress;
import io.github.vlmlens.core.analysis.internal.RunDirectory;
import java.nio.file.Path;
import java.time.Instant;
import java.util.AbstractList;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The one experiment engine: seeded units -> batched runs -> per-unit records journaled ->
 * resume -> aggregate -> a result with {@link Provenance}.
 *
 * <p>With an output directory: the directory must be new, empty, or hold an interrupted run of
 * the same experiment, model (weights fingerprint) and configuration; it is locked while the run
 * writes; each finished unit is appended to {@value #JOURNAL_FILE} with a checksum; and the result
 * is written to {@value #RESULT_FILE} atomically. Units are run in groups of the batch size that
 * start at multiples of it, also on resume (the group holding the resume point is run again and
 * only its unfinished units are kept), so a run killed at any point and resumed ends with the same
 * numbers as an uninterrupted one, bit for bit on a deterministic backend. Records a plan marks
 * {@linkplain ExperimentPlan#largeRecords() large} (activations) are not kept in memory with a
 * directory: {@link ExperimentPlan#aggregate} reads each back from the journal when it asks for
 * it. Instances are immutable.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1.0")
public final class ExperimentEngine {
  /** The journal file. */
  public static final String JOURNAL_FILE = "samples.jsonl";
  /** The result file. */
  public static final String RESULT_FILE = "result.json";
  /** The run header file. */
  public static final String RUN_FILE = RunDirectory.RUN_FILE;

  private final HookedVlm model;
  private final int batchSize;
  private final boolean progressBar;

  private ExperimentEngine(HookedVlm model, int batchSize, boolean progressBar) {
    this.model = model;
    this.batchSize = batchSize;
    this.progressBar = progressBar;
  }

  /** An engine on {@code model}: groups of 16 units, a progress bar on standard error. */
  public static ExperimentEngine on(HookedVlm model) {
    return new ExperimentEngine(Objects.requireNonNull(model, "model"), 16, true);
  }

  /** The same engine running {@code n} units per group. */
  public ExperimentEngine withBatchSize(int n) {
    if (n < 1) {
      throw new IllegalArgumentException("batch size must be >= 1, got " + n);
    }
    return new ExperimentEngine(model, n, progressBar);
  }

  /** The same engine with the progress bar on or off. */
  public ExperimentEngine withProgressBar(boolean on) {
    return new ExperimentEngine(model, batchSize, on);
  }

  /**
   * A hash (32 hex digits) of what a run's results depend on: the experiment, its configuration,
   * the batch size and the model (its weights fingerprint, or its name where that is unknown).
   */
  public String identity(String experiment, Object configuration) {
    return RunJournal.hash("vlmlens run 2", experiment, configuration, modelKey(model), batchSize);
  }

  /** What identifies a model's weights: its fingerprint, or its name where that is unknown. */
  public static String modelKey(HookedVlm model) {
    ModelInfo info = model.info();
    return info.hasFingerprint() ? "weights:" + info.fingerprint() : "name:" + model.name();
  }

  /**
   * Runs (or resumes) a plan.
   *
   * @param outputDir the output directory, or {@code null} to keep everything in memory
   * @throws IllegalArgumentException for no units or repeated ids, or a blank or file path
   * @throws IllegalStateException when the directory is locked by another run, or holds anything
   *     but an interrupted run of the same experiment, model, configuration and units
   * @throws java.io.UncheckedIOException when the directory cannot be read or written
   */
  public <U, R, A> A run(ExperimentPlan<U, R, A> plan, Path outputDir) {
    Objects.requireNonNull(plan, "plan");
    List<U> units = plan.units();
    if (units.isEmpty()) {
      throw new IllegalArgumentException("no samples to run");
    }
    Set<String> ids = new HashSet<>();
    for (U u : units) {
      if (!ids.add(plan.id(u))) {
        throw new IllegalArgumentException("sample id '" + plan.id(u) + "' is used twice");
      }
    }
    Instant started = Instant.now();
    if (outputDir == null) {
      Records<R> records = new InMemory<>();
      runAll(plan, units, records, null);
      return plan.aggregate(records.view(), provenance(plan, started));
    }
    String experiment = plan.experiment();
    Object configuration = plan.configuration();
    Map<String, Object> header = new LinkedHashMap<>();
    header.put("units", units.size());
    header.put("batchSize", batchSize);
    header.put("configuration", configuration);
    try (RunDirectory dir =
        RunDirectory.open(outputDir, experiment, identity(experiment, configuration), model.info(), header)) {
      boolean onDisk = plan.largeRecords();
      List<? extends RunDirectory.Entry<?>> done =
          onDisk ? dir.index(JOURNAL_FILE) : dir.read(JOURNAL_FILE, plan.recordType());
      if (done.size() > units.size()) {
        throw new IllegalStateException(
            outputDir + " holds " + done.size() + " finished samples but this run has only " + units.size());
      }
      Records<R> records = onDisk ? new OnDisk<>(dir, plan.recordType()) : new InMemory<>();
      for (RunDirectory.Entry<?> e : done) {
        U u = units.get(e.index());
        if (!e.id().equals(plan.id(u)) || !e.fingerprint().equals(plan.fingerprint(u))) {
          throw new IllegalStateException(
              outputDir + ": finished sample " + (e.index() + 1) + " is '" + e.id() + "' (fingerprint "
                  + e.fingerprint() + ") but this run has '" + plan.id(u) + "' (fingerprint "
                  + plan.fingerprint(u) + ") there; the inputs changed, use another directory");
        }
        records.resumed(e);
      }
      runAll(plan, units, records, dir);
      A result = plan.aggregate(records.view(), provenance(plan, dir.startedAt()));
      dir.writeJson(RESULT_FILE, result);
      return result;
    }
  }

  private <U, R, A> void runAll(ExperimentPlan<U, R, A> plan, List<U> units, Records<R> records, RunDirectory dir) {
    int n = units.size();
    int done = records.size();
    String task = plan.experiment() + " on " + model.name();
    try (Progress progress = Progress.start(progressBar, task, n, done)) {
      int step = plan.unitsShareBatches() ? batchSize : 1;
      int start = done == n ? n : (done / step) * step;
      for (int from = start; from < n; from += step) {
        int to = Math.min(n, from + step);
        List<R> group = plan.run(units.subList(from, to));
        if (group.size() != to - from) {
          throw new IllegalStateException(
              plan.experiment() + " returned " + group.size() + " records for " + (to - from) + " samples");
        }
        for (int i = Math.max(from, done); i < to; i++) {
          R r = Objects.requireNonNull(group.get(i - from), "record");
          U u = units.get(i);
          RunDirectory.Entry<Void> e = dir == null ? null : dir.append(JOURNAL_FILE, i, plan.id(u), plan.fingerprint(u), r);
          records.add(r, e);
          progress.step();
          plan.finished(r, records.size(), n);
        }
      }
    }
  }

  /** The records of a run: in memory, or (large records with a directory) read back from the journal. */
  private interface Records<R> {
    void resumed(RunDirectory.Entry<?> entry);

    void add(R record, RunDirectory.Entry<Void> written);

    int size();

    List<R> view();
  }

  private static final class InMemory<R> implements Records<R> {
    private final List<R> records = new ArrayList<>();

    @Override
    @SuppressWarnings("unchecked")
    public void resumed(RunDirectory.Entry<?> entry) {
      records.add((R) entry.value());
    }

    @Override
    public void add(R record, RunDirectory.Entry<Void> written) {
      records.add(record);
    }

    @Override
    public int size() {
      return records.size();
    }

    @Override
    public List<R> view() {
      return Collections.unmodifiableList(records);
    }
  }

  private static final class OnDisk<R> extends AbstractList<R> implements Records<R> {
    private final RunDirectory dir;
    private final Class<R> type;
    private final List<RunDirectory.Entry<?>> entries = new ArrayList<>();

    OnDisk(RunDirectory dir, Class<R> type) {
      this.dir = dir;
      this.type = type;
    }

    @Override
    public void resumed(RunDirectory.Entry<?> entry) {
      entries.add(entry);
    }

    @Override
    public void add(R record, RunDirectory.Entry<Void> written) {
      entries.add(written);
    }

    @Override
    public R get(int i) {
      return dir.readValue(JOURNAL_FILE, entries.get(i), type);
    }

    @Override
    public int size() {
      return entries.size();
    }

    @Override
    public List<R> view() {
      return this;
    }
  }

  private Provenance provenance(ExperimentPlan<?, ?, ?> plan, Instant started) {
    return Provenance.of(model, plan.experiment(), plan.configuration(), plan.seeds(), batchSize, started);
  }
}
