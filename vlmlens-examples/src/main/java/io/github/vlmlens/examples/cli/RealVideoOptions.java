package io.github.vlmlens.examples.cli;

import io.github.vlmlens.core.HookedVlm;
import io.github.vlmlens.core.analysis.SwapConfig;
import io.github.vlmlens.core.analysis.SwapResult;
import io.github.vlmlens.core.report.SwapReport;
import io.github.vlmlens.core.analysis.ExperimentEngine;
import io.github.vlmlens.temporal.ids.TemporalIdResult;
import io.github.vlmlens.temporal.real.RealVideoSteerConfig;
import io.github.vlmlens.temporal.real.RealVideoSteerResult;
import io.github.vlmlens.temporal.report.TemporalReport;
import io.github.vlmlens.temporal.real.RealVideoSteering;
import io.github.vlmlens.temporal.real.RealVideoSwap;
import io.github.vlmlens.temporal.steer.TemporalSteerConfig.Scaling;
import io.github.vlmlens.temporal.real.VideoData;
import io.github.vlmlens.temporal.real.VideoEntry;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/**
 * User videos for the temporal commands (issue 12): a manifest or folder read by
 * {@link VideoData}, checked before a model is loaded and before anything is written.
 */
final class RealVideoOptions {
  @Option(
      names = "--videos",
      paramLabel = "MANIFEST.json|DIR",
      description = {
        "Run on user videos (H.264 MP4/MOV) instead of synthetic ones: an MVBench-style manifest",
        "(a JSON array of {\"video\", \"question\", \"candidates\", \"answer\"}, optional \"objects\"",
        "and \"reversed_answer\"; video paths relative to the manifest) or a folder of videos, each",
        "with a sidecar NAME.json holding one such entry without \"video\", or else asked",
        "--question (then the model's own answer stands in for the true one). Frames are sampled",
        "uniformly from each video: --frames of them in temporal-swap, the IDs' count in",
        "temporal-steer."
      })
  Path videos;

  @Option(names = "--video-root", paramLabel = "DIR", description = "Folder the manifest's video paths are relative to (default: the manifest's folder).")
  Path videoRoot;

  @Option(names = "--question", description = "With a --videos folder: the question of videos without a sidecar, e.g. \"Does the dog appear before or after the cat?\".")
  String question;

  @Option(names = "--candidates", defaultValue = "before,after", split = ",", description = "With --question: its candidate answers, an order pair (default ${DEFAULT-VALUE}).")
  List<String> candidates;

  /** Whether user videos were asked for. */
  boolean given() {
    return videos != null;
  }

  /** The entries, read and checked without a model (nothing is written). */
  List<VideoEntry> entries(CommandLine cmd) {
    if (videos == null) {
      for (String o : List.of("--video-root", "--question", "--candidates")) {
        refuse(cmd, o, "applies only with --videos");
      }
      return List.of();
    }
    return VideoOptions.checked(cmd, "--videos", () -> VideoData.read(videos, videoRoot, question, candidates));
  }

  /** Fails when {@code option} was given on the command line. */
  static void refuse(CommandLine cmd, String option, String why) {
    if (cmd.getParseResult().hasMatchedOption(option)) {
      throw new ParameterException(cmd, option + " " + why);
    }
  }

  /** {@code temporal-swap --videos}: the mirror swap on the user's videos. */
  static Integer swap(TemporalSwapCommand c, CommandLine cmd) {
    for (String o : List.of("--kind", "--samples", "--pairs-from", "--frame-size")) {
      refuse(cmd, o, "does not apply with --videos (every entry is used, at its own frame size)");
    }
    if (c.batch < 1) {
      throw new ParameterException(cmd, "--batch must be at least 1, got " + c.batch);
    }
    if (c.videoOptions.frames < 1) {
      throw new ParameterException(cmd, "--frames must be at least 1, got " + c.videoOptions.frames);
    }
    List<VideoEntry> entries = c.realVideos.entries(cmd);
    SwapConfig.Builder swap = RealVideoSwap.swapConfig().seed(c.seed).formula(c.parseFormula());
    VideoOptions.checked(cmd, "--threshold", () -> swap.threshold(c.threshold).build());
    try (HookedVlm vlm = c.modelOptions.loadVideo(cmd)) {
      if (c.layers != null) {
        swap.layers(LayerList.parse(c.layers, vlm.numLayers(), cmd));
      }
      RealVideoSwap run = RealVideoSwap.of(vlm, swap.build()).withFrames(c.videoOptions.frames)
          .withBatchSize(c.batch).withProgressBar(!c.noProgress);
      SwapResult r = run.run(entries, c.out);
      long unlabelled = entries.stream().filter(e -> !e.labelled()).count();
      System.out.println(SwapReport.writeAll(r, c.out));
      if (unlabelled > 0) {
        System.out.println(unlabelled + " of " + entries.size()
            + " videos had no label: the model's own answer on the video stood in for the true one");
      }
      System.out.println("report: " + c.out.resolve(SwapReport.HTML_FILE).toAbsolutePath());
    }
    return 0;
  }

  /** {@code temporal-steer --videos}: steering the user's videos with the temporal IDs. */
  static Integer steer(TemporalSteerCommand c, CommandLine cmd) {
    for (String o : List.of("--samples", "--pairs-from")) {
      refuse(cmd, o, "does not apply with --videos (every entry is used)");
    }
    if (c.noiseDraws < 1) {
      throw new ParameterException(cmd, "--noise-draws must be at least 1, got " + c.noiseDraws);
    }
    if (c.batch < 1) {
      throw new ParameterException(cmd, "--batch must be at least 1, got " + c.batch);
    }
    List<VideoEntry> entries = c.realVideos.entries(cmd);
    TemporalIdResult ids = c.loadIds();
    RealVideoSteerConfig base = RealVideoSteerConfig.defaults().withNoiseDraws(c.noiseDraws).withSeed(c.seed);
    RealVideoSteerConfig cfg = VideoOptions.checked(cmd, c.alpha != null ? "--alpha" : "--k",
        () -> c.alpha != null ? base.withScaling(Scaling.ABSOLUTE, c.alpha) : base.withScaling(Scaling.NORM_RELATIVE, c.k));
    try (HookedVlm vlm = c.modelOptions.loadVideo(cmd)) {
      RealVideoSteerConfig withLayers = c.layers == null ? cfg
          : cfg.withLayers(Arrays.stream(LayerList.parse(c.layers, vlm.numLayers(), cmd)).boxed().toList());
      RealVideoSteering steering = VideoOptions.checked(cmd, "--ids", () -> RealVideoSteering.of(vlm, ids, withLayers, c.foreignIds.allowForeignIds));
      RealVideoSteerResult r = steering.withBatchSize(c.batch).withProgressBar(!c.noProgress).run(entries, c.out);
      System.out.print(TemporalReport.writeHtml(r, c.out));
      System.out.println("result: " + c.out.resolve(ExperimentEngine.RESULT_FILE).toAbsolutePath());
      System.out.println("report: " + c.out.resolve(TemporalReport.HTML_FILE).toAbsolutePath());
    }
    return 0;
  }
}
