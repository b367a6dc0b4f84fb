package io.github.vlmlens.hooks.internal.siglip;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.github.vlmlens.core.RgbImage;
import io.github.vlmlens.hooks.CheckpointException;
import io.github.vlmlens.hooks.internal.io.ImagePreprocessor;
import io.github.vlmlens.hooks.internal.model.ConfigReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The image processing of SigLIP-based processors' PIL path (Hugging Face's {@code PilBackend}):
 * PIL's 8-bit resize (bilinear or bicubic, {@code resample} 2 or 3) to a fixed
 * {@code size.height x size.width} without keeping the aspect ratio, rescale ({@code float64}
 * multiply, then {@code float32}), normalisation in {@code float32}; channels first.
 */
public final class FixedSizeImages {
  private static final JsonMapper MAPPER = JsonMapper.builder().build();

  private final int height;
  private final int width;
  private final int resample;
  private final boolean doResize;
  private final boolean doRescale;
  private final double rescaleFactor;
  private final boolean doNormalize;
  private final double[] mean;
  private final double[] std;

  /** A processor's settings as found in a checkpoint, with the file they came from. */
  public record Settings(JsonNode imageProcessor, JsonNode processor, String source) {}

  private FixedSizeImages(
      int height, int width, int resample, boolean doResize, boolean doRescale, double rescaleFactor,
      boolean doNormalize, double[] mean, double[] std) {
    this.height = height;
    this.width = width;
    this.resample = resample;
    this.doResize = doResize;
    this.doRescale = doRescale;
    this.rescaleFactor = rescaleFactor;
    this.doNormalize = doNormalize;
    this.mean = mean;
    this.std = std;
  }

  /**
   * The image processor settings of a checkpoint: {@code preprocessor_config.json} when present
   * (the published layout; {@code processor} is then that file too), else the
   * {@code image_processor} object of {@code processor_config.json} (transformers 5).
   *
   * @throws CheckpointException naming the directory or file at fault
   */
  public static Settings read(Path dir) {
    Path pre = dir.resolve("preprocessor_config.json");
    Path proc = dir.resolve("processor_config.json");
    JsonNode procRoot = Files.isRegularFile(proc) ? json(proc) : null;
    if (Files.isRegularFile(pre)) {
      JsonNode root = json(pre);
      return new Settings(root, procRoot != null ? procRoot : root, pre.toString());
    }
    if (procRoot == null) {
      throw new CheckpointException(
          "checkpoint " + dir + " has neither preprocessor_config.json nor processor_config.json");
    }
    JsonNode ip = procRoot.get("image_processor");
    if (ip == null || !ip.isObject()) {
      throw new CheckpointException(proc + ": key 'image_processor': missing or not an object");
    }
    return new Settings(ip, procRoot, proc + " (image_processor)");
  }

  private static JsonNode json(Path file) {
    try {
      JsonNode n = MAPPER.readTree(Files.readString(file, StandardCharsets.UTF_8));
      if (n == null || !n.isObject()) {
        throw new CheckpointException(file + ": the top level must be a JSON object");
      }
      return n;
    } catch (JsonProcessingException e) {
      throw new CheckpointException(file + " is not valid JSON: " + e.getOriginalMessage(), e);
    } catch (IOException e) {
      throw new CheckpointException("cannot read " + file + ": " + e, e);
    }
  }

  /**
   * Parses image processor settings; absent keys take the given defaults.
   *
   * @throws CheckpointException naming the source and key of a bad or unsupported setting
   */
  public static FixedSizeImages parse(
      JsonNode root, String source, int defaultSize, int defaultResample, double[] defaultMean, double[] defaultStd) {
    ConfigReader r = new ConfigReader(source);
    int h = defaultSize;
    int w = defaultSize;
    JsonNode size = root.get("size");
    if (size != null && !size.isNull()) {
      if (size.has("height") || size.has("width")) {
        h = r.positive(size, "size.height");
        w = r.positive(size, "size.width");
      } else if (size.has("shortest_edge")) {
        h = r.positive(size, "size.shortest_edge");
        w = h;
      } else {
        throw r.error("size", "expected {\"height\", \"width\"}, found " + size);
      }
    }
    int resample = r.integer(root, "resample", defaultResample);
    if (resample != 2 && resample != 3) {
      throw r.error("resample", "only 2 (bilinear) and 3 (bicubic) are supported, found " + resample);
    }
    if (r.bool(root, "do_center_crop", false)) {
      throw r.error("do_center_crop", "center cropping is not supported here");
    }
    return new FixedSizeImages(
        h, w, resample, r.bool(root, "do_resize", true), r.bool(root, "do_rescale", true),
        r.number(root, "rescale_factor", 1.0 / 255), r.bool(root, "do_normalize", true),
        triple(r, root, "image_mean", defaultMean), triple(r, root, "image_std", defaultStd));
  }

  private static double[] triple(ConfigReader r, JsonNode root, String key, double[] dflt) {
    JsonNode n = root.get(key);
    if (n == null || n.isNull()) {
      return dflt.clone();
    }
    double[] out = new double[3];
    if (n.isNumber()) {
      java.util.Arrays.fill(out, n.doubleValue());
      return out;
    }
    if (!n.isArray() || n.size() != 3) {
      throw r.error(key, "expected a number or 3 numbers, found " + n);
    }
    for (int i = 0; i < 3; i++) {
      if (!n.get(i).isNumber()) {
        throw r.error(key, "expected a number or 3 numbers, found " + n);
      }
      out[i] = n.get(i).doubleValue();
    }
    return out;
  }

  /** The output height. */
  public int height() {
    return height;
  }

  /** The output width. */
  public int width() {
    return width;
  }

  /** PIL's resample filter (2 bilinear, 3 bicubic). */
  public int resample() {
    return resample;
  }

  /** The mean, per channel. */
  public double[] mean() {
    return mean.clone();
  }

  /** Resizes three planes with this processor's filter (a copy when the size is unchanged). */
  public int[][] resize(int[][] planes, int w, int h, int tw, int th) {
    int[][] out = new int[planes.length][];
    for (int c = 0; c < planes.length; c++) {
      out[c] = tw == w && th == h ? planes[c].clone() : ImagePreprocessor.resize(planes[c], w, h, tw, th, resample);
    }
    return out;
  }

  /** Rescale and normalise planes into {@code float32} values, channels first. */
  public float[] normalize(int[][] planes) {
    int n = planes[0].length;
    float[] out = new float[3 * n];
    for (int c = 0; c < 3; c++) {
      float m = (float) mean[c];
      float s = (float) std[c];
      for (int i = 0; i < n; i++) {
        float x = doRescale ? (float) (planes[c][i] * rescaleFactor) : (float) planes[c][i];
        out[c * n + i] = doNormalize ? (x - m) / s : x;
      }
    }
    return out;
  }

  /**
   * The model input of an image: resized to {@code height x width}, rescaled, normalised.
   *
   * @throws IllegalArgumentException when resizing is off and the image has another size
   */
  public float[] process(RgbImage image) {
    int[][] p = ImagePreprocessor.planes(image);
    if (doResize) {
      p = resize(p, image.width(), image.height(), width, height);
    } else if (image.width() != width || image.height() != height) {
      throw new IllegalArgumentException(
          "image is " + image.width() + "x" + image.height() + " but do_resize is false and the model takes "
              + width + "x" + height);
    }
    return normalize(p);
  }

  @Override
  public String toString() {
    return "FixedSizeImages[" + width + "x" + height + ", resample " + resample + "]";
  }
}
