package io.github.vlmlens.spatial.real;

import io.github.vlmlens.core.analysis.ExperimentPlan;
import io.github.vlmlens.core.analysis.Provenance;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;

/** What every real-image plan shares: samples as units, the config's seed, the aggregation. */
abstract class SamplePlan<R, A> implements ExperimentPlan<RealSample, R, A> {
  final RealConfig config;
  final List<RealSample> samples;
  final int batch;
  private final BiFunction<List<R>, Provenance, A> aggregate;

  SamplePlan(RealConfig config, List<RealSample> samples, int batch, BiFunction<List<R>, Provenance, A> aggregate) {
    this.config = config;
    this.samples = samples;
    this.batch = batch;
    this.aggregate = aggregate;
  }

  @Override
  public Map<String, Long> seeds() {
    return Map.of("seed", config.seed());
  }

  @Override
  public List<RealSample> units() {
    return samples;
  }

  @Override
  public String id(RealSample unit) {
    return unit.id();
  }

  @Override
  public String fingerprint(RealSample unit) {
    return SampleInputs.fingerprint(unit, config.answerForm(), config.framing());
  }

  @Override
  public A aggregate(List<R> records, Provenance provenance) {
    return aggregate.apply(records, provenance);
  }

  /** The answer word offered first, as read. */
  String first(RealSample s) {
    return config.answerForm().apply(s.relation().axis().answers().get(0));
  }

  /** The answer word offered second, as read. */
  String second(RealSample s) {
    return config.answerForm().apply(s.relation().axis().answers().get(1));
  }
}
