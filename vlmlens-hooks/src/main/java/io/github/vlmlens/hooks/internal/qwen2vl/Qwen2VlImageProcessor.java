package io.github.vlmlens.hooks.internal.qwen2vl;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.github.vlmlens.core.RgbImage;
import io.github.vlmlens.hooks.CheckpointException;
import io.github.vlmlens.hooks.internal.io.ImagePreprocessor;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Hugging Face's {@code Qwen2VLImageProcessor} (the PIL path, which the torchvision path matches to
 * within one 8-bit level), reproduced exactly: {@code smart_resize} to multiples of
 * {@code patch_size x merge_size} within {@code min_pixels..max_pixels} (Python's half-to-even
 * {@code round}), PIL's bicubic resize of the 8-bit image, rescale ({@code float64} multiply, then
 * {@code float32}) and normalisation ({@code float32}), then the patch flattening: one row per
 * patch, rows in 2x2 (merge x merge) block order, each row {@code (channels, temporal_patch_size,
 * patch, patch)} with a single image repeated over the temporal patch.
 *
 * <p>Settings come from {@code preprocessor_config.json} or, as transformers 5 writes them, from
 * the {@code image_processor} object of {@code processor_config.json}. {@code min_pixels} and
 * {@code max_pixels} override {@code size.shortest_edge} and {@code size.longest_edge}.
 */
public final class Qwen2VlImageProcessor {
  /** The published layout's file. */
  public static final String PREPROCESSOR_CONFIG = "preprocessor_config.json";
  /** The file transformers 5 writes, with the image processor nested. */
  public static final String PROCESSOR_CONFIG = "processor_config.json";

  private static final JsonMapper MAPPER = JsonMapper.builder().build();
  private static final double[] CLIP_MEAN = ImagePreprocessor.OPENAI_CLIP_MEAN;
  private static final double[] CLIP_STD = ImagePreprocessor.OPENAI_CLIP_STD;

  private final long minPixels;
  private final long maxPixels;
  private final int patchSize;
  private final int temporalPatchSize;
  private final int mergeSize;
  private final boolean doResize;
  private final boolean doRescale;
  private final double rescaleFactor;
  private final boolean doNormalize;
  private final double[] mean;
  private final double[] std;

  /** One image's (or clip's) pixel rows and grid. */
  public record Patches(float[] rows, int t, int h, int w) {
    /** The number of rows (patches). */
    public int count() {
      return t * h * w;
    }
  }

  private Qwen2VlImageProcessor(
      long minPixels, long maxPixels, int patchSize, int temporalPatchSize, int mergeSize, boolean doResize,
      boolean doRescale, double rescaleFactor, boolean doNormalize, double[] mean, double[] std) {
    this.minPixels = minPixels;
    this.maxPixels = maxPixels;
    this.patchSize = patchSize;
    this.temporalPatchSize = temporalPatchSize;
    this.mergeSize = mergeSize;
    this.doResize = doResize;
    this.doRescale = doRescale;
    this.rescaleFactor = rescaleFactor;
    this.doNormalize = doNormalize;
    this.mean = mean;
    this.std = std;
  }

  /**
   * Reads the image processor settings of a checkpoint directory: {@code preprocessor_config.json}
   * when present, else {@code processor_config.json}'s {@code image_processor} object.
   *
   * @throws CheckpointException naming the file and key when neither exists or a setting is bad
   */
  public static Qwen2VlImageProcessor read(Path dir) {
    Path pre = dir.resolve(PREPROCESSOR_CONFIG);
    if (Files.isRegularFile(pre)) {
      return parse(readJson(pre), pre.toString());
    }
    Path proc = dir.resolve(PROCESSOR_CONFIG);
    if (Files.isRegularFile(proc)) {
      JsonNode root = readJson(proc);
      JsonNode ip = root == null ? null : root.get("image_processor");
      if (ip == null || !ip.isObject()) {
        throw new CheckpointException(proc + ": key 'image_processor': missing or not an object");
      }
      return parse(ip, proc + " (image_processor)");
    }
    throw new CheckpointException(
        "checkpoint " + dir + " has no " + PREPROCESSOR_CONFIG + " and no " + PROCESSOR_CONFIG);
  }

