package io.github.vlmlens.hooks;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import io.github.vlmlens.core.HookPoint;
import io.github.vlmlens.core.RunSpec;
import io.github.vlmlens.hooks.internal.io.SafetensorsWriter;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The DJL-level model: initialisation, checkpoints, the forward pass against host references, gradients. */
class LlavaModelTest {
  @TempDir Path tmp;

  /** Token ids: BOS, two words, 16 image tokens, some words. */
  private static long[] idsWithImage(int textAfter) {
    long[] ids = new long[3 + 16 + textAfter];
    ids[0] = 1;
    ids[1] = 5;
    ids[2] = 7;
    for (int i = 3; i < 19; i++) {
      ids[i] = TinyLlava.IMAGE_TOKEN;
    }
    for (int i = 19; i < ids.length; i++) {
      ids[i] = 5 + (i * 7) % (TinyLlava.vocabSize() - 5);
    }
    return ids;
  }

  private static NDArray pixels(NDManager m, long seed, int images) {
    Random r = new Random(seed);
    float[] v = new float[images * 3 * 32 * 32];
    for (int i = 0; i < v.length; i++) {
      v[i] = (float) r.nextGaussian();
    }
    return m.create(v, new Shape(images, 3, 32, 32));
  }

  @Test
  void forwardGivesFiniteLogitsAndVisitsEveryHookPointInOrder() {
    try (LlavaModel model = LlavaModel.initRandom(TinyLlava.config(), 7, LoadOptions.defaults());
        NDManager sub = model.manager().newSubManager()) {
      long[] ids = idsWithImage(5);
      List<HookPoint> visited = new ArrayList<>();
      NDArray logits =
          model.forward(
              sub.create(ids, new Shape(1, ids.length)),
              pixels(sub, 1, 1),
              (p, a) -> {
                visited.add(p);
                if (p.isAttentionMap() && p.component() == HookPoint.Component.LM) {
                  // [batch, heads, queries, keys]
                  assertEquals(new Shape(1, 4, ids.length, ids.length), a.getShape(), p.toString());
                } else if (p.isAttentionMap()) {
                  // [images, heads, patches + 1, patches + 1]
                  assertEquals(a.getShape().get(2), a.getShape().get(3), p.toString());
                } else {
                  long width = p.component() == HookPoint.Component.VISION ? 32 : 64;
                  assertEquals(width, a.getShape().get(2), p.toString());
                }
                return a;
              });
      assertEquals(new Shape(1, ids.length, TinyLlava.vocabSize()), logits.getShape());
      for (float f : logits.toFloatArray()) {
        assertTrue(Float.isFinite(f));
      }
      assertEquals(model.hookPoints(), visited);
      assertEquals(1, model.visionLayersRun());
    }
  }

  @Test
  void initRandomIsDeterministicAndFollowsPyTorchDefaults() {
    LlavaConfig c = TinyLlava.config(2);
    try (LlavaModel a = LlavaModel.initRandom(c, 42, LoadOptions.defaults());
        LlavaModel b = LlavaModel.initRandom(c, 42, LoadOptions.defaults());
        LlavaModel d = LlavaModel.initRandom(c, 43, LoadOptions.defaults())) {
      assertEquals(a.parameters().keySet(), b.parameters().keySet());
      boolean anyDiffers = false;
      for (String n : a.parameters().keySet()) {
        float[] x = a.parameters().get(n).toFloatArray();
        assertArrayEquals(x, b.parameters().get(n).toFloatArray(), n);
        anyDiffers |= !java.util.Arrays.equals(x, d.parameters().get(n).toFloatArray());
      }
      assertTrue(anyDiffers);
      // Linear: U(-1/sqrt(fan_in), 1/sqrt(fan_in)).
      float[] w = a.parameters().get("multi_modal_projector.linear_1.weight").toFloatArray();
      double bound = 1 / Math.sqrt(32);
      double max = 0;
      double sum = 0;
      for (float f : w) {
        max = Math.max(max, Math.abs(f));
        sum += f;
      }
      assertTrue(max <= bound && max > 0.95 * bound, "max " + max + " bound " + bound);
      assertEquals(0, sum / w.length, 0.02);
      // Conv: fan_in = channels * k * k.
      float[] conv = a.parameters().get("vision_tower.vision_model.embeddings.patch_embedding.weight").toFloatArray();
      for (float f : conv) {
        assertTrue(Math.abs(f) <= 1 / Math.sqrt(3 * 8 * 8));
      }
      // Embedding N(0, 1).
      float[] e = a.parameters().get("language_model.model.embed_tokens.weight").toFloatArray();
      double m = 0;
      double s = 0;
      for (float f : e) {
        m += f;
        s += f * f;
      }
      m /= e.length;
      assertEquals(0, m, 0.06);
      assertEquals(1, Math.sqrt(s / e.length - m * m), 0.06);
      for (float f : a.parameters().get("language_model.model.norm.weight").toFloatArray()) {
        assertEquals(1f, f);
      }
      for (float f : a.parameters().get("vision_tower.vision_model.pre_layrnorm.bias").toFloatArray()) {
        assertEquals(0f, f);
      }
      assertTrue(a.parameters().containsKey("vision_tower.vision_model.post_layernorm.weight"));
      assertTrue(a.parameters().containsKey("language_model.lm_head.weight"));
    }
  }

