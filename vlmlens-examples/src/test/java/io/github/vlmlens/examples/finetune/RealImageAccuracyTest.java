package io.github.vlmlens.examples.finetune;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.vlmlens.core.HookedVlm;
import io.github.vlmlens.spatial.real.RealDataset;
import io.github.vlmlens.spatial.real.RealDatasets;
import io.github.vlmlens.spatial.real.SyntheticCoco;
import io.github.vlmlens.tiny.TinyVlm;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Fine-tuning's real-image evaluation on the self-made COCO-format set. */
class RealImageAccuracyTest {
  @TempDir Path dir;

  @Test
  void tokensCompareWithoutCaseOrWordStartMarks() {
    assertEquals("left", RealImageAccuracy.normalised("\u2581Left"));
    assertEquals("right", RealImageAccuracy.normalised("\u0120right"));
    assertEquals("left", RealImageAccuracy.normalised("left"));
  }

  @Test
  void accuracyOnACocoFormatSetIsAShareOfItsSamples() {
    SyntheticCoco.Written w = SyntheticCoco.write(dir, 8, 3);
    RealDataset data = RealDatasets.cocoSpatial(w.rows(), w.instances(), w.images(), false);
    try (HookedVlm vlm = TinyVlm.load()) {
      RealImageAccuracy eval = new RealImageAccuracy(data, vlm.promptFormat());
      Map<String, Double> m = RealImageAccuracy.both(v -> Map.of("other", 1.0), eval).evaluate(vlm);
      double acc = m.get(RealImageAccuracy.METRIC);
      assertEquals(1.0, m.get("other"));
      assertTrue(acc >= 0 && acc <= 1, "accuracy " + acc);
      // A share of 8 samples.
      assertEquals(0, Math.abs(acc * data.samples().size() - Math.round(acc * data.samples().size())), 1e-9);
    }
  }
}
