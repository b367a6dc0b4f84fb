package io.github.vlmlens.temporal.swap;

import io.github.vlmlens.core.API;
import io.github.vlmlens.core.HookedVlm;
import io.github.vlmlens.core.analysis.SwapExperiment;
import io.github.vlmlens.core.analysis.SwapResult;
import io.github.vlmlens.core.analysis.SwapSample;
import io.github.vlmlens.core.report.SwapReport;
import io.github.vlmlens.temporal.internal.VideoInputs;
import io.github.vlmlens.temporal.video.AnswerForm;
import io.github.vlmlens.temporal.video.ObjectPairSplit;
import io.github.vlmlens.temporal.video.TemporalQuestion;
import io.github.vlmlens.temporal.video.TemporalVideo;
import io.github.vlmlens.temporal.video.VideoSampler;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * The temporal mirror swap on one model (the CLI's {@code temporal-swap}): draws the configured
 * videos, builds {@link TemporalSwapSamples} (counterfactual = frames reversed), and runs core's
 * {@link SwapExperiment} on them: belief shift by layer and swap set, exclusions, bootstrap
 * intervals and the modality merging point, resumable from an output directory, which also gets
 * core's JSON result. Instances are immutable.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1.0")
public final class TemporalSwap {
  private final HookedVlm vlm;
  private final TemporalSwapConfig config;
  private final int batchSize;
  private final boolean progressBar;

  private TemporalSwap(HookedVlm vlm, TemporalSwapConfig config, int batchSize, boolean progressBar) {
    this.vlm = vlm;
    this.config = config;
    this.batchSize = batchSize;
    this.progressBar = progressBar;
  }

  /** The experiment, with a progress bar and core's default batch size. */
  public static TemporalSwap of(HookedVlm vlm, TemporalSwapConfig config) {
    return new TemporalSwap(
        Objects.requireNonNull(vlm, "vlm"), Objects.requireNonNull(config, "config"),
        SwapExperiment.DEFAULT_BATCH_SIZE, true);
  }

  /** The same experiment sending at most {@code n} requests per batch. */
  public TemporalSwap withBatchSize(int n) {
    if (n < 1) {
      throw new IllegalArgumentException("batch size must be >= 1, got " + n);
    }
    return new TemporalSwap(vlm, config, n, progressBar);
  }

  /** The same experiment with the progress bar on or off. */
  public TemporalSwap withProgressBar(boolean on) {
    return new TemporalSwap(vlm, config, batchSize, on);
  }

  /** The config. */
  public TemporalSwapConfig config() {
    return config;
  }

  /** The videos the experiment runs on, drawn from the config's seed. */
  public List<? extends TemporalVideo> videos() {
    VideoSampler sampler = VideoSampler.of(config.video());
    if (config.kind() == TemporalQuestion.Kind.SCENE_ORDER) {
      return sampler.sceneVideos(config.seed(), config.samples());
    }
    ObjectPairSplit split = ObjectPairSplit.of(config.splitSeed());
    return sampler.withPairs(split, config.part()).objectVideos(config.seed(), config.samples());
  }

  /**
   * The swap samples, with the answer form resolved against the model.
   *
   * @throws IllegalArgumentException when the model does not give each frame its own image tokens
   *     or lacks the answer words
   */
  public List<SwapSample> samples() {
    AnswerForm form = VideoInputs.answerForm(vlm, config.answerForm());
    String prefix = config.kind() == TemporalQuestion.Kind.SCENE_ORDER ? "scenes" : "objects";
    List<SwapSample> samples =
        TemporalSwapSamples.of(vlm.promptFormat()).withAnswerForm(form).samples(prefix, videos());
    SwapSample first = samples.get(0);
    VideoInputs.checkedTokenization(vlm, first.x(), first.objectWords());
    return samples;
  }

  /**
   * Runs the experiment; with an output directory, resumes from it and writes core's
   * {@code result.json} there. The report is a separate step ({@link SwapReport#writeAll}).
   *
   * @param outDir the output directory, or {@code null} for none
   */
  public SwapResult run(Path outDir) {
    SwapExperiment experiment =
        SwapExperiment.of(vlm, config.swap()).withBatchSize(batchSize).withProgressBar(progressBar);
    return experiment.run(samples(), outDir);
  }

  /** The terminal summary of a result (core's). */
  public static String summary(SwapResult result) {
    return SwapReport.summary(result);
  }
}
