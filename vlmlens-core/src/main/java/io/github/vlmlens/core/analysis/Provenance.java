package io.github.vlmlens.core.analysis;

import io.github.vlmlens.core.API;
import io.github.vlmlens.core.HookedVlm;
import io.github.vlmlens.core.ModelInfo;
import io.github.vlmlens.core.analysis.internal.Json;
import io.github.vlmlens.core.analysis.internal.VlmlensVersion;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Where a result came from: the vlmlens version, the Java runtime and operating system, the model
 * (weights fingerprint, dtype, device, DJL and PyTorch versions, see {@link ModelInfo}), the
 * experiment and its full configuration, every seed, the batch size and when it ran. Every result
 * an analysis returns carries one.
 *
 * @param vlmlensVersion the version of vlmlens-core that ran the experiment
 * @param java the Java runtime ({@code java.runtime.version})
 * @param os the operating system and architecture
 * @param model the model
 * @param experiment the experiment's kind, for example {@code swap}
 * @param configuration the full configuration as JSON-ready values
 * @param seeds every seed the result depends on, by name
 * @param batchSize requests per batch (results may differ in the last float bits with another)
 * @param startedAt when the run started (ISO-8601, UTC; on resume, when the first attempt started)
 * @param finishedAt when the result was aggregated (ISO-8601, UTC)
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1.0")
public record Provenance(
    String vlmlensVersion,
    String java,
    String os,
    ModelInfo model,
    String experiment,
    Map<String, Object> configuration,
    Map<String, Long> seeds,
    int batchSize,
    String startedAt,
    String finishedAt) {

  /** Copies the maps (the seeds sorted by name, so the JSON is the same in every JVM). */
  public Provenance {
    Objects.requireNonNull(model, "model");
    Objects.requireNonNull(experiment, "experiment");
    configuration = configuration == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(configuration));
    seeds = seeds == null ? Map.of() : Collections.unmodifiableMap(new TreeMap<>(seeds));
  }

  /**
   * The provenance of a result that finishes now.
   *
   * @param model the model that ran
   * @param experiment the experiment's kind
   * @param configuration anything Jackson can write (a config record); stored as JSON values
   * @param seeds every seed by name
   * @param batchSize requests per batch
   * @param startedAt when the run started
   */
  public static Provenance of(
      HookedVlm model, String experiment, Object configuration, Map<String, Long> seeds, int batchSize,
      Instant startedAt) {
    return new Provenance(
        VlmlensVersion.get(),
        System.getProperty("java.runtime.version", System.getProperty("java.version", ModelInfo.UNKNOWN)),
        System.getProperty("os.name", "?") + " " + System.getProperty("os.arch", "?"),
        model.info(),
        experiment,
        Json.toMap(configuration),
        seeds,
        batchSize,
        startedAt.truncatedTo(ChronoUnit.MILLIS).toString(),
        Instant.now().truncatedTo(ChronoUnit.MILLIS).toString());
  }
}
