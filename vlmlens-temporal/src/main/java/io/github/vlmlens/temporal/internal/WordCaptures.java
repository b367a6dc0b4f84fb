package io.github.vlmlens.temporal.internal;

import io.github.vlmlens.core.HookPoint;
import io.github.vlmlens.core.HookedVlm;
import io.github.vlmlens.core.Positions;
import io.github.vlmlens.core.RunRequest;
import io.github.vlmlens.core.RunResult;
import io.github.vlmlens.core.RunSpec;
import io.github.vlmlens.core.VlmInput;
import io.github.vlmlens.core.analysis.ExperimentPlan;
import io.github.vlmlens.core.analysis.Provenance;
import io.github.vlmlens.core.analysis.Vectors;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;

/**
 * Captures one word's residual stream {@code lm.L.resid_post} at its last sub-token for every
 * layer asked, over many inputs, as a plan of core's
 * {@link io.github.vlmlens.core.analysis.ExperimentEngine}: batched, readouts off (so a backend can
 * stop after the deepest layer), journaled sample by sample as float32 so an interrupted run
 * resumes; the captures ({@code [item][layerIndex]}) go to the analysis' aggregation.
 *
 * @param <A> the analysis' result
 */
public final class WordCaptures<A> implements ExperimentPlan<WordCaptures.Item, WordCaptures.Record, A> {
  /**
   * One input and the word to read.
   *
   * @param id a unique id
   * @param fingerprint what identifies the input (checked on resume)
   * @param input the input
   * @param word the word whose last sub-token is read (first occurrence)
   * @param checkWords the words whose presence is checked before any run
   */
  public record Item(String id, String fingerprint, VlmInput input, String word, List<String> checkWords) {}

  /**
   * A journaled capture.
   *
   * @param vectors the vector of every layer in order, as float32 bytes ({@link Vectors#toBytes})
   */
  public record Record(byte[] vectors) {}

  private final HookedVlm vlm;
  private final String experiment;
  private final Object configuration;
  private final Map<String, Long> seeds;
  private final List<Integer> layers;
  private final List<Item> items;
  private final Map<String, Integer> positions = new HashMap<>();
  private final BiFunction<float[][][], Provenance, A> analysis;

  /**
   * A plan; tokenizes every input, so a missing word fails before the first forward pass.
   *
   * @param experiment the experiment's kind in a run directory
   * @param configuration what the results depend on besides the model and the inputs
   * @param seeds every seed by name
   * @param analysis the result from the captures and the provenance
   * @throws IllegalArgumentException when a word is missing from its input's prompt, or the model
   *     does not give each frame its own image tokens
   */
  public WordCaptures(
      HookedVlm vlm, String experiment, Object configuration, Map<String, Long> seeds, List<Integer> layers,
      List<Item> items, BiFunction<float[][][], Provenance, A> analysis) {
    this.vlm = vlm;
    this.experiment = experiment;
    this.configuration = configuration;
    this.seeds = Map.copyOf(seeds);
    this.layers = List.copyOf(layers);
    this.items = List.copyOf(items);
    this.analysis = analysis;
    for (Item it : items) {
      positions.put(it.id(), VideoInputs.checkedTokenization(vlm, it.input(), it.checkWords()).lastSubToken(it.word()));
    }
  }

  @Override
  public String experiment() {
    return experiment;
  }

  @Override
  public Object configuration() {
    return configuration;
  }

  @Override
  public Map<String, Long> seeds() {
    return seeds;
  }

  @Override
  public List<Item> units() {
    return items;
  }

  @Override
  public String id(Item item) {
    return item.id();
  }

  @Override
  public String fingerprint(Item item) {
    return item.fingerprint();
  }

  @Override
  public Class<Record> recordType() {
    return Record.class;
  }

  @Override
  public List<Record> run(List<Item> group) {
    List<RunRequest> batch = new ArrayList<>(group.size());
    List<Integer> pos = new ArrayList<>(group.size());
    for (Item it : group) {
      int p = positions.get(it.id());
      RunSpec.Builder spec = RunSpec.builder().logits(RunSpec.LogitsMode.NONE);
      for (int layer : layers) {
        spec.capture(HookPoint.lmResid(layer), Positions.of(p));
      }
      batch.add(RunRequest.of(it.input(), spec.build()));
      pos.add(p);
    }
    List<RunResult> results = vlm.runAll(batch);
    if (results.size() != batch.size()) {
      throw new IllegalStateException(
          "model '" + vlm.name() + "' returned " + results.size() + " results for " + batch.size() + " requests");
    }
    List<Record> out = new ArrayList<>(group.size());
    for (int i = 0; i < group.size(); i++) {
      float[][] v = new float[layers.size()][];
      for (int l = 0; l < layers.size(); l++) {
        v[l] = results.get(i).cache().vector(HookPoint.lmResid(layers.get(l)), pos.get(i));
      }
      out.add(new Record(Vectors.toBytes(v)));
    }
    return out;
  }

  @Override
  public A aggregate(List<Record> records, Provenance provenance) {
    float[][][] captured = new float[records.size()][][];
    for (int i = 0; i < captured.length; i++) {
      captured[i] = Vectors.fromBytes(records.get(i).vectors(), layers.size());
    }
    return analysis.apply(captured, provenance);
  }
}
