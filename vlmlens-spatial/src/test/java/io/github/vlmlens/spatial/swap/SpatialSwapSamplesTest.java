package io.github.vlmlens.spatial.swap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.vlmlens.core.PromptFormat;
import io.github.vlmlens.core.analysis.SwapConfig;
import io.github.vlmlens.core.analysis.SwapSample;
import io.github.vlmlens.spatial.scene.GridCell;
import io.github.vlmlens.spatial.scene.GridSpec;
import io.github.vlmlens.spatial.scene.ImageTransforms;
import io.github.vlmlens.spatial.scene.ObjectLibrary;
import io.github.vlmlens.spatial.scene.PaletteColor;
import io.github.vlmlens.spatial.scene.Placement;
import io.github.vlmlens.spatial.scene.QuestionAxis;
import io.github.vlmlens.spatial.scene.SceneSplit;
import io.github.vlmlens.spatial.scene.SpatialQuestion;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class SpatialSwapSamplesTest {
  private static final PromptFormat LLAVA = PromptFormat.of("USER: <image>\n{question} ASSISTANT:");
  private static final ObjectLibrary LIB = ObjectLibrary.builtIn();
  private static final GridSpec GRID = GridSpec.tiny();

  /** B (ball) in row 1, column 0; A (star) in row 2, column 3. */
  private static Placement placement() {
    return Placement.of(GRID, LIB.get("star"), GridCell.of(2, 3), LIB.get("ball"), GridCell.of(1, 0), 1);
  }

  private static void assertWordsInPrompt(SwapSample s) {
    for (String w : s.objectWords()) {
      assertTrue(Pattern.compile("\\b" + w + "\\b").matcher(s.x().prompt()).find(), w);
    }
  }

  @Test
  void leftRightMirrorSwapFlipsTheImageAndTheAnswer() {
    Placement p = placement();
    SwapSample s = SpatialSwapSamples.of(LLAVA).mirror("m", p, QuestionAxis.HORIZONTAL);
    assertEquals("USER: <image>\nIs the ball to the left or right of the star? ASSISTANT:", s.x().prompt());
    assertEquals(s.x().prompt(), s.y().prompt());
    assertEquals(p.render(), s.x().images().get(0));
    assertEquals(ImageTransforms.mirrorLeftRight(p.render()), s.y().images().get(0));
    // the counterfactual image is the mirrored scene, whose answer is the other one
    assertEquals(p.mirrorLeftRight().render(), s.y().images().get(0));
    assertEquals("right", SpatialQuestion.leftRight(p.mirrorLeftRight()).correctAnswer().orElseThrow());
    assertEquals("Left", s.gtAnswer());
    assertEquals("Right", s.otherAnswer());
    assertEquals(List.of("ball", "star"), s.objectWords());
    assertWordsInPrompt(s);
  }

  @Test
  void aboveBelowMirrorSwapWithLowerCaseAnswers() {
    Placement p = placement();
    SwapSample s =
        SpatialSwapSamples.of(LLAVA).withAnswerForm(SpatialSwapSamples.asIs()).mirror("v", p, QuestionAxis.VERTICAL);
    assertEquals(ImageTransforms.mirrorTopBottom(p.render()), s.y().images().get(0));
    assertEquals(p.mirrorTopBottom().render(), s.y().images().get(0));
    assertEquals("above", s.gtAnswer()); // row 1 is above row 2
    assertEquals("below", s.otherAnswer());
    assertTrue(s.x().prompt().contains("Is the ball above or below the star?"));
  }

  @Test
  void attributeSwapRecoloursAndAsksForTheColour() {
    Placement p = placement().withColors(PaletteColor.RED, PaletteColor.GREEN);
    SpatialSwapSamples b = SpatialSwapSamples.of(LLAVA).withAnswerForm(String::toUpperCase);
    SwapSample first = b.attribute("c", p, true);
    SwapSample second = b.attribute("c", p, false);
    assertTrue(first.x().prompt().contains("What color is the star, red or cyan?"), first.x().prompt());
    assertTrue(second.x().prompt().contains("What color is the star, cyan or red?"), second.x().prompt());
    assertEquals("RED", first.gtAnswer());
    assertEquals("CYAN", first.otherAnswer());
    assertEquals(List.of("star"), first.objectWords());
    assertEquals(ImageTransforms.rotateHue(p.render(), 180), first.y().images().get(0));
    assertEquals(p.rotateHue(180).render(), first.y().images().get(0));
    assertEquals(PaletteColor.CYAN, p.rotateHue(180).a().color());
    assertWordsInPrompt(first);
  }

  @Test
  void undefinedQuestionsAndPlainOnesAreRefused() {
    Placement sameColumn =
        Placement.of(GRID, LIB.get("star"), GridCell.of(0, 2), LIB.get("ball"), GridCell.of(3, 2), 0);
    SpatialSwapSamples b = SpatialSwapSamples.of(LLAVA);
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> b.mirror("same-col", sameColumn, QuestionAxis.HORIZONTAL));
    assertTrue(e.getMessage().contains("same-col") && e.getMessage().contains("column"), e.getMessage());
    assertEquals("below", b.withAnswerForm(SpatialSwapSamples.asIs())
        .mirror("ok", sameColumn, QuestionAxis.VERTICAL).gtAnswer());
    assertThrows(IllegalArgumentException.class,
        () -> b.sample("plain", sameColumn, SpatialQuestion.presence(sameColumn)));
    assertThrows(IllegalArgumentException.class, () -> b.mirror("c", sameColumn, QuestionAxis.COLOR));
    assertThrows(IllegalArgumentException.class,
        () -> b.withAnswerForm(w -> "same").mirror("x", placement(), QuestionAxis.HORIZONTAL));
    IllegalArgumentException list =
        assertThrows(IllegalArgumentException.class,
            () -> b.mirrors(List.of(placement(), sameColumn), QuestionAxis.HORIZONTAL));
    assertTrue(list.getMessage().contains("horizontal-0001"), list.getMessage());
  }

  @Test
  void listsHaveUniqueIdsAndSeededColourOrders() {
    SceneSplit split = SceneSplit.of(LIB, GRID, 3);
    List<Placement> ps = split.sampler(SceneSplit.Part.TRAIN).sample(11, 24, QuestionAxis.HORIZONTAL);
    SpatialSwapSamples b = SpatialSwapSamples.of(LLAVA).withAnswerForm(SpatialSwapSamples.asIs());
    List<SwapSample> mirrors = b.mirrors(ps, QuestionAxis.HORIZONTAL);
    assertEquals(24, mirrors.size());
    assertEquals("horizontal-0000", mirrors.get(0).id());
    Set<String> ids = new HashSet<>();
    for (int i = 0; i < ps.size(); i++) {
      SwapSample s = mirrors.get(i);
      assertTrue(ids.add(s.id()));
      assertEquals(SpatialQuestion.leftRight(ps.get(i)).correctAnswer().orElseThrow(), s.gtAnswer());
      assertNotEquals(s.gtAnswer(), s.otherAnswer());
      assertWordsInPrompt(s);
    }
    List<SwapSample> colours = b.attributes(ps, 5);
    assertEquals("color-0023", colours.get(23).id());
    List<SwapSample> again = b.attributes(ps, 5);
    Set<Boolean> gtFirst = new HashSet<>();
    for (int i = 0; i < ps.size(); i++) {
      assertEquals(colours.get(i).x().prompt(), again.get(i).x().prompt());
      assertEquals(ps.get(i).a().color().word(), colours.get(i).gtAnswer());
      String p = colours.get(i).x().prompt();
      gtFirst.add(p.indexOf(colours.get(i).gtAnswer() + " or") >= 0);
    }
    assertEquals(Set.of(true, false), gtFirst);
    SwapConfig c = SpatialSwapSamples.configFor(QuestionAxis.COLOR).build();
    assertEquals("attribute swap", c.name());
  }
}
