package io.github.vlmlens.spatial.scene;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SpatialQuestionTest {
  private static final ObjectLibrary LIB = ObjectLibrary.builtIn();
  private static final GridSpec G = GridSpec.tiny();

  private static Placement place(String a, int ar, int ac, String b, int br, int bc) {
    return Placement.of(G, LIB.get(a), GridCell.of(ar, ac), LIB.get(b), GridCell.of(br, bc), 0);
  }

  @Test
  void leftRightQuestion() {
    SpatialQuestion q = SpatialQuestion.leftRight(place("ball", 1, 2, "star", 3, 0));
    assertEquals("Is the star to the left or right of the ball?", q.text());
    assertEquals(List.of("left", "right"), q.answers());
    assertEquals(Optional.of("left"), q.correctAnswer());
    assertEquals(Optional.of("right"), q.wrongAnswer());
    assertEquals(List.of("star", "ball"), q.objectWords());
    assertEquals("star", q.subject());
    assertEquals(QuestionAxis.HORIZONTAL, q.axis());
    assertEquals(Optional.of("right"),
        SpatialQuestion.leftRight(place("ball", 1, 2, "star", 0, 3)).correctAnswer());
    SpatialQuestion undefined = SpatialQuestion.leftRight(place("ball", 1, 2, "star", 3, 2));
    assertFalse(undefined.isDefined());
    assertEquals(Optional.empty(), undefined.correctAnswer());
    assertEquals(Optional.empty(), undefined.wrongAnswer());
  }

  @Test
  void aboveBelowQuestion() {
    SpatialQuestion q = SpatialQuestion.aboveBelow(place("moon", 2, 2, "tree", 0, 3));
    assertEquals("Is the tree above or below the moon?", q.text());
    assertEquals(List.of("above", "below"), q.answers());
    assertEquals(Optional.of("above"), q.correctAnswer());
    assertEquals(Optional.of("below"),
        SpatialQuestion.aboveBelow(place("moon", 2, 2, "tree", 3, 0)).correctAnswer());
    assertFalse(SpatialQuestion.aboveBelow(place("moon", 2, 2, "tree", 2, 0)).isDefined());
  }

  @Test
  void mirroredScenesFlipTheSpatialAnswers() {
    SceneSampler s = SceneSplit.of(LIB, G, 1).sampler(SceneSplit.Part.TRAIN);
    for (Placement p : s.sample(8, 200, QuestionAxis.NONE)) {
      SpatialQuestion h = SpatialQuestion.leftRight(p);
      SpatialQuestion hm = SpatialQuestion.leftRight(p.mirrorLeftRight());
      assertEquals(h.text(), hm.text());
      assertEquals(h.isDefined(), hm.isDefined());
      assertEquals(h.wrongAnswer(), hm.correctAnswer());
      assertEquals(SpatialQuestion.aboveBelow(p).correctAnswer(),
          SpatialQuestion.aboveBelow(p.mirrorLeftRight()).correctAnswer());
      assertEquals(SpatialQuestion.aboveBelow(p).wrongAnswer(),
          SpatialQuestion.aboveBelow(p.mirrorTopBottom()).correctAnswer());
      SpatialQuestion c = SpatialQuestion.color(p, true);
      SpatialQuestion cc = SpatialQuestion.color(p.counterfactual(QuestionAxis.COLOR), false);
      assertEquals(c.text(), cc.text());
      assertEquals(c.wrongAnswer(), cc.correctAnswer());
    }
  }

  @Test
  void colorQuestionOffersTheColourAndItsPartnerInSeededOrder() {
    Placement p = place("heart", 0, 0, "box", 1, 1).withColors(PaletteColor.YELLOW, PaletteColor.RED);
    SpatialQuestion first = SpatialQuestion.color(p, true);
    assertEquals("What color is the heart, yellow or blue?", first.text());
    assertEquals(Optional.of("yellow"), first.correctAnswer());
    assertEquals(List.of("heart"), first.objectWords());
    assertEquals("heart", first.subject());
    assertEquals("What color is the heart, blue or yellow?", SpatialQuestion.color(p, false).text());
    Random r1 = new Random(4);
    Random r2 = new Random(4);
    Set<String> texts = new HashSet<>();
    for (int i = 0; i < 20; i++) {
      SpatialQuestion a = SpatialQuestion.color(p, r1);
      assertEquals(a, SpatialQuestion.color(p, r2));
      assertEquals(Optional.of("yellow"), a.correctAnswer());
      texts.add(a.text());
    }
    assertEquals(2, texts.size());
  }

  @Test
  void plainPresencePrompt() {
    SpatialQuestion q = SpatialQuestion.presence(place("ring", 0, 0, "arrow", 3, 3));
    assertEquals("Is there an arrow in the image?", q.text());
    assertEquals("Is there a star in the image?",
        SpatialQuestion.presence(place("ring", 0, 0, "star", 3, 3)).text());
    assertEquals(List.of("yes", "no"), q.answers());
    assertEquals(Optional.of("yes"), q.correctAnswer());
    assertEquals(List.of("arrow"), q.objectWords());
    assertEquals(QuestionAxis.NONE, q.axis());
  }

  @Test
  void dispatchByAxis() {
    Placement p = place("ring", 0, 0, "arrow", 3, 3);
    Random r = new Random(0);
    assertEquals(SpatialQuestion.leftRight(p), SpatialQuestion.of(QuestionAxis.HORIZONTAL, p, r));
    assertEquals(SpatialQuestion.aboveBelow(p), SpatialQuestion.of(QuestionAxis.VERTICAL, p, r));
    assertEquals(SpatialQuestion.presence(p), SpatialQuestion.of(QuestionAxis.NONE, p, r));
    assertEquals(QuestionAxis.COLOR, SpatialQuestion.of(QuestionAxis.COLOR, p, r).axis());
  }

  @Test
  void vocabularyHoldsEveryWordOfEveryQuestionAndAnswer() {
    List<String> vocab = SpatialQuestion.vocabulary(LIB);
    Set<String> set = new HashSet<>(vocab);
    SceneSampler s = SceneSplit.of(LIB, G, 1).sampler(SceneSplit.Part.TRAIN).withRandomColors(true);
    Random r = new Random(2);
    for (int i = 0; i < 300; i++) {
      Placement p = s.next(r);
      for (QuestionAxis axis : QuestionAxis.values()) {
        SpatialQuestion q = SpatialQuestion.of(axis, p, r);
        for (String w : q.text().split("[^A-Za-z]+")) {
          assertTrue(w.isEmpty() || set.contains(w), w + " missing from " + vocab);
        }
        assertTrue(set.containsAll(q.answers()));
        for (String w : q.answers()) {
          assertTrue(w.matches("[a-z]+"), w);
        }
      }
    }
    assertTrue(set.containsAll(LIB.names()));
    assertEquals(vocab.size(), set.size());
  }
}
