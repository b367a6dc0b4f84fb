package io.github.vlmlens.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class HookPointTest {

  @ParameterizedTest
  @ValueSource(
      strings = {
        "lm.0.resid_post", "lm.12.resid_post", "lm.3.attn_out", "lm.3.mlp_out",
        "vision.0.resid_post", "vision.23.resid_post", "vision.2.attn_out", "projector.out"
      })
  void canonicalFormsRoundTrip(String text) {
    HookPoint p = HookPoint.parse(text);
    assertEquals(text, p.toString());
    assertEquals(p, HookPoint.parse(p.toString()));
  }

  @Test
  void aliasesOfTheEmbeddingOutput() {
    assertEquals(HookPoint.lmEmbed(), HookPoint.parse("lm.0"));
    assertEquals(HookPoint.lmEmbed(), HookPoint.parse("lm.embed"));
    assertEquals(HookPoint.lmResid(0), HookPoint.parse("LM.0.RESID_POST"));
    assertEquals(HookPoint.lmResid(7), HookPoint.parse("lm.7"));
    assertEquals("lm.0.resid_post", HookPoint.lmEmbed().toString());
  }

  @Test
  void factoriesMatchParsing() {
    assertEquals(HookPoint.parse("lm.4.attn_out"), HookPoint.lmAttnOut(4));
    assertEquals(HookPoint.parse("lm.4.mlp_out"), HookPoint.lmMlpOut(4));
    assertEquals(HookPoint.parse("vision.2"), HookPoint.visionResid(2));
    assertEquals(HookPoint.parse("projector.out"), HookPoint.projectorOut());
    assertTrue(HookPoint.lmResid(3).isLmResid());
  }

  @ParameterizedTest
  @ValueSource(strings = {"lm", "lm.x.resid_post", "lm.-1", "lm.0.attn_out", "projector.1", "text.3", "lm.3.foo", ""})
  void badTextIsRejectedWithTheText(String text) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> HookPoint.parse(text));
    assertTrue(e.getMessage().contains("'" + text + "'"), e.getMessage());
  }

  @Test
  void orderFollowsTheDataFlow() {
    List<HookPoint> points =
        new ArrayList<>(
            List.of(
                HookPoint.lmResid(2), HookPoint.lmMlpOut(2), HookPoint.lmAttnOut(2), HookPoint.lmEmbed(),
                HookPoint.projectorOut(), HookPoint.visionResid(1), HookPoint.lmResid(1)));
    Collections.shuffle(points, new java.util.Random(1));
    Collections.sort(points);
    assertEquals(
        List.of(
            HookPoint.visionResid(1), HookPoint.projectorOut(), HookPoint.lmEmbed(), HookPoint.lmResid(1),
            HookPoint.lmAttnOut(2), HookPoint.lmMlpOut(2), HookPoint.lmResid(2)),
        points);
  }

  @Test
  void crossStatesAreALanguageModelPointWithStateRows() {
    HookPoint p = HookPoint.parse("lm.3.cross_states");
    assertEquals(HookPoint.lmCrossStates(3), p);
    assertEquals("lm.3.cross_states", p.toString());
    assertTrue(p.hasStateRows() && HookPoint.projectorOut().hasStateRows());
    assertTrue(!HookPoint.lmResid(3).hasStateRows());
    // read before the block's attention, after its input
    assertTrue(HookPoint.parse("lm.3.resid_pre").compareTo(p) < 0 && p.compareTo(HookPoint.parse("lm.3.attn_scores")) < 0);
    assertThrows(IllegalArgumentException.class, () -> HookPoint.parse("vision.3.cross_states"));
    assertThrows(IllegalArgumentException.class, () -> HookPoint.parse("lm.0.cross_states"));
  }
}
