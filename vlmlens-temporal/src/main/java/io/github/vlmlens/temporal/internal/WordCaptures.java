package io.github.vlmlens.temporal.internal;

import io.github.vlmlens.core.HookPoint;
import io.github.vlmlens.core.HookedVlm;
import io.github.vlmlens.core.Positions;
import io.github.vlmlens.core.RunRequest;
import io.github.vlmlens.core.RunResult;
import io.github.vlmlens.core.RunSpec;
import io.github.vlmlens.core.VlmInput;
import io.github.vlmlens.core.analysis.RunJournal;
import io.github.vlmlens.core.analysis.TaskProgress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Captures one word's residual stream {@code lm.L.resid_post} at its last sub-token for every
 * layer asked, over many inputs: batched, readouts off (so a backend can stop after the deepest
 * layer), and, with a directory, journaled sample by sample so an interrupted run resumes.
 */
public final class WordCaptures {
  /** The journal's records file. */
  public static final String RECORDS_FILE = "captures.jsonl";

  private WordCaptures() {}

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
   * A journaled capture: one float32 vector per layer.
   *
   * @param id the item's id
   * @param fingerprint the item's fingerprint
   * @param vectors per layer in order, the vector as little-endian float32 bytes
   */
  public record Record(String id, String fingerprint, List<byte[]> vectors) {}

  /**
   * The captured vectors: {@code result[item][layerIndex]}.
   *
   * @param experiment the experiment's kind in the run directory
   * @param dir the run directory, or {@code null} for none
   * @param hash the run's identity (see {@link RunJournal#hash})
   * @param header what to store in the run's header
   */
  public static float[][][] run(
      HookedVlm vlm, String experiment, List<Integer> layers, List<Item> items, Path dir, String hash,
      Object header, int batchSize, boolean progressBar, String task) {
    int[] positions = new int[items.size()];
    for (int i = 0; i < items.size(); i++) {
      Item it = items.get(i);
      positions[i] = VideoInputs.checkedTokenization(vlm, it.input(), it.checkWords()).lastSubToken(it.word());
    }
    float[][][] out = new float[items.size()][][];
    RunJournal<Record> journal = null;
    int start = 0;
    try {
      if (dir != null) {
        journal = RunJournal.open(vlm, dir, experiment, RECORDS_FILE, hash, header, Record.class);
        List<Record> done = journal.done();
        if (done.size() > items.size()) {
          throw new IllegalStateException(
              dir + " holds " + done.size() + " captures but this run has only " + items.size());
        }
        for (int i = 0; i < done.size(); i++) {
          Record r = done.get(i);
          Item it = items.get(i);
          if (!r.id().equals(it.id()) || !r.fingerprint().equals(it.fingerprint())) {
            throw new IllegalStateException(
                dir + ": capture " + (i + 1) + " is '" + r.id() + "' but this run has '" + it.id()
                    + "' there; the inputs changed, use another directory");
          }
          if (r.vectors().size() != layers.size()) {
            throw new IllegalStateException(
                dir + ": capture '" + r.id() + "' holds " + r.vectors().size() + " layers, expected "
                    + layers.size());
          }
          out[i] = new float[layers.size()][];
          for (int l = 0; l < layers.size(); l++) {
            out[i][l] = Floats.decode(r.vectors().get(l));
          }
        }
        start = done.size();
      }
      try (TaskProgress progress = TaskProgress.start(progressBar, task, items.size(), start)) {
        for (int from = start; from < items.size(); from += batchSize) {
          int to = Math.min(items.size(), from + batchSize);
          List<RunRequest> batch = new ArrayList<>();
          for (int i = from; i < to; i++) {
            RunSpec.Builder spec = RunSpec.builder().logits(RunSpec.LogitsMode.NONE);
            for (int layer : layers) {
              spec.capture(HookPoint.lmResid(layer), Positions.of(positions[i]));
            }
            batch.add(RunRequest.of(items.get(i).input(), spec.build()));
          }
          List<RunResult> results = vlm.runAll(batch);
          for (int i = from; i < to; i++) {
            RunResult r = results.get(i - from);
            float[][] v = new float[layers.size()][];
            List<byte[]> bytes = new ArrayList<>(layers.size());
            for (int l = 0; l < layers.size(); l++) {
              v[l] = r.cache().vector(HookPoint.lmResid(layers.get(l)), positions[i]);
              bytes.add(Floats.encode(v[l]));
            }
            out[i] = v;
            if (journal != null) {
              journal.append(new Record(items.get(i).id(), items.get(i).fingerprint(), bytes));
            }
            progress.step();
          }
        }
      }
      return out;
    } finally {
      if (journal != null) {
        journal.close();
      }
    }
  }
}
