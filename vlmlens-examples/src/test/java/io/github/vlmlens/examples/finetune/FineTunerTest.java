package io.github.vlmlens.examples.finetune;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import io.github.vlmlens.core.HookedVlm;
import io.github.vlmlens.core.RunSpec;
import io.github.vlmlens.core.VlmInput;
import io.github.vlmlens.examples.tiny.TinyVlmRecipe;
import io.github.vlmlens.hooks.HookedVlms;
import io.github.vlmlens.hooks.LoadOptions;
import io.github.vlmlens.hooks.train.Evaluation;
import io.github.vlmlens.hooks.train.FineTuneConfig;
import io.github.vlmlens.hooks.train.FineTuneResult;
import io.github.vlmlens.hooks.train.FineTuner;
import io.github.vlmlens.hooks.train.TrainingExample;
import io.github.vlmlens.spatial.ids.SpatialIds;
import io.github.vlmlens.spatial.scene.GridCell;
import io.github.vlmlens.spatial.scene.QuestionAxis;
import io.github.vlmlens.tiny.TinyVlm;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fine-tuning engine on the bundled tiny VLM, a few steps of batch 4: frozen parameters stay
 * bit-identical, weight 0 is the plain LM loss, a step is deterministic, checkpoints reload with
 * the same logits, a killed run resumes to the same weights, memory stays flat.
 */
class FineTunerTest {
  private static final int LAYER = 2;
  private static final String PROJECTOR = "multi_modal_projector\\..*";
  private static Path init;
  private static SpatialFinetuneData data;

  @BeforeAll
  static void setUp() {
    init = TinyVlm.checkpointDir();
    data = new SpatialFinetuneData(TinyVlmRecipe.split(), TinyVlmRecipe.PROMPT, randomIds(128), LAYER, 4, 5,
        List.of(QuestionAxis.HORIZONTAL, QuestionAxis.VERTICAL));
  }

  /** Random target IDs: the tests check the mechanics, not what the IDs mean. */
  private static SpatialIds randomIds(int hidden) {
    Random r = new Random(3);
    SpatialIds.Builder b = SpatialIds.builder("test", TinyVlmRecipe.grid(), hidden, List.of(LAYER));
    for (GridCell c : TinyVlmRecipe.grid().cells()) {
      float[] v = new float[hidden];
      for (int i = 0; i < hidden; i++) {
        v[i] = (float) r.nextGaussian();
      }
      for (int z = 0; z < TinyVlmRecipe.grid().sizeCount(); z++) {
        b.id(z, LAYER, c, v);
      }
    }
    return b.build();
  }

  private static FineTuneConfig.Builder config() {
    return FineTuneConfig.builder().steps(6).learningRate(1e-3).warmupSteps(2).spatialLoss(LAYER, 1.0);
  }

  private static Map<String, float[]> snapshot(FineTuner t) {
    Map<String, float[]> out = new LinkedHashMap<>();
    t.parameters().forEach((k, v) -> out.put(k, v.toFloatArray()));
    return out;
  }

  @Test
  void progressCountsTheStepsInPlaceOfTheStepLog(@TempDir Path out) {
    List<String> log = new ArrayList<>();
    PrintStream old = System.err;
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    try (FineTuner t = FineTuner.open(init, LoadOptions.defaults(), config().trainable(PROJECTOR).build(), out)
        .withLog(log::add).withProgress("finetune")) {
      t.runUntil(data, vlm -> Map.of("none", 0.0), 3);
    } finally {
      System.setErr(old);
    }
    List<String> lines = err.toString(StandardCharsets.UTF_8).lines()
        .filter(l -> l.startsWith("finetune: ")).toList();
    // 6 steps, stopped after 3: a line at the start, one per step (each more than a tenth), none at close
    assertEquals(4, lines.size(), lines.toString());
    assertTrue(lines.get(0).matches("finetune: 0/6 steps \\(0%\\), 0:\\d\\d elapsed"), lines.get(0));
    assertTrue(lines.get(3).matches(
        "finetune: 3/6 steps \\(50%\\), \\d+:\\d\\d elapsed, ETA \\d+:\\d\\d, lm \\d+\\.\\d{4}, spatial \\d+\\.\\d{4}"),
        lines.get(3));
    assertTrue(log.stream().noneMatch(l -> l.startsWith("step ")), "no step log with progress: " + log);
    assertTrue(log.stream().anyMatch(l -> l.startsWith("evaluation at step 0")), log.toString());
  }