  private static JsonNode readJson(Path file) {
    try {
      return MAPPER.readTree(Files.readString(file, StandardCharsets.UTF_8));
    } catch (JsonProcessingException e) {
      throw new CheckpointException(file + " is not valid JSON: " + e.getOriginalMessage(), e);
    } catch (IOException e) {
      throw new CheckpointException("cannot read " + file + ": " + e, e);
    }
  }

  /**
   * Parses image processor settings; absent keys take {@code Qwen2VLImageProcessor}'s defaults
   * (pixels 3136..1003520, patch 14, temporal patch 2, merge 2, OpenAI CLIP mean and std).
   *
   * @throws CheckpointException naming the source and key of a bad or unsupported setting
   */
  public static Qwen2VlImageProcessor parse(JsonNode root, String source) {
    if (root == null || !root.isObject()) {
      throw new CheckpointException(source + ": the top level must be a JSON object");
    }
    Qwen2VlConfig.Reader r = new Qwen2VlConfig.Reader(source);
    long min = 56 * 56;
    long max = 28L * 28 * 1280;
    JsonNode size = root.get("size");
    if (size != null && !size.isNull()) {
      if (!size.isObject()) {
        throw r.error("size", "expected {\"shortest_edge\", \"longest_edge\"}, found " + size);
      }
      if (size.has("shortest_edge")) {
        min = longPositive(r, size.get("shortest_edge"), "size.shortest_edge");
      }
      if (size.has("longest_edge")) {
        max = longPositive(r, size.get("longest_edge"), "size.longest_edge");
      }
      if (size.has("min_pixels")) {
        min = longPositive(r, size.get("min_pixels"), "size.min_pixels");
      }
      if (size.has("max_pixels")) {
        max = longPositive(r, size.get("max_pixels"), "size.max_pixels");
      }
    }
    String minKey = "size.shortest_edge";
    String maxKey = "size.longest_edge";
    if (root.has("min_pixels") && !root.get("min_pixels").isNull()) {
      min = longPositive(r, root.get("min_pixels"), "min_pixels");
      minKey = "min_pixels";
    }
    if (root.has("max_pixels") && !root.get("max_pixels").isNull()) {
      max = longPositive(r, root.get("max_pixels"), "max_pixels");
      maxKey = "max_pixels";
    }
    if (min > max) {
      throw r.error(minKey, "min pixels " + min + " exceed " + maxKey + " " + max);
    }
    int patch = root.has("patch_size") ? r.positive(root, "patch_size") : 14;
    int temporal = root.has("temporal_patch_size") ? r.positive(root, "temporal_patch_size") : 2;
    int merge = root.has("merge_size") ? r.positive(root, "merge_size") : 2;
    boolean resize = r.bool(root, "do_resize", true);
    JsonNode resample = root.get("resample");
    if (resize && resample != null && !resample.isNull()
        && !(resample.isIntegralNumber() && resample.intValue() == 3)) {
      throw r.error("resample", "only 3 (bicubic) is supported, found " + resample);
    }
    boolean rescale = r.bool(root, "do_rescale", true);
    double factor = r.number(root, "rescale_factor", 1.0 / 255);
    boolean normalize = r.bool(root, "do_normalize", true);
    double[] mean = triple(r, root, "image_mean", CLIP_MEAN, false);
    double[] std = triple(r, root, "image_std", CLIP_STD, true);
    return new Qwen2VlImageProcessor(
        min, max, patch, temporal, merge, resize, rescale, factor, normalize, mean, std);
  }

  private static long longPositive(Qwen2VlConfig.Reader r, JsonNode n, String key) {
    if (n == null || !n.isIntegralNumber() || !n.canConvertToLong() || n.longValue() <= 0) {
      throw r.error(key, "expected a positive integer, found " + n);
    }
    return n.longValue();
  }

