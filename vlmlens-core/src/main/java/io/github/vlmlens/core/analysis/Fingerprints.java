package io.github.vlmlens.core.analysis;

import com.google.common.hash.Hasher;
import com.google.common.hash.Hashing;
import io.github.vlmlens.core.RgbImage;
import io.github.vlmlens.core.VlmInput;
import io.github.vlmlens.core.analysis.internal.Json;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** SHA-256 fingerprints of samples and configs, for checking a resumed run. */
final class Fingerprints {
  private Fingerprints() {}

  /** A hash of the sample's id, inputs (prompts and pixels) and words. */
  public static String sample(SwapSample s) {
    Hasher h = Hashing.sha256().newHasher();
    putString(h, s.id());
    putInput(h, s.x());
    putInput(h, s.y());
    putString(h, s.gtAnswer());
    putString(h, s.otherAnswer());
    h.putInt(s.objectWords().size());
    for (String w : s.objectWords()) {
      putString(h, w);
    }
    return h.hash().toString().substring(0, 32);
  }

  /** A hash of the config's JSON, the model's name and the resolved layers. */
  public static String config(SwapConfig config, String model, List<Integer> layers) {
    Hasher h = Hashing.sha256().newHasher();
    putString(h, Json.compact(config));
    putString(h, model);
    putString(h, layers.toString());
    return h.hash().toString().substring(0, 32);
  }

  private static void putInput(Hasher h, VlmInput in) {
    putString(h, in.prompt());
    h.putBoolean(in.isVideo());
    h.putInt(in.images().size());
    for (RgbImage img : in.images()) {
      h.putInt(img.width()).putInt(img.height());
      for (int p : img.pixels()) {
        h.putInt(p);
      }
    }
  }

  private static void putString(Hasher h, String s) {
    h.putInt(s.length()).putString(s, StandardCharsets.UTF_8);
  }
}