  @Test
  void gradientsReachOnlyTheChosenParameters(@TempDir Path out) {
    try (FineTuner t = FineTuner.open(init, LoadOptions.defaults(), config().trainable(PROJECTOR).build(), out)) {
      assertEquals(4, t.trainableParameters().size(), t.trainableParameters().toString());
      Map<String, float[]> before = snapshot(t);
      t.trainStep(data.batch(1), 1);
      t.trainStep(data.batch(2), 2);
      Map<String, float[]> after = snapshot(t);
      for (String name : before.keySet()) {
        boolean same = java.util.Arrays.equals(before.get(name), after.get(name));
        if (t.trainableParameters().contains(name)) {
          assertFalse(same, name + " was trained but did not change");
        } else {
          assertTrue(same, name + " is frozen but changed");
        }
      }
    }
  }

  @Test
  void weightZeroIsThePlainLmLoss(@TempDir Path out) {
    List<TrainingExample> batch = data.batch(1);
    try (FineTuner zero = FineTuner.open(init, LoadOptions.defaults(), config().spatialLoss(LAYER, 0).build(), out.resolve("a"));
        FineTuner one = FineTuner.open(init, LoadOptions.defaults(), config().build(), out.resolve("b"))) {
      double[] z = zero.losses(batch);
      double[] o = one.losses(batch);
      assertEquals(z[0], z[2], "weight 0: the loss is the LM loss");
      assertTrue(Double.isFinite(z[1]) && z[1] > 0, "the spatial-ID loss is still measured: " + z[1]);
      assertEquals(o[0] + o[1], o[2], 1e-5);
      assertEquals(z[0], o[0]);
      // and a step at weight 0 is the step without any anchors
      List<TrainingExample> plain = batch.stream().map(e -> TrainingExample.of(e.input(), e.answer())).toList();
      zero.trainStep(batch, 1);
      try (FineTuner none = FineTuner.open(init, LoadOptions.defaults(), config().spatialLoss(-1, 0).build(), out.resolve("c"))) {
        none.trainStep(plain, 1);
        assertSameWeights(snapshot(zero), snapshot(none));
      }
    }
  }

  @Test
  void aStepOnAFixedBatchIsDeterministic(@TempDir Path out) {
    try (FineTuner a = FineTuner.open(init, LoadOptions.defaults(), config().build(), out.resolve("a"));
        FineTuner b = FineTuner.open(init, LoadOptions.defaults(), config().build(), out.resolve("b"))) {
      FineTuneResult.StepRecord ra = a.trainStep(data.batch(3), 1);
      FineTuneResult.StepRecord rb = b.trainStep(data.batch(3), 1);
      assertEquals(ra, rb);
      assertSameWeights(snapshot(a), snapshot(b));
    }
  }

  @Test
  void aCheckpointReloadsWithTheLogitsItHadInMemory(@TempDir Path out) {
    VlmInput x = data.batch(9).get(0).input();
    RunSpec spec = RunSpec.builder().logits(RunSpec.LogitsMode.LAST).build();
    try (FineTuner t = FineTuner.open(init, LoadOptions.defaults(), config().build(), out)) {
      t.trainStep(data.batch(1), 1);
      t.trainStep(data.batch(2), 2);
      float[] live = t.model().run(x, spec).lastLogits();
      Path ckpt = t.checkpoint();
      try (HookedVlm loaded = HookedVlms.load(ckpt)) {
        assertArrayEquals(live, loaded.run(x, spec).lastLogits());
      }
      try (HookedVlm original = HookedVlms.load(init)) {
        assertFalse(java.util.Arrays.equals(live, original.run(x, spec).lastLogits()), "training changed nothing");
      }
    }
  }