  private static double[] triple(Qwen2VlConfig.Reader r, JsonNode root, String key, double[] dflt, boolean nonZero) {
    JsonNode n = root.get(key);
    if (n == null || n.isNull()) {
      return dflt.clone();
    }
    double[] out = new double[3];
    if (n.isNumber()) {
      java.util.Arrays.fill(out, n.doubleValue());
    } else if (n.isArray() && n.size() == 3 && n.get(0).isNumber() && n.get(1).isNumber() && n.get(2).isNumber()) {
      for (int i = 0; i < 3; i++) {
        out[i] = n.get(i).doubleValue();
      }
    } else {
      throw r.error(key, "expected a number or 3 numbers, found " + n);
    }
    for (double v : out) {
      if (!Double.isFinite(v) || (nonZero && v == 0)) {
        throw r.error(key, "invalid value " + n);
      }
    }
    return out;
  }

  /**
   * Hugging Face's {@code smart_resize}: the {@code {height, width}} nearest to the input that are
   * multiples of {@code factor} with a pixel count in {@code minPixels..maxPixels}. Rounding is
   * Python's {@code round}, half to even ({@code 36 / 8 = 4.5 -> 4}).
   *
   * @throws IllegalArgumentException when the aspect ratio exceeds 200
   */
  public static int[] smartResize(int height, int width, int factor, long minPixels, long maxPixels) {
    if (height <= 0 || width <= 0) {
      throw new IllegalArgumentException("image size must be positive, got " + width + "x" + height);
    }
    double ratio = (double) Math.max(height, width) / Math.min(height, width);
    if (ratio > 200) {
      throw new IllegalArgumentException("absolute aspect ratio must be smaller than 200, got " + ratio);
    }
    long hBar = (long) Math.rint((double) height / factor) * factor;
    long wBar = (long) Math.rint((double) width / factor) * factor;
    if (hBar * wBar > maxPixels) {
      double beta = Math.sqrt((double) height * width / maxPixels);
      hBar = Math.max(factor, (long) Math.floor(height / beta / factor) * factor);
      wBar = Math.max(factor, (long) Math.floor(width / beta / factor) * factor);
    } else if (hBar * wBar < minPixels) {
      double beta = Math.sqrt((double) minPixels / ((double) height * width));
      hBar = (long) Math.ceil(height * beta / factor) * factor;
      wBar = (long) Math.ceil(width * beta / factor) * factor;
    }
    return new int[] {Math.toIntExact(hBar), Math.toIntExact(wBar)};
  }

  /** The {@code {height, width}} an image is resized to. */
  public int[] resizedSize(int height, int width) {
    if (!doResize) {
      return new int[] {height, width};
    }
    return smartResize(height, width, patchSize * mergeSize, minPixels, maxPixels);
  }

  /** The number of image tokens (merged patches) an image becomes. */
  public int imageTokens(RgbImage image) {
    int[] s = resizedSize(image.height(), image.width());
    return (s[0] / patchSize) * (s[1] / patchSize) / (mergeSize * mergeSize);
  }

  /**
   * The pixel rows and grid {@code (1, h, w)} of one image.
   *
   * @throws IllegalArgumentException when the image cannot be processed (aspect ratio over 200, or
   *     with resizing off a size that is not a multiple of patch x merge)
   */
  public Patches process(RgbImage image) {
    Objects.requireNonNull(image, "image");
    float[][] planes = normalizedPlanes(image);
    int[] s = resizedSize(image.height(), image.width());
    return patchify(new float[][][] {planes}, s[0], s[1]);
  }

  /**
   * The pixel rows and grid {@code (t, h, w)} of a video's frames: every frame resized to the size
   * {@code smart_resize} gives the first, frames grouped in temporal patches (the last frame
   * repeated to fill the final group), as Qwen2-VL's image processor treats {@code videos}.
   *
   * @throws IllegalArgumentException when the frames differ in size or there are none
   */
  public Patches processVideo(java.util.List<RgbImage> frames) {
    if (frames.isEmpty()) {
      throw new IllegalArgumentException("a video needs at least one frame");
    }
    RgbImage first = frames.get(0);
    float[][][] planes = new float[frames.size()][][];
    for (int i = 0; i < planes.length; i++) {
      RgbImage f = frames.get(i);
      if (f.width() != first.width() || f.height() != first.height()) {
        throw new IllegalArgumentException(
            "video frame " + i + " is " + f.width() + "x" + f.height() + " but frame 0 is " + first.width()
                + "x" + first.height() + "; a video's frames share one size");
      }
      planes[i] = normalizedPlanes(f);
    }
    int[] s = resizedSize(first.height(), first.width());
    return patchify(planes, s[0], s[1]);
  }

