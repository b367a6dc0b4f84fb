package io.github.vlmlens.core.analysis;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.vlmlens.core.Tokenization;
import io.github.vlmlens.core.VlmInput;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The swap sets' positions under the two definitions of image tokens. */
class SwapPositionsTest {
  private static final List<SwapSet> ALL =
      List.of(SwapSet.OBJECT_WORDS, SwapSet.ALL_TEXT, SwapSet.ALL_IMAGE, SwapSet.CONTROL_TEXT);

  @Test
  void crossAttentionStatesMakeEveryPositionTextAndLeaveNoImagePosition() {
    FakeVlm m = FakeVlm.standard();
    SwapSample s = SwapExperimentTest.sample(m, "a", 200, 10);
    Tokenization tx = m.tokenize(s.x());
    Tokenization ty = m.tokenize(s.y());
    int n = tx.length();
    SwapPositions stream = SwapPositions.of(s, tx, ty, ALL, 7, ImageTokenDefinition.TEXT_STREAM_POSITIONS);
    SwapPositions cross = SwapPositions.of(s, tx, ty, ALL, 7, ImageTokenDefinition.CROSS_ATTENTION_STATES);
    assertArrayEquals(tx.imagePositions().resolve(n), stream.targets(SwapSet.ALL_IMAGE));
    assertEquals(FakeVlm.IMAGE_TOKENS, stream.targets(SwapSet.ALL_IMAGE).length);
    assertEquals(0, cross.targets(SwapSet.ALL_IMAGE).length, "the states are swapped, not positions");
    // text: every position in the cross definition, the image tokens included; the text ones otherwise
    int[] every = new int[n];
    Arrays.setAll(every, i -> i);
    assertArrayEquals(every, cross.targets(SwapSet.ALL_TEXT));
    assertArrayEquals(every, cross.sources(SwapSet.ALL_TEXT));
    assertEquals(n - FakeVlm.IMAGE_TOKENS, stream.targets(SwapSet.ALL_TEXT).length);
    assertArrayEquals(stream.targets(SwapSet.OBJECT_WORDS), cross.targets(SwapSet.OBJECT_WORDS));
    // the control is drawn among the text positions of each definition, never an object word
    for (int p : cross.targets(SwapSet.CONTROL_TEXT)) {
      assertTrue(Arrays.stream(cross.targets(SwapSet.OBJECT_WORDS)).noneMatch(o -> o == p) && p > 0 && p < n - 1);
    }
    // a text-only x has no image to swap, under either definition
    SwapSample text = SwapSample.of("t", VlmInput.text(s.x().prompt().replace("<image>", "")),
        VlmInput.text(s.x().prompt().replace("<image>", "")), "left", "right", s.objectWords());
    Tokenization tt = m.tokenize(text.x());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> SwapPositions.of(text, tt, tt, ALL, 7, ImageTokenDefinition.CROSS_ATTENTION_STATES));
    assertTrue(e.getMessage().contains("ALL_IMAGE needs image tokens"), e.getMessage());
  }
}
