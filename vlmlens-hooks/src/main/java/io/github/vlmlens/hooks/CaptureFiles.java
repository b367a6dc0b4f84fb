package io.github.vlmlens.hooks;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.github.vlmlens.core.API;
import io.github.vlmlens.core.Activations;
import io.github.vlmlens.core.HookPoint;
import io.github.vlmlens.core.RunResult;
import io.github.vlmlens.core.Tokenization;
import io.github.vlmlens.hooks.internal.io.SafetensorsWriter;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Writes what one run captured to a {@code .safetensors} file that Python reads with
 * {@code safetensors.torch.load_file}: {@code input_ids} (int64 {@code [T]}), {@code logits}
 * (float32 {@code [T, vocab]}, when the run read all positions' logits), and for every captured
 * hook point {@code <point>} (float32 {@code [n, width]}, e.g. {@code lm.3.resid_post}) with
 * {@code <point>.positions} (int64 {@code [n]}: which rows were captured). The metadata holds the
 * token texts, the image-token ranges and the caller's entries, as JSON strings. The file appears
 * complete or not at all (written beside, then moved into place).
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.2.0")
public final class CaptureFiles {
  private static final JsonMapper MAPPER = JsonMapper.builder().build();

  private CaptureFiles() {}

  /**
   * Writes a run's captures, token ids and logits.
   *
   * @param metadata extra string entries (model name, prompt, ...)
   * @throws IOException when the file cannot be written
   */
  public static void write(Path file, RunResult result, Map<String, String> metadata) throws IOException {
    Objects.requireNonNull(file, "file");
    Objects.requireNonNull(result, "result");
    Tokenization tok = result.tokenization();
    Map<String, String> meta = new LinkedHashMap<>(metadata == null ? Map.of() : metadata);
    List<int[]> ranges = new ArrayList<>();
    for (int i = 0; i < tok.imageCount(); i++) {
      int[] p = tok.imagePositions(i).resolve(tok.length());
      ranges.add(p.length == 0 ? new int[] {0, 0} : new int[] {p[0], p[p.length - 1] + 1});
    }
    try {
      meta.put("tokens", MAPPER.writeValueAsString(tok.tokens()));
      meta.put("image_ranges", MAPPER.writeValueAsString(ranges));
      meta.put("prompt", tok.prompt());
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
    try (NDManager m = NDManager.newBaseManager(ai.djl.Device.cpu(), "PyTorch")) {
      Map<String, NDArray> tensors = new LinkedHashMap<>();
      int[] ids = tok.ids();
      long[] ids64 = new long[ids.length];
      for (int i = 0; i < ids.length; i++) {
        ids64[i] = ids[i];
      }
      tensors.put("input_ids", m.create(ids64));
      float[][] logits = allLogitsOrNull(result);
      if (logits != null && logits.length > 0) {
        int v = logits[0].length;
        float[] flat = new float[logits.length * v];
        for (int t = 0; t < logits.length; t++) {
          System.arraycopy(logits[t], 0, flat, t * v, v);
        }
        tensors.put("logits", m.create(flat, new Shape(logits.length, v)));
      }
      for (HookPoint p : result.cache().points()) {
        Activations a = result.cache().get(p);
        int[] pos = a.positions();
        long[] pos64 = new long[pos.length];
        for (int i = 0; i < pos.length; i++) {
          pos64[i] = pos[i];
        }
        tensors.put(p.toString(), m.create(a.flat(), new Shape(pos.length, a.width())));
        tensors.put(p + ".positions", m.create(pos64));
      }
      SafetensorsWriter.write(file, tensors, meta);
    }
  }

  private static float[][] allLogitsOrNull(RunResult result) {
    try {
      return result.allLogits();
    } catch (IllegalStateException e) {
      return null; // the run did not read every position's logits
    }
  }
}
