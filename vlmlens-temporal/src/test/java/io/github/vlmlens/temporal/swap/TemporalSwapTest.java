package io.github.vlmlens.temporal.swap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.common.collect.Lists;
import io.github.vlmlens.core.analysis.SwapConfig;
import io.github.vlmlens.core.analysis.SwapResult;
import io.github.vlmlens.core.analysis.SwapSample;
import io.github.vlmlens.core.analysis.SwapSet;
import io.github.vlmlens.core.report.SwapReport;
import io.github.vlmlens.temporal.testing.FakeVideoVlm;
import io.github.vlmlens.temporal.video.AnswerForm;
import io.github.vlmlens.temporal.video.ObjectVideo;
import io.github.vlmlens.temporal.video.TemporalQuestion;
import io.github.vlmlens.temporal.video.VideoSampler;
import io.github.vlmlens.temporal.video.VideoSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TemporalSwapTest {
  @TempDir Path tmp;

  @Test
  void theCounterfactualIsTheVideoReversed() {
    FakeVideoVlm vlm = FakeVideoVlm.standard();
    ObjectVideo v = VideoSampler.of(VideoSpec.tiny()).objectVideos(4, 1).get(0);
    SwapSample s = TemporalSwapSamples.of(vlm.promptFormat()).sample("a", v);
    assertEquals(v.frames(), s.x().images());
    assertEquals(Lists.reverse(v.frames()), s.y().images());
    assertEquals(v.reversed().frames(), s.y().images());
    assertEquals(s.x().prompt(), s.y().prompt());
    assertTrue(s.x().isVideo() && s.y().isVideo());
    String gt = v.question().correctAnswer().orElseThrow();
    assertEquals(AnswerForm.CAPITALISED.apply(gt), s.gtAnswer());
    assertEquals(AnswerForm.CAPITALISED.apply(v.reversed().question().correctAnswer().orElseThrow()), s.otherAnswer());
    assertEquals(v.question().objectWords(), s.objectWords());
    SwapSample lower = TemporalSwapSamples.of(vlm.promptFormat()).withAnswerForm(AnswerForm.LOWERCASE).sample("b", v);
    assertEquals(gt, lower.gtAnswer());
  }

  private static TemporalSwapConfig config(TemporalQuestion.Kind kind) {
    SwapConfig swap = TemporalSwapConfig.swapConfigFor(kind).bootstrapResamples(200).build();
    return TemporalSwapConfig.builder().kind(kind).samples(12).seed(5).swap(swap).build();
  }

  @Test
  void allFramesAtLayerZeroCarryTheWholeBeliefOnAModelThatReadsTheImageTokens() {
    for (TemporalQuestion.Kind kind : TemporalQuestion.Kind.values()) {
      SwapResult r = TemporalSwap.of(FakeVideoVlm.standard(), config(kind)).withProgressBar(false).run(null);
      assertEquals(12, r.sampleCount());
      assertEquals(0, r.excludedCount(), kind.toString());
      assertEquals(1.0, r.accuracyX(), 0, kind.toString());
      assertEquals(1.0, r.accuracyY(), 0, kind.toString());
      assertEquals(List.of(0, 1, 2, 3), r.layers());
      assertEquals(1.0, r.curve(SwapSet.ALL_IMAGE).at(0).mean(), 1e-9, kind + ": all frames at layer 0");
      assertEquals(0.0, r.curve(SwapSet.OBJECT_WORDS).at(0).mean(), 1e-12, kind.toString());
      for (int l = 1; l <= 3; l++) {
        assertEquals(0.0, r.curve(SwapSet.ALL_IMAGE).at(l).mean(), 1e-12, kind + " image tokens at layer " + l);
        assertEquals(1.0, r.curve(SwapSet.OBJECT_WORDS).at(l).mean(), 1e-9, kind + " object words at layer " + l);
        assertEquals(1.0, r.curve(SwapSet.ALL_TEXT).at(l).mean(), 1e-9, kind.toString());
        assertEquals(0.0, r.curve(SwapSet.CONTROL_TEXT).at(l).mean(), 1e-12, kind.toString());
      }
      assertEquals(1, r.mergingPoint().fromLayer());
      assertEquals(3, r.mergingPoint().toLayer());
    }
  }

  @Test
  void answerFormIsPickedFromTheModelAndTheRunResumesFromItsDirectory() throws Exception {
    FakeVideoVlm vlm = FakeVideoVlm.lowercaseOnly();
    TemporalSwap swap = TemporalSwap.of(vlm, config(TemporalQuestion.Kind.OBJECT_ORDER)).withProgressBar(false);
    List<SwapSample> samples = swap.samples();
    assertTrue(samples.stream().allMatch(s -> s.gtAnswer().equals("before") || s.gtAnswer().equals("after")));
    Path dir = tmp.resolve("swap");
    SwapResult first = swap.run(dir);
    assertTrue(Files.exists(dir.resolve("result.json")));
    assertFalse(Files.exists(dir.resolve("report.html")), "the analysis renders nothing");
    SwapReport.writeAll(first, dir);
    assertTrue(Files.readString(dir.resolve("report.html")).contains("<img"));
    int runs = vlm.runs.get();
    SwapResult again = swap.run(dir);
    assertEquals(runs, vlm.runs.get(), "a finished run is not run again");
    // Equal in everything but the provenance's timestamps.
    assertEquals(first.curves(), again.curves());
    assertEquals(first.samples(), again.samples());
    assertEquals(first.mergingVerdict(), again.mergingVerdict());
    assertEquals(first.provenance().startedAt(), again.provenance().startedAt());
    assertTrue(TemporalSwap.summary(first).contains("temporal mirror swap (objects)"));
  }

  @Test
  void aModelThatDoesNotSeparateFramesIsRefused() {
    TemporalSwap swap = TemporalSwap.of(FakeVideoVlm.mergingFrames(), config(TemporalQuestion.Kind.OBJECT_ORDER));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, swap::samples);
    assertTrue(e.getMessage().contains("image range"), e.getMessage());
  }
}