  /**
   * The visual tokens each frame of a video carries: a temporal patch's merged tokens go to its
   * first frame, the other frames of the patch carry none.
   */
  public int[] videoFrameTokens(java.util.List<RgbImage> frames) {
    int[] s = resizedSize(frames.get(0).height(), frames.get(0).width());
    int perPatch = (s[0] / patchSize) * (s[1] / patchSize) / (mergeSize * mergeSize);
    int[] out = new int[frames.size()];
    for (int i = 0; i < out.length; i += temporalPatchSize) {
      out[i] = perPatch;
    }
    return out;
  }

  /** Resize, rescale and normalise: three {@code float32} planes, row-major. */
  private float[][] normalizedPlanes(RgbImage image) {
    int w = image.width();
    int h = image.height();
    int[][] planes = ImagePreprocessor.planes(image);
    int[] s = resizedSize(h, w);
    if (s[0] % (patchSize * mergeSize) != 0 || s[1] % (patchSize * mergeSize) != 0) {
      throw new IllegalArgumentException(
          "image size " + s[1] + "x" + s[0] + " is not a multiple of patch_size x merge_size = "
              + patchSize * mergeSize + " (do_resize is false)");
    }
    if (s[0] != h || s[1] != w) {
      for (int c = 0; c < 3; c++) {
        planes[c] = ImagePreprocessor.resizeBicubic(planes[c], w, h, s[1], s[0]);
      }
    }
    float[][] out = new float[3][];
    for (int c = 0; c < 3; c++) {
      float m = (float) mean[c];
      float sd = (float) std[c];
      int[] p = planes[c];
      float[] o = new float[p.length];
      for (int i = 0; i < p.length; i++) {
        float x = doRescale ? (float) (p[i] * rescaleFactor) : (float) p[i];
        if (doNormalize) {
          x = (x - m) / sd;
        }
        o[i] = x;
      }
      out[c] = o;
    }
    return out;
  }

  /**
   * Flattens frames {@code [frames][3][height * width]} into patch rows. A single frame is
   * repeated over the temporal patch; more frames are grouped in temporal patches (the last frame
   * repeated to fill the final group).
   */
  private Patches patchify(float[][][] frames, int height, int width) {
    int p = patchSize;
    int m = mergeSize;
    int tp = temporalPatchSize;
    int gh = height / p;
    int gw = width / p;
    int gt = (frames.length + tp - 1) / tp;
    int channels = 3;
    int rowLen = channels * tp * p * p;
    float[] rows = new float[gt * gh * gw * rowLen];
    int at = 0;
    for (int t = 0; t < gt; t++) {
      for (int bh = 0; bh < gh / m; bh++) {
        for (int bw = 0; bw < gw / m; bw++) {
          for (int mh = 0; mh < m; mh++) {
            for (int mw = 0; mw < m; mw++) {
              int y0 = (bh * m + mh) * p;
              int x0 = (bw * m + mw) * p;
              for (int c = 0; c < channels; c++) {
                for (int k = 0; k < tp; k++) {
                  float[] plane = frames[Math.min(t * tp + k, frames.length - 1)][c];
                  for (int y = 0; y < p; y++) {
                    System.arraycopy(plane, (y0 + y) * width + x0, rows, at, p);
                    at += p;
                  }
                }
              }
            }
          }
        }
      }
    }
    return new Patches(rows, gt, gh, gw);
  }

  /** {@code patch_size}. */
  public int patchSize() {
    return patchSize;
  }

  /** {@code temporal_patch_size}. */
  public int temporalPatchSize() {
    return temporalPatchSize;
  }

  /** {@code merge_size}. */
  public int mergeSize() {
    return mergeSize;
  }

  /** The smallest pixel count ({@code min_pixels}). */
  public long minPixels() {
    return minPixels;
  }

  /** The largest pixel count ({@code max_pixels}). */
  public long maxPixels() {
    return maxPixels;
  }

  @Override
  public String toString() {
    return "Qwen2VlImageProcessor[pixels " + minPixels + ".." + maxPixels + ", patch " + patchSize + ", temporal "
        + temporalPatchSize + ", merge " + mergeSize + "]";
  }
}
