package io.github.vlmlens.hooks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.github.vlmlens.core.RgbImage;
import io.github.vlmlens.core.VlmInput;
import io.github.vlmlens.hooks.internal.io.SafetensorsFile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

/**
 * A Hugging Face-made fixture of any family ({@code tools/hf-fixtures/generate.py}): {@code checkpoint/},
 * {@code image.png}, {@code reference.json} and {@code reference.safetensors}. Found under
 * {@code src/test/resources/fixtures/<family>}, or under the folder the system property
 * {@code vlmlens.fixtures} names.
 */
public final class HfFixture implements AutoCloseable {
  public static final JsonMapper MAPPER = JsonMapper.builder().build();

  public final String family;
  public final Path dir;
  public final JsonNode info;
  private final SafetensorsFile reference;

  private HfFixture(String family, Path dir) {
    this.family = family;
    this.dir = dir;
    try {
      this.info = MAPPER.readTree(Files.readString(dir.resolve("reference.json")));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    this.reference = SafetensorsFile.open(dir.resolve("reference.safetensors"));
  }

  /** The fixture's folder, or null when it is not there. */
  public static Path find(String family) {
    String override = System.getProperty("vlmlens.fixtures");
    Path p =
        override != null && !override.isBlank()
            ? Paths.get(override, family)
            : Paths.get("src", "test", "resources", "fixtures", family);
    return Files.isRegularFile(p.resolve("reference.safetensors")) ? p : null;
  }

  public static HfFixture open(String family) {
    Path p = find(family);
    if (p == null) {
      throw new IllegalStateException("no fixture for " + family);
    }
    return new HfFixture(family, p);
  }

  public Path checkpoint() {
    return dir.resolve("checkpoint");
  }

  public JsonNode config() {
    return json(checkpoint().resolve("config.json"));
  }

  public static JsonNode json(Path file) {
    try {
      return MAPPER.readTree(Files.readString(file));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** An image mirrored left-right: same size, different content. */
  public static RgbImage mirrored(RgbImage img) {
    int w = img.width();
    int h = img.height();
    int[] px = img.pixels();
    int[] out = new int[px.length];
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        out[y * w + x] = px[y * w + (w - 1 - x)];
      }
    }
    return RgbImage.of(w, h, out);
  }

  /** The reference image. */
  public RgbImage image() {
    try {
      return RgbImage.read(dir.resolve("image.png"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The reference input: the image and the prompt as given to the HF processor, its image
   * placeholder ({@code nativePlaceholder}, e.g. {@code <|image_pad|>}) turned into vlmlens' one.
   */
  public VlmInput input(String nativePlaceholder) {
    return VlmInput.of(image(), info.get("prompt").asText().replace(nativePlaceholder, VlmInput.IMAGE_PLACEHOLDER));
  }

  public VlmInput textInput() {
    return VlmInput.text(info.get("text_prompt").asText());
  }

  public boolean has(String name) {
    return reference.contains(name);
  }

  public long[] shape(String name) {
    return reference.shape(name);
  }

  public float[] floats(String name) {
    if (!reference.dtype(name).equals("F32")) {
      throw new IllegalArgumentException(name + " is " + reference.dtype(name));
    }
    ByteBuffer b = reference.data(name).duplicate().order(ByteOrder.LITTLE_ENDIAN);
    float[] out = new float[b.remaining() / 4];
    b.asFloatBuffer().get(out);
    return out;
  }

  public long[] longs(String name) {
    if (!reference.dtype(name).equals("I64")) {
      throw new IllegalArgumentException(name + " is " + reference.dtype(name));
    }
    ByteBuffer b = reference.data(name).duplicate().order(ByteOrder.LITTLE_ENDIAN);
    long[] out = new long[b.remaining() / 8];
    b.asLongBuffer().get(out);
    return out;
  }

  public int[] ints(String name) {
    long[] l = longs(name);
    int[] out = new int[l.length];
    for (int i = 0; i < l.length; i++) {
      out[i] = Math.toIntExact(l[i]);
    }
    return out;
  }

  public static double maxAbsDiff(float[] a, float[] b) {
    if (a.length != b.length) {
      throw new AssertionError("lengths differ: " + a.length + " vs " + b.length);
    }
    double m = 0;
    for (int i = 0; i < a.length; i++) {
      m = Math.max(m, Math.abs((double) a[i] - b[i]));
      if (Float.isNaN(a[i]) != Float.isNaN(b[i])) {
        return Double.POSITIVE_INFINITY;
      }
    }
    return m;
  }

  public static int[] argmaxRows(float[] x, int width) {
    int[] out = new int[x.length / width];
    for (int r = 0; r < out.length; r++) {
      int best = 0;
      for (int j = 1; j < width; j++) {
        if (x[r * width + j] > x[r * width + best]) {
          best = j;
        }
      }
      out[r] = best;
    }
    return out;
  }

  @Override
  public void close() {
    reference.close();
  }
}
