package io.github.vlmlens.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class RunSpecTest {
  private static ActivationCache cacheAt(HookPoint p, int... positions) {
    float[] data = new float[positions.length * 2];
    for (int i = 0; i < data.length; i++) {
      data[i] = i;
    }
    return ActivationCache.of(List.of(Activations.of(p, positions, 2, data)));
  }

  @Test
  void emptySpecReadsLastLogitsOnly() {
    RunSpec s = RunSpec.empty();
    assertTrue(s.interventions().isEmpty());
    assertTrue(s.captures().isEmpty());
    assertEquals(RunSpec.LogitsMode.LAST, s.logits());
    assertTrue(s.hasReadouts());
    assertEquals(-1, s.resumeLayer());
  }

  @Test
  void noReadoutsWhenNothingAsked() {
    RunSpec s = RunSpec.builder().logits(RunSpec.LogitsMode.NONE).capture(HookPoint.lmResid(2)).build();
    assertFalse(s.hasReadouts());
    assertEquals(Positions.all(), s.captures().get(HookPoint.lmResid(2)));
  }

  @Test
  void answerWordsAreDeduplicatedInOrder() {
    RunSpec s = RunSpec.builder().readWords("Left", "Right", "Left").build();
    assertEquals(List.of("Left", "Right"), s.answerWords());
  }

  @Test
  void resumeRejectsEarlierHookPoints() {
    ActivationCache c = cacheAt(HookPoint.lmResid(3), 0, 1);
    RunSpec ok =
        RunSpec.builder()
            .resumeFrom(c, 3)
            .intervene(Intervention.zeroAblate(HookPoint.lmResid(3), Positions.of(0)))
            .capture(HookPoint.lmAttnOut(4))
            .build();
    assertEquals(3, ok.resumeLayer());
    assertThrows(
        IllegalArgumentException.class,
        () -> RunSpec.builder().resumeFrom(c, 3).capture(HookPoint.lmMlpOut(3)).build());
    assertThrows(
        IllegalArgumentException.class,
        () -> RunSpec.builder().resumeFrom(c, 3).capture(HookPoint.projectorOut()).build());
    assertThrows(IllegalArgumentException.class, () -> RunSpec.builder().resumeFrom(c, 2));
  }

  @Test
  void patchNeedsTheHookPointInTheCache() {
    ActivationCache c = cacheAt(HookPoint.lmResid(1), 0);
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> Intervention.patch(HookPoint.lmResid(2), Positions.of(0), c));
    assertTrue(e.getMessage().contains("lm.2.resid_post"), e.getMessage());
    assertThrows(
        IllegalArgumentException.class,
        () -> Intervention.patch(HookPoint.lmResid(1), Positions.of(0, 1), c, Positions.of(0)));
  }

  @Test
  void replaceChecksVectorCounts() {
    assertThrows(
        IllegalArgumentException.class,
        () -> Intervention.replace(HookPoint.lmResid(1), Positions.of(0, 1, 2), new float[2], new float[2]));
    Intervention r = Intervention.replace(HookPoint.lmResid(1), Positions.of(0, 1), new float[] {1, 2});
    assertEquals(1, r.vectors().length);
    float[] v = {1, 2};
    Intervention a = Intervention.add(HookPoint.lmResid(1), Positions.of(0), v);
    v[0] = 99;
    assertArrayEquals(new float[] {1, 2}, a.vectors()[0], "defensive copy");
  }

  @Test
  void positions() {
    assertArrayEquals(new int[] {0, 1, 2}, Positions.all().resolve(3));
    assertArrayEquals(new int[] {2, 0}, Positions.of(2, 0).resolve(3));
    assertThrows(IndexOutOfBoundsException.class, () -> Positions.of(3).resolve(3));
    assertThrows(IllegalArgumentException.class, () -> Positions.of(1, 1));
    assertThrows(IllegalArgumentException.class, () -> Positions.of(-1));
  }

  @Test
  void cacheLookupsNameWhatIsMissing() {
    ActivationCache c = cacheAt(HookPoint.lmResid(1), 4, 7);
    assertArrayEquals(new float[] {2, 3}, c.vector(HookPoint.lmResid(1), 7));
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> c.vector(HookPoint.lmResid(1), 5));
    assertTrue(e.getMessage().contains("position 5"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> c.get(HookPoint.lmResid(9)));
    assertTrue(e.getMessage().contains("lm.1.resid_post"), e.getMessage());
  }

  @Test
  void inputsCheckPlaceholders() {
    RgbImage img = RgbImage.black(4, 4);
    assertThrows(IllegalArgumentException.class, () -> VlmInput.of(img, "no placeholder"));
    assertThrows(IllegalArgumentException.class, () -> VlmInput.ofVideo(List.of(img, img), "<image> x"));
    VlmInput v = VlmInput.ofVideo(List.of(img, img), "<video> Does it move?");
    assertTrue(v.isVideo());
    assertEquals(2, v.images().size());
    PromptFormat f = PromptFormat.of("USER: <image>\n{question} ASSISTANT:");
    assertEquals("USER: <image>\nIs it? ASSISTANT:", f.imagePrompt("Is it?"));
    assertEquals("USER: Is it? ASSISTANT:", f.textOnlyPrompt("Is it?"));
    assertEquals("USER: <video>\nIs it? ASSISTANT:", f.videoPrompt("Is it?"));
  }
}
