package io.github.vlmlens.temporal.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.vlmlens.core.HookPoint;
import io.github.vlmlens.core.Positions;
import io.github.vlmlens.core.RunResult;
import io.github.vlmlens.core.RunSpec;
import io.github.vlmlens.core.Tokenization;
import io.github.vlmlens.core.VlmInput;
import io.github.vlmlens.temporal.testing.FakeVideoVlm;
import io.github.vlmlens.temporal.video.Appearance;
import io.github.vlmlens.temporal.video.AnswerForm;
import io.github.vlmlens.temporal.video.ObjectVideo;
import io.github.vlmlens.temporal.video.VideoObject;
import io.github.vlmlens.temporal.video.VideoSpec;
import java.util.List;
import org.junit.jupiter.api.Test;

class FrameOrderTest {
  private static final VideoSpec SPEC = VideoSpec.tiny();

  private static ObjectVideo video(int f1, int f2) {
    return ObjectVideo.of(SPEC, new Appearance(VideoObject.SQUARE, f1, 2, 2), new Appearance(VideoObject.KITE, f2, 16, 16));
  }

  @Test
  void eachFrameGetsItsOwnTokensInTimeOrder() {
    FakeVideoVlm vlm = FakeVideoVlm.standard();
    VlmInput in = VideoInputs.input(vlm, video(1, 5));
    assertTrue(in.isVideo());
    assertEquals("<video>\nDoes the square appear before or after the kite?", in.prompt());
    Tokenization t = VideoInputs.checkedTokenization(vlm, in, List.of("square", "kite"));
    assertEquals(8, t.imageCount());
    for (int f = 0; f < 8; f++) {
      int start = 1 + f * FakeVideoVlm.STRIPS;
      assertArrayEquals(Positions.range(start, start + FakeVideoVlm.STRIPS).resolve(t.length()),
          t.imagePositions(f).resolve(t.length()), "frame " + f);
    }
  }

  @Test
  void theObjectWordReadsTheFrameItsObjectAppearsIn() {
    FakeVideoVlm vlm = FakeVideoVlm.standard();
    for (int f = 0; f < 8; f++) {
      ObjectVideo v = video(f, f == 0 ? 7 : 0);
      VlmInput in = VideoInputs.input(vlm, v);
      int pos = vlm.tokenize(in).lastSubToken("square");
      RunResult r = vlm.run(in, RunSpec.builder().capture(HookPoint.lmResid(1), Positions.of(pos)).build());
      float[] h = r.cache().vector(HookPoint.lmResid(1), pos);
      float[] h0 = vlm.run(in, RunSpec.builder().capture(HookPoint.lmResid(0), Positions.of(pos)).build())
          .cache().vector(HookPoint.lmResid(0), pos);
      double along = 0;
      for (int d = 0; d < FakeVideoVlm.HIDDEN; d++) {
        along += (h[d] - h0[d]) * FakeVideoVlm.TIME[d];
      }
      assertEquals(f, along, 1e-5, "time code of a square in frame " + f);
    }
  }

  @Test
  void aModelThatMergesFramesIsRefusedWithTheCounts() {
    FakeVideoVlm vlm = FakeVideoVlm.mergingFrames();
    VlmInput in = VideoInputs.input(vlm, video(1, 5));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> VideoInputs.checkedTokenization(vlm, in, List.of("square")));
    assertTrue(e.getMessage().contains("8-frame video into 1 image range"), e.getMessage());
    IllegalArgumentException w = assertThrows(IllegalArgumentException.class,
        () -> VideoInputs.checkedTokenization(FakeVideoVlm.standard(), in, List.of("disk")));
    assertTrue(w.getMessage().contains("disk"), w.getMessage());
  }

  @Test
  void answerFormFollowsTheModelsVocabulary() {
    assertEquals(AnswerForm.CAPITALISED, VideoInputs.answerForm(FakeVideoVlm.standard(), null));
    assertEquals(AnswerForm.LOWERCASE, VideoInputs.answerForm(FakeVideoVlm.lowercaseOnly(), null));
    assertEquals(AnswerForm.LOWERCASE, VideoInputs.answerForm(FakeVideoVlm.standard(), AnswerForm.LOWERCASE));
    assertThrows(IllegalArgumentException.class,
        () -> VideoInputs.answerForm(FakeVideoVlm.lowercaseOnly(), AnswerForm.CAPITALISED));
  }
}