  @Test
  void aKilledRunResumesToTheSameWeights(@TempDir Path out) {
    FineTuneConfig c = config().steps(4).warmupSteps(1).checkpointEvery(2).evalEvery(3).build();
    Evaluation eval = vlm -> Map.of("logit0", (double) vlm.run(data.batch(99).get(0).input(),
        RunSpec.builder().logits(RunSpec.LogitsMode.LAST).build()).lastLogits()[4]);
    FineTuneResult whole;
    Map<String, float[]> wholeWeights;
    try (FineTuner t = FineTuner.open(init, LoadOptions.defaults(), c, out.resolve("whole"))) {
      whole = t.run(data, eval);
      wholeWeights = snapshot(t);
    }
    Path dir = out.resolve("killed");
    try (FineTuner t = FineTuner.open(init, LoadOptions.defaults(), c, dir)) {
      t.runUntil(data, eval, 3); // stops after step 3 as a kill would; its last checkpoint is step 2
    }
    FineTuneResult resumed;
    try (FineTuner t = FineTuner.open(init, LoadOptions.defaults(), c, dir)) {
      assertEquals(2, t.step());
      resumed = t.run(data, eval);
      assertSameWeights(wholeWeights, snapshot(t));
    }
    assertEquals(whole.steps(), resumed.steps());
    assertEquals(whole.evaluations(), resumed.evaluations());
    assertThrows(IllegalStateException.class,
        () -> FineTuner.open(init, LoadOptions.defaults(), config().steps(7).build(), dir).close());
    assertTrue(java.nio.file.Files.isRegularFile(dir.resolve("finetune.json")));
    io.github.vlmlens.examples.ResultSchemas.assertValid(dir.resolve("finetune.json"), FineTuneResult.class);
  }

  @Test
  void memoryStaysFlatAcrossSteps(@TempDir Path out) {
    try (FineTuner t = FineTuner.open(init, LoadOptions.defaults(), config().build(), out)) {
      t.trainStep(data.batch(1), 1);
      NDArray any = t.parameters().values().iterator().next();
      int arrays = any.getManager().getManagedArrays().size();
      for (int s = 2; s <= 5; s++) {
        t.trainStep(data.batch(s), s);
      }
      assertEquals(arrays, any.getManager().getManagedArrays().size(), "arrays piled up in the model's manager");
    }
  }

  @Test
  void theBudgetAndThePatternsAreChecked(@TempDir Path out) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> FineTuner.open(init, LoadOptions.defaults(), config().maxTrainableParameters(1000).build(), out).close());
    assertTrue(e.getMessage().contains("over the budget"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> FineTuner.open(init, LoadOptions.defaults(), config().trainable("nothing\\..*").build(), out).close());
    assertTrue(e.getMessage().contains("no parameter matches"), e.getMessage());
  }

  @Test
  void bothArmsSeeTheSameBatches() {
    SpatialFinetuneData other = new SpatialFinetuneData(TinyVlmRecipe.split(), TinyVlmRecipe.PROMPT, null, LAYER, 4, 5,
        List.of(QuestionAxis.HORIZONTAL, QuestionAxis.VERTICAL));
    assertEquals(data.placements(7), other.placements(7));
    assertFalse(data.placements(7).equals(data.placements(8)));
    var ps = data.placements(7);
    assertTrue(ps.stream().allMatch(p -> p.a().cell().equals(ps.get(0).a().cell())
        && p.a().word().equals(ps.get(0).a().word())), "a batch shares A and its cell");
  }

  private static void assertSameWeights(Map<String, float[]> a, Map<String, float[]> b) {
    assertEquals(a.keySet(), b.keySet());
    for (String k : a.keySet()) {
      assertArrayEquals(a.get(k), b.get(k), k);
    }
  }
}
