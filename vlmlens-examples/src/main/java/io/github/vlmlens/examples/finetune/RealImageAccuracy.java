package io.github.vlmlens.examples.finetune;

import io.github.vlmlens.core.API;
import io.github.vlmlens.core.HookedVlm;
import io.github.vlmlens.core.PromptFormat;
import io.github.vlmlens.core.RgbImage;
import io.github.vlmlens.core.RunRequest;
import io.github.vlmlens.core.RunResult;
import io.github.vlmlens.core.RunSpec;
import io.github.vlmlens.hooks.train.Evaluation;
import io.github.vlmlens.spatial.real.RealDataset;
import io.github.vlmlens.spatial.real.RealSample;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Accuracy on a real-image set (COCO-Spatial or a manifest, read by
 * {@link io.github.vlmlens.spatial.real.RealDatasets}) during fine-tuning: a sample is right when
 * the most likely next token is its answer word (compared without case and without the
 * tokenizer's word-start marker). Reports {@value #METRIC}.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.2.0")
public final class RealImageAccuracy implements Evaluation {
  /** The name of the accuracy. */
  public static final String METRIC = "real_image_accuracy";

  private final List<RealSample> samples;
  private final List<RgbImage> images;
  private final PromptFormat format;

  /**
   * Reads every image once.
   *
   * @throws UncheckedIOException naming the image that cannot be read
   * @throws IllegalArgumentException when the set is empty
   */
  public RealImageAccuracy(RealDataset data, PromptFormat format) {
    if (data.samples().isEmpty()) {
      throw new IllegalArgumentException("the real-image evaluation set is empty");
    }
    this.samples = List.copyOf(data.samples());
    this.format = format;
    List<RgbImage> read = new ArrayList<>();
    for (RealSample s : samples) {
      try {
        read.add(RgbImage.read(s.image()));
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read image " + s.image() + " of sample " + s.source(), e);
      }
    }
    this.images = List.copyOf(read);
  }

  @Override
  public Map<String, Double> evaluate(HookedVlm vlm) {
    List<RunRequest> requests = new ArrayList<>();
    for (int i = 0; i < samples.size(); i++) {
      requests.add(RunRequest.of(format.input(images.get(i), samples.get(i).question()), RunSpec.empty()));
    }
    List<RunResult> results = vlm.runAll(requests);
    int right = 0;
    for (int i = 0; i < results.size(); i++) {
      if (normalised(results.get(i).topToken()).equals(normalised(samples.get(i).answer()))) {
        right++;
      }
    }
    Map<String, Double> out = new LinkedHashMap<>();
    out.put(METRIC, right / (double) results.size());
    return out;
  }

  /** A token or word without case and without SentencePiece's or byte-level BPE's word-start mark. */
  static String normalised(String token) {
    String t = token == null ? "" : token.strip();
    while (!t.isEmpty() && (t.charAt(0) == '\u2581' || t.charAt(0) == '\u0120')) {
      t = t.substring(1);
    }
    return t.toLowerCase(Locale.ROOT);
  }

  /** Both evaluations, their metrics side by side. */
  public static Evaluation both(Evaluation first, Evaluation second) {
    return vlm -> {
      Map<String, Double> m = new LinkedHashMap<>(first.evaluate(vlm));
      m.putAll(second.evaluate(vlm));
      return m;
    };
  }
}