  @Test
  void saveThenLoadGivesTheSameModel() throws IOException {
    try (LlavaModel a = LlavaModel.initRandom(TinyLlava.config(2), 5, LoadOptions.defaults())) {
      a.save(tmp);
      try (LlavaModel b = LlavaModel.load(tmp);
          NDManager sa = a.manager().newSubManager();
          NDManager sb = b.manager().newSubManager()) {
        assertEquals(a.config(), b.config());
        for (String n : a.parameters().keySet()) {
          assertArrayEquals(a.parameters().get(n).toFloatArray(), b.parameters().get(n).toFloatArray(), n);
        }
        long[] ids = idsWithImage(4);
        float[] la = a.forward(sa.create(ids, new Shape(1, ids.length)), pixels(sa, 3, 1)).toFloatArray();
        float[] lb = b.forward(sb.create(ids, new Shape(1, ids.length)), pixels(sb, 3, 1)).toFloatArray();
        assertArrayEquals(la, lb);
      }
    }
  }

  private Map<String, NDArray> savedTensors(LlavaModel m) {
    return new LinkedHashMap<>(m.parameters());
  }

  @Test
  void checkpointProblemsNameTheTensor() throws IOException {
    try (LlavaModel a = LlavaModel.initRandom(TinyLlava.config(1), 5, LoadOptions.defaults());
        NDManager sub = a.manager().newSubManager()) {
      a.save(tmp);
      Path file = tmp.resolve("model.safetensors");
      String norm = "language_model.model.norm.weight";
      String q = "language_model.model.layers.0.self_attn.q_proj.weight";

      Map<String, NDArray> missing = savedTensors(a);
      missing.remove(norm);
      SafetensorsWriter.write(file, missing, Map.of());
      CheckpointException e = assertThrows(CheckpointException.class, () -> LlavaModel.load(tmp));
      assertTrue(e.getMessage().contains(norm) && e.getMessage().contains("[64]"), e.getMessage());

      Map<String, NDArray> wrong = savedTensors(a);
      wrong.put(q, sub.zeros(new Shape(64, 63)));
      SafetensorsWriter.write(file, wrong, Map.of());
      e = assertThrows(CheckpointException.class, () -> LlavaModel.load(tmp));
      assertTrue(e.getMessage().contains(q), e.getMessage());
      assertTrue(e.getMessage().contains("[64, 63]") && e.getMessage().contains("[64, 64]"), e.getMessage());

      Map<String, NDArray> integer = savedTensors(a);
      integer.put(norm, sub.zeros(new Shape(64), ai.djl.ndarray.types.DataType.INT64));
      SafetensorsWriter.write(file, integer, Map.of());
      e = assertThrows(CheckpointException.class, () -> LlavaModel.load(tmp));
      assertTrue(
          e.getMessage().contains("'" + norm + "' has dtype I64, expected a floating type"), e.getMessage());

      Map<String, NDArray> extra = savedTensors(a);
      extra.put("language_model.model.layers.5.mlp.gate_proj.weight", sub.zeros(new Shape(2, 2)));
      SafetensorsWriter.write(file, extra, Map.of());
      e = assertThrows(CheckpointException.class, () -> LlavaModel.load(tmp));
      assertTrue(e.getMessage().contains("layers.5.mlp.gate_proj.weight"), e.getMessage());

      Map<String, NDArray> ignorable = savedTensors(a);
      ignorable.put("vision_tower.vision_model.embeddings.position_ids", sub.zeros(new Shape(1, 17)));
      SafetensorsWriter.write(file, ignorable, Map.of());
      try (LlavaModel b = LlavaModel.load(tmp)) {
        assertEquals(a.parameters().keySet(), b.parameters().keySet());
      }
    }
  }

  @Test
  void embedDecodeInStagesAndLogitsEqualTheForwardPass() {
    try (LlavaModel model = LlavaModel.initRandom(TinyLlava.config(3), 9, LoadOptions.defaults());
        NDManager sub = model.manager().newSubManager()) {
      long[] ids = idsWithImage(6);
      NDArray x = sub.create(ids, new Shape(1, ids.length));
      NDArray px = pixels(sub, 4, 1);
      float[] full = model.forward(x, px).toFloatArray();
      NDArray h0 = model.embed(x, px, ForwardTap.NONE);
      NDArray h1 = model.decode(h0, 0, 1, ForwardTap.NONE);
      NDArray h3 = model.decode(h1, 1, 3, ForwardTap.NONE);
      assertArrayEquals(full, model.logits(h3).toFloatArray(), 1e-6f);
      assertTrue(model.decode(h1, 1, 1, ForwardTap.NONE) == h1);
      assertThrows(IllegalArgumentException.class, () -> model.decode(h1, 2, 1, ForwardTap.NONE));
      assertThrows(IllegalArgumentException.class, () -> model.decode(h1, 0, 4, ForwardTap.NONE));
    }
  }

