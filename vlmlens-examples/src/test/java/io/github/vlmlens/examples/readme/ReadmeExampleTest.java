package io.github.vlmlens.examples.readme;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.vlmlens.core.HookPoint;
import io.github.vlmlens.core.HookedVlm;
import io.github.vlmlens.core.Intervention;
import io.github.vlmlens.core.Positions;
import io.github.vlmlens.core.PromptFormat;
import io.github.vlmlens.core.RunResult;
import io.github.vlmlens.core.RunSpec;
import io.github.vlmlens.core.VlmInput;
import io.github.vlmlens.examples.tiny.TinyVlm;
import io.github.vlmlens.hooks.HookedLlava;
import io.github.vlmlens.spatial.scene.GridCell;
import io.github.vlmlens.spatial.scene.GridSpec;
import io.github.vlmlens.spatial.scene.ImageTransforms;
import io.github.vlmlens.spatial.scene.ObjectLibrary;
import io.github.vlmlens.spatial.scene.Placement;
import org.junit.jupiter.api.Test;

/** The README's "first look" example, run on the bundled tiny VLM (lowercase answer words). */
class ReadmeExampleTest {
  @Test
  void patchingTheObjectWordFromTheMirroredSceneFlipsTheAnswer() {
    ObjectLibrary lib = ObjectLibrary.builtIn();
    Placement scene =
        Placement.of(GridSpec.tiny(), lib.get("star"), GridCell.of(1, 3), lib.get("ball"), GridCell.of(2, 0), 1);
    try (HookedVlm vlm = HookedLlava.load(TinyVlm.checkpointDir())) {
      PromptFormat fmt = vlm.promptFormat();
      String q = "Is the ball to the left or right of the star?";
      VlmInput x = fmt.input(scene.render(), q);
      VlmInput y = fmt.input(ImageTransforms.mirrorLeftRight(scene.render()), q);

      HookPoint l2 = HookPoint.parse("lm.2.resid_post");
      int ball = vlm.tokenize(x).lastSubToken("ball");

      RunResult yRun = vlm.run(y, RunSpec.builder().capture(l2, Positions.of(ball)).build());
      RunSpec read = RunSpec.builder().readWords("left", "right").build();
      RunResult plain = vlm.run(x, read);
      RunResult patched =
          vlm.run(
              x,
              read.toBuilder().intervene(Intervention.patch(l2, Positions.of(ball), yRun.cache())).build());
      assertTrue(plain.prob("left") > plain.prob("right"), "unpatched: " + plain.logProbs());
      assertTrue(patched.prob("right") > patched.prob("left"), "patched: " + patched.logProbs());
    }
  }
}
