package io.github.vlmlens.temporal.real;

import io.github.vlmlens.core.API;
import io.github.vlmlens.core.HookedVlm;
import io.github.vlmlens.core.RgbImage;
import io.github.vlmlens.core.RunRequest;
import io.github.vlmlens.core.RunResult;
import io.github.vlmlens.core.RunSpec;
import io.github.vlmlens.core.VlmInput;
import io.github.vlmlens.core.analysis.SwapConfig;
import io.github.vlmlens.core.analysis.SwapExperiment;
import io.github.vlmlens.core.analysis.SwapResult;
import io.github.vlmlens.core.analysis.SwapSample;
import io.github.vlmlens.core.analysis.SwapSet;
import io.github.vlmlens.temporal.internal.VideoInputs;
import io.github.vlmlens.temporal.swap.TemporalSwapSamples;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The temporal mirror swap on user videos (the CLI's {@code temporal-swap --videos}): each
 * entry's video, sampled to {@code frames} frames, with its question is {@code x}; the same frames
 * in reverse order with the same question is {@code y}, whose answer is the entry's reversed
 * answer ({@link VideoEntry#answerPair}). Core's {@link SwapExperiment} does the rest (belief
 * shift by layer and swap set, exclusions, bootstrap intervals, the merging point; journal,
 * resume and provenance through the experiment engine). Unlabelled entries take the model's own
 * preferred answer of the pair on {@code x} (one extra forward pass each, before the experiment).
 * Everything is checked (tokens, decoding, tokenization) before the first swap run, so a bad entry
 * stops the run before anything is written. Instances are immutable.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1.0")
public final class RealVideoSwap {
  /** The default number of frames sampled from each video (LLaVA-Video's 8). */
  public static final int DEFAULT_FRAMES = 8;

  private final HookedVlm vlm;
  private final SwapConfig swap;
  private final int frames;
  private final int batchSize;
  private final boolean progressBar;

  private RealVideoSwap(HookedVlm vlm, SwapConfig swap, int frames, int batchSize, boolean progressBar) {
    this.vlm = vlm;
    this.swap = swap;
    this.frames = frames;
    this.batchSize = batchSize;
    this.progressBar = progressBar;
  }

  /** The swap of {@code vlm} under {@code swap}, {@value #DEFAULT_FRAMES} frames, batches of 16. */
  public static RealVideoSwap of(HookedVlm vlm, SwapConfig swap) {
    return new RealVideoSwap(Objects.requireNonNull(vlm, "vlm"), Objects.requireNonNull(swap, "swap"),
        DEFAULT_FRAMES, SwapExperiment.DEFAULT_BATCH_SIZE, true);
  }

  /** A swap config named for real videos with all four swap sets. */
  public static SwapConfig.Builder swapConfig() {
    return SwapConfig.builder().name("temporal mirror swap (real videos)").swapSets(SwapSet.values());
  }

  /** The same with {@code n} frames sampled uniformly from each video. */
  public RealVideoSwap withFrames(int n) {
    if (n < 1) {
      throw new IllegalArgumentException("frames must be >= 1, got " + n);
    }
    return new RealVideoSwap(vlm, swap, n, batchSize, progressBar);
  }

  /** The same sending at most {@code n} requests per batch. */
  public RealVideoSwap withBatchSize(int n) {
    if (n < 1) {
      throw new IllegalArgumentException("batch size must be >= 1, got " + n);
    }
    return new RealVideoSwap(vlm, swap, frames, n, progressBar);
  }

  /** The same with the progress bar on or off. */
  public RealVideoSwap withProgressBar(boolean on) {
    return new RealVideoSwap(vlm, swap, frames, batchSize, on);
  }

  /**
   * The swap samples of the entries: tokens checked, videos decoded, tokenizations checked (one
   * range of image tokens per frame, the object words in the prompt), unlabelled entries answered
   * by the model.
   *
   * @throws IllegalArgumentException naming the entry of the first problem
   */
  public List<SwapSample> samples(List<VideoEntry> entries) {
    if (entries.isEmpty()) {
      throw new IllegalArgumentException("no videos");
    }
    VideoData.checkTokens(vlm, entries);
    List<VlmInput> xs = new ArrayList<>();
    for (VideoEntry e : entries) {
      List<RgbImage> f = VideoData.frames(e, frames);
      VlmInput x = VlmInput.ofVideo(f, vlm.promptFormat().videoPrompt(e.question()));
      try {
        VideoInputs.checkedTokenization(vlm, x, e.objectWords());
      } catch (IllegalArgumentException ex) {
        throw new IllegalArgumentException(e.source() + " (video " + e.video().getFileName() + "): " + ex.getMessage(), ex);
      }
      xs.add(x);
    }
    List<String> answers = answers(entries, xs);
    List<SwapSample> out = new ArrayList<>();
    for (int i = 0; i < entries.size(); i++) {
      VideoEntry e = entries.get(i);
      VlmInput x = xs.get(i);
      VlmInput y = x.withImages(TemporalSwapSamples.reverse(x.images()));
      String a = answers.get(i);
      out.add(SwapSample.of(e.id(), x, y, a, e.reversed(a), e.objectWords()));
    }
    return out;
  }

  /** Each entry's answer: its label, or the model's preferred word of its pair on {@code x}. */
  private List<String> answers(List<VideoEntry> entries, List<VlmInput> xs) {
    List<String> out = new ArrayList<>();
    List<RunRequest> asks = new ArrayList<>();
    List<Integer> at = new ArrayList<>();
    for (int i = 0; i < entries.size(); i++) {
      VideoEntry e = entries.get(i);
      out.add(e.answer());
      if (!e.labelled()) {
        asks.add(RunRequest.of(xs.get(i), RunSpec.builder().readWords(e.answerPair().toArray(String[]::new))
            .logits(RunSpec.LogitsMode.NONE).build()));
        at.add(i);
      }
    }
    for (int from = 0; from < asks.size(); from += batchSize) {
      List<RunResult> rs = vlm.runAll(asks.subList(from, Math.min(asks.size(), from + batchSize)));
      for (int k = 0; k < rs.size(); k++) {
        int i = at.get(from + k);
        List<String> pair = entries.get(i).answerPair();
        RunResult r = rs.get(k);
        out.set(i, r.logProb(pair.get(1)) > r.logProb(pair.get(0)) ? pair.get(1) : pair.get(0));
      }
    }
    return out;
  }

  /**
   * Runs the swap; with an output directory, resumes from it and writes core's {@code result.json}
   * there (the report is a separate step: {@link io.github.vlmlens.core.report.SwapReport}).
   */
  public SwapResult run(List<VideoEntry> entries, Path outDir) {
    SwapExperiment experiment =
        SwapExperiment.of(vlm, swap).withBatchSize(batchSize).withProgressBar(progressBar);
    return experiment.run(samples(entries), outDir);
  }
}