  @Test
  void imageTokenCountMismatchIsAnError() {
    try (LlavaModel model = LlavaModel.initRandom(TinyLlava.config(1), 9, LoadOptions.defaults());
        NDManager sub = model.manager().newSubManager()) {
      long[] ids = idsWithImage(2);
      NDArray x = sub.create(ids, new Shape(1, ids.length));
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> model.forward(x, null));
      assertTrue(e.getMessage().contains("tokens: 16, features: 0"), e.getMessage());
      e = assertThrows(IllegalArgumentException.class, () -> model.forward(x, pixels(sub, 1, 2)));
      assertTrue(e.getMessage().contains("tokens: 16, features: 32"), e.getMessage());
      NDArray bad = sub.create(new long[] {1, 999}, new Shape(1, 2));
      e = assertThrows(IllegalArgumentException.class, () -> model.forward(bad, null));
      assertTrue(e.getMessage().contains("999"), e.getMessage());
    }
  }

  @Test
  void gradientsReachTheProjectorAndAgreeWithFiniteDifferences() {
    LlavaConfig c = TinyLlava.config(2);
    String name = "multi_modal_projector.linear_1.weight";
    long[] ids = idsWithImage(4);
    float[] grad;
    try (LlavaModel model = LlavaModel.initRandom(c, 21, LoadOptions.defaults())) {
      for (NDArray p : model.parameters().values()) {
        p.setRequiresGradient(true);
      }
      try (NDManager sub = model.manager().newSubManager();
          GradientCollector gc = Engine.getInstance().newGradientCollector()) {
        NDArray logits = model.forward(sub.create(ids, new Shape(1, ids.length)), pixels(sub, 8, 1));
        NDArray loss = lossOf(logits);
        gc.backward(loss);
      }
      NDArray g = model.parameters().get(name).getGradient();
      assertNotNull(g);
      grad = g.toFloatArray();
    }
    int best = 0;
    for (int i = 0; i < grad.length; i++) {
      assertTrue(Float.isFinite(grad[i]));
      if (Math.abs(grad[i]) > Math.abs(grad[best])) {
        best = i;
      }
    }
    assertTrue(Math.abs(grad[best]) > 1e-4, "largest gradient " + grad[best]);
    // Central difference on that weight, on a fresh copy of the same model.
    float eps = 1e-2f;
    double[] losses = new double[2];
    try (LlavaModel model = LlavaModel.initRandom(c, 21, LoadOptions.defaults())) {
      NDArray w = model.parameters().get(name);
      int cols = (int) w.getShape().get(1);
      float w0 = w.toFloatArray()[best];
      for (int k = 0; k < 2; k++) {
        w.set(new NDIndex(best / cols, best % cols), w0 + (k == 0 ? eps : -eps));
        try (NDManager sub = model.manager().newSubManager()) {
          losses[k] = lossOf(model.forward(sub.create(ids, new Shape(1, ids.length)), pixels(sub, 8, 1))).getFloat();
        }
      }
    }
    double fd = (losses[0] - losses[1]) / (2 * eps);
    assertEquals(grad[best], fd, 0.03 * Math.abs(grad[best]) + 1e-4, "finite difference " + fd);
  }

  /** Cross-entropy of token 9 at the last position. */
  private static NDArray lossOf(NDArray logits) {
    long t = logits.getShape().get(1);
    return logits.get("0, " + (t - 1) + ", :").logSoftmax(0).get("9").neg();
  }

  @Test
  void nativeMemoryOfTheModelManagerStaysFlatOverRuns() throws IOException {
    TinyLlava.writeCheckpoint(tmp, TinyLlava.config(2), 3);
    try (HookedLlava vlm = HookedLlava.load(tmp)) {
      var in = vlm.promptFormat().input(TinyLlava.image(1), "Is the dog to the left or right of the cat?");
      RunSpec spec = RunSpec.builder().readWords("left").capture(HookPoint.lmResid(1)).build();
      vlm.run(in, spec);
      int after1 = vlm.model().manager().getManagedArrays().size();
      for (int i = 0; i < 20; i++) {
        vlm.run(in, spec);
      }
      assertEquals(after1, vlm.model().manager().getManagedArrays().size());
      assertFalse(vlm.model().manager().getManagedArrays().isEmpty());
    }
  }
}
