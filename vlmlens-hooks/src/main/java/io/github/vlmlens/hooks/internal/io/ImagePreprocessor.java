package io.github.vlmlens.hooks.internal.io;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.vlmlens.core.RgbImage;
import io.github.vlmlens.hooks.CheckpointException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Objects;

/**
 * Hugging Face's {@code CLIPImageProcessor}, reproduced exactly: resize (shortest edge, or a fixed
 * height and width) with PIL's antialiased bicubic filter on the 8-bit image, center crop, rescale
 * ({@code float64} multiply, then {@code float32}) and normalisation ({@code float32}), returned
 * channels first.
 *
 * <p>The resize follows PIL's {@code ImagingResample} for 8-bit images: separable passes
 * (horizontal, then vertical, each only when that side changes), the bicubic kernel with
 * {@code a = -0.5} and its support widened by the scale when downscaling, coefficients normalised
 * to sum 1 and quantised to 22-bit fixed point, and every pass rounded and clamped to 0..255. An
 * image already of the target size is passed through untouched, as PIL returns a copy.
 */
public final class ImagePreprocessor {
  /** OpenAI CLIP's channel means, the default {@code image_mean}. */
  public static final double[] OPENAI_CLIP_MEAN = {0.48145466, 0.4578275, 0.40821073};
  /** OpenAI CLIP's channel standard deviations, the default {@code image_std}. */
  public static final double[] OPENAI_CLIP_STD = {0.26862954, 0.26130258, 0.27577711};

  private static final int BICUBIC = 3;
  private static final int PRECISION_BITS = 32 - 8 - 2;
  private static final JsonMapper MAPPER =
      JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();

  private final boolean doResize;
  /** The shortest-edge target, or 0 when a fixed height and width are given. */
  private final int shortestEdge;
  private final int sizeHeight;
  private final int sizeWidth;
  private final boolean doCenterCrop;
  private final int cropHeight;
  private final int cropWidth;
  private final boolean doRescale;
  private final double rescaleFactor;
  private final boolean doNormalize;
  private final double[] mean;
  private final double[] std;
  private final boolean doConvertRgb;

  private ImagePreprocessor(
      boolean doResize, int shortestEdge, int sizeHeight, int sizeWidth, boolean doCenterCrop,
      int cropHeight, int cropWidth, boolean doRescale, double rescaleFactor, boolean doNormalize,
      double[] mean, double[] std, boolean doConvertRgb) {
    this.doResize = doResize;
    this.shortestEdge = shortestEdge;
    this.sizeHeight = sizeHeight;
    this.sizeWidth = sizeWidth;
    this.doCenterCrop = doCenterCrop;
    this.cropHeight = cropHeight;
    this.cropWidth = cropWidth;
    this.doRescale = doRescale;
    this.rescaleFactor = rescaleFactor;
    this.doNormalize = doNormalize;
    this.mean = mean;
    this.std = std;
    this.doConvertRgb = doConvertRgb;
  }

  /**
   * The preprocessing of a square model input: resize the shortest edge to {@code size}, center
   * crop {@code size x size}, rescale by 1/255, normalise with {@code mean} and {@code std} (three
   * values each).
   */
  public static ImagePreprocessor of(int size, float[] mean, float[] std) {
    if (size <= 0) {
      throw new IllegalArgumentException("size must be positive, got " + size);
    }
    return new ImagePreprocessor(
        true, size, 0, 0, true, size, size, true, 1.0 / 255, true, toDoubles("mean", mean),
        toDoubles("std", std), true);
  }

  private static double[] toDoubles(String what, float[] v) {
    if (v == null || v.length != 3) {
      throw new IllegalArgumentException(what + " must have 3 values, got " + Arrays.toString(v));
    }
    double[] out = new double[3];
    for (int i = 0; i < 3; i++) {
      if (!Float.isFinite(v[i]) || (what.equals("std") && v[i] == 0)) {
        throw new IllegalArgumentException("invalid " + what + " " + Arrays.toString(v));
      }
      // The shortest decimal of the float, so that toJson() writes e.g. 0.5 and 0.48145467.
      out[i] = Double.parseDouble(Float.toString(v[i]));
    }
    return out;
  }

  /**
   * Reads a {@code preprocessor_config.json}; missing keys take {@code CLIPImageProcessor}'s
   * defaults (resize shortest edge 224, bicubic, center crop 224, rescale 1/255, OpenAI CLIP mean
   * and std).
   *
   * @throws CheckpointException naming the file and the key when it is missing or unsupported
   */
  public static ImagePreprocessor read(Path preprocessorConfigJson) {
    if (!Files.isRegularFile(preprocessorConfigJson)) {
      throw new CheckpointException(
          "preprocessor config " + preprocessorConfigJson + " does not exist");
    }
    String json;
    try {
      json = Files.readString(preprocessorConfigJson, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new CheckpointException("cannot read " + preprocessorConfigJson + ": " + e, e);
    }
    return parse(json, preprocessorConfigJson.toString());
  }

  /**
   * Reads the image processor settings of a checkpoint directory: {@code preprocessor_config.json}
   * when present, else the {@code image_processor} object of {@code processor_config.json} (the
   * layout transformers 5 writes).
   *
   * @throws CheckpointException naming the directory when neither file is there, or naming the
   *     file and key at fault
   */
  public static ImagePreprocessor readCheckpoint(Path dir) {
    Path pre = dir.resolve("preprocessor_config.json");
    if (Files.isRegularFile(pre)) {
      return read(pre);
    }
    Path proc = dir.resolve("processor_config.json");
    if (!Files.isRegularFile(proc)) {
      throw new CheckpointException(
          "checkpoint " + dir + " has neither preprocessor_config.json nor processor_config.json");
    }
    JsonNode root;
    try {
      root = MAPPER.readTree(Files.readString(proc, StandardCharsets.UTF_8));
    } catch (JsonProcessingException e) {
      throw new CheckpointException(proc + " is not valid JSON: " + e.getOriginalMessage(), e);
    } catch (IOException e) {
      throw new CheckpointException("cannot read " + proc + ": " + e, e);
    }
    JsonNode ip = root == null ? null : root.get("image_processor");
    if (ip == null || !ip.isObject()) {
      throw new CheckpointException(proc + " has no image_processor object");
    }
    return parse(ip.toString(), proc + " (image_processor)");
  }

  /** Parses the text of a {@code preprocessor_config.json} (see {@link #read}). */
  public static ImagePreprocessor fromJson(String json) {
    return parse(json, "preprocessor config JSON");
  }

  private static ImagePreprocessor parse(String json, String source) {
    JsonNode root;
    try {
      root = MAPPER.readTree(json);
    } catch (JsonProcessingException e) {
      throw new CheckpointException(source + " is not valid JSON: " + e.getOriginalMessage(), e);
    }
    if (root == null || !root.isObject()) {
      throw new CheckpointException(source + ": the top level must be a JSON object");
    }
    boolean doResize = bool(root, "do_resize", true, source);
    int shortest = 224;
    int sh = 0;
    int sw = 0;
    JsonNode size = root.get("size");
    if (size != null && !size.isNull()) {
      if (size.isIntegralNumber()) {
        shortest = positiveInt(size, "size", source);
      } else if (size.isObject() && size.has("shortest_edge")) {
        if (size.size() != 1) {
          throw error(source, "size", "only {\"shortest_edge\": n} or {\"height\", \"width\"} are supported, found " + size);
        }
        shortest = positiveInt(size.get("shortest_edge"), "size.shortest_edge", source);
      } else if (size.isObject() && size.has("height") && size.has("width") && size.size() == 2) {
        shortest = 0;
        sh = positiveInt(size.get("height"), "size.height", source);
        sw = positiveInt(size.get("width"), "size.width", source);
      } else {
        throw error(source, "size", "only {\"shortest_edge\": n} or {\"height\", \"width\"} are supported, found " + size);
      }
    }
    JsonNode resample = root.get("resample");
    if (doResize && resample != null && !resample.isNull()
        && !(resample.isIntegralNumber() && resample.intValue() == BICUBIC)) {
      throw error(source, "resample", "only 3 (bicubic) is supported, found " + resample);
    }
    boolean doCrop = bool(root, "do_center_crop", true, source);
    int ch = 224;
    int cw = 224;
    JsonNode crop = root.get("crop_size");
    if (crop != null && !crop.isNull()) {
      if (crop.isIntegralNumber()) {
        ch = positiveInt(crop, "crop_size", source);
        cw = ch;
      } else if (crop.isObject() && crop.has("height") && crop.has("width")) {
        ch = positiveInt(crop.get("height"), "crop_size.height", source);
        cw = positiveInt(crop.get("width"), "crop_size.width", source);
      } else {
        throw error(source, "crop_size", "expected an integer or {\"height\", \"width\"}, found " + crop);
      }
    }
    boolean doRescale = bool(root, "do_rescale", true, source);
    double rescale = 1.0 / 255;
    JsonNode rf = root.get("rescale_factor");
    if (rf != null && !rf.isNull()) {
      if (!rf.isNumber()) {
        throw error(source, "rescale_factor", "expected a number, found " + rf);
      }
      rescale = rf.doubleValue();
    }
    boolean doNormalize = bool(root, "do_normalize", true, source);
    double[] mean = triple(root, "image_mean", OPENAI_CLIP_MEAN, source, false);
    double[] std = triple(root, "image_std", OPENAI_CLIP_STD, source, true);
    boolean doConvertRgb = bool(root, "do_convert_rgb", true, source);
    return new ImagePreprocessor(
        doResize, shortest, sh, sw, doCrop, ch, cw, doRescale, rescale, doNormalize, mean, std,
        doConvertRgb);
  }

  private static CheckpointException error(String source, String key, String what) {
    return new CheckpointException(source + ": key '" + key + "': " + what);
  }

  private static boolean bool(JsonNode root, String key, boolean dflt, String source) {
    JsonNode n = root.get(key);
    if (n == null || n.isNull()) {
      return dflt;
    }
    if (!n.isBoolean()) {
      throw error(source, key, "expected true or false, found " + n);
    }
    return n.booleanValue();
  }

  private static int positiveInt(JsonNode n, String key, String source) {
    if (n == null || !n.isIntegralNumber() || !n.canConvertToInt() || n.intValue() <= 0) {
      throw error(source, key, "expected a positive integer, found " + n);
    }
    return n.intValue();
  }

  private static double[] triple(JsonNode root, String key, double[] dflt, String source, boolean nonZero) {
    JsonNode n = root.get(key);
    if (n == null || n.isNull()) {
      return dflt.clone();
    }
    double[] out = new double[3];
    if (n.isNumber()) {
      Arrays.fill(out, n.doubleValue());
    } else if (n.isArray() && n.size() == 3) {
      for (int i = 0; i < 3; i++) {
        if (!n.get(i).isNumber()) {
          throw error(source, key, "expected 3 numbers, found " + n);
        }
        out[i] = n.get(i).doubleValue();
      }
    } else {
      throw error(source, key, "expected a number or 3 numbers, found " + n);
    }
    for (double v : out) {
      if (!Double.isFinite(v) || (nonZero && v == 0)) {
        throw error(source, key, "invalid value " + n);
      }
    }
    return out;
  }

  /** The height of every output; fixed unless a shortest-edge resize has no center crop. */
  public int outputHeight() {
    return outputSize()[0];
  }

  /** The width of every output; fixed unless a shortest-edge resize has no center crop. */
  public int outputWidth() {
    return outputSize()[1];
  }

  private int[] outputSize() {
    if (doCenterCrop) {
      return new int[] {cropHeight, cropWidth};
    }
    if (doResize && shortestEdge == 0) {
      return new int[] {sizeHeight, sizeWidth};
    }
    throw new IllegalStateException(
        "the output size depends on the input image: no center crop and no fixed resize size");
  }

  /**
   * The model input for an image: float32 values, channels first, {@code [3 * H * W]} (R plane,
   * then G, then B; each row-major).
   */
  public float[] pixelValues(RgbImage image) {
    Objects.requireNonNull(image, "image");
    int w = image.width();
    int h = image.height();
    int[][] planes = planes(image);
    if (doResize) {
      int[] target = resizeTarget(h, w);
      int th = target[0];
      int tw = target[1];
      if (th != h || tw != w) {
        for (int c = 0; c < 3; c++) {
          planes[c] = resizeBicubic(planes[c], w, h, tw, th);
        }
        w = tw;
        h = th;
      }
    }
    if (doCenterCrop) {
      for (int c = 0; c < 3; c++) {
        planes[c] = centerCrop(planes[c], w, h, cropWidth, cropHeight);
      }
      w = cropWidth;
      h = cropHeight;
    }
    float[] out = new float[3 * w * h];
    for (int c = 0; c < 3; c++) {
      float m = (float) mean[c];
      float s = (float) std[c];
      int[] p = planes[c];
      int base = c * w * h;
      for (int i = 0; i < p.length; i++) {
        float x = doRescale ? (float) (p[i] * rescaleFactor) : (float) p[i];
        if (doNormalize) {
          x = (x - m) / s;
        }
        out[base + i] = x;
      }
    }
    return out;
  }

  /** An image as three 8-bit planes (R, G, B), each row-major. */
  public static int[][] planes(RgbImage image) {
    int[] packed = image.pixels();
    int[][] planes = new int[3][packed.length];
    for (int i = 0; i < packed.length; i++) {
      planes[0][i] = (packed[i] >> 16) & 0xFF;
      planes[1][i] = (packed[i] >> 8) & 0xFF;
      planes[2][i] = packed[i] & 0xFF;
    }
    return planes;
  }

  /** The {@code {height, width}} the resize produces for an input of that size. */
  int[] resizeTarget(int h, int w) {
    if (shortestEdge == 0) {
      return new int[] {sizeHeight, sizeWidth};
    }
    // HF get_resize_output_image_size(default_to_square=False): the short side becomes `size`,
    // the long side int(size * long / short) (Python true division, then truncation).
    int shortSide = Math.min(w, h);
    int longSide = Math.max(w, h);
    int newLong = (int) ((double) ((long) shortestEdge * longSide) / shortSide);
    return w <= h ? new int[] {newLong, shortestEdge} : new int[] {shortestEdge, newLong};
  }

  // ---------------------------------------------------------------------------------------------
  // PIL's 8-bit antialiased bicubic resize.

  private static double bicubic(double x) {
    final double a = -0.5;
    if (x < 0.0) {
      x = -x;
    }
    if (x < 1.0) {
      return ((a + 2.0) * x - (a + 3.0)) * x * x + 1;
    }
    if (x < 2.0) {
      return (((x - 5) * x + 8) * x - 4) * a;
    }
    return 0.0;
  }

  /** Fixed-point resampling coefficients: for output {@code i}, inputs {@code bounds[2i]..+bounds[2i+1]}. */
  static final class Coefficients {
    final int ksize;
    final int[] bounds;
    final int[] kk;
    final double[] weights;

    Coefficients(int ksize, int[] bounds, int[] kk, double[] weights) {
      this.ksize = ksize;
      this.bounds = bounds;
      this.kk = kk;
      this.weights = weights;
    }
  }

  /** PIL's {@code precompute_coeffs} + {@code normalize_coeffs_8bpc} for the bicubic filter. */
  static Coefficients coefficients(int inSize, int outSize) {
    return coefficients(inSize, outSize, BICUBIC);
  }

  /** PIL's {@code bilinear_filter} (triangle, support 1). */
  private static double bilinear(double x) {
    if (x < 0.0) {
      x = -x;
    }
    return x < 1.0 ? 1.0 - x : 0.0;
  }

  /** {@link #coefficients(int, int)} for PIL's filter {@code resample} (2 bilinear, 3 bicubic). */
  static Coefficients coefficients(int inSize, int outSize, int resample) {
    boolean cubic = resample == BICUBIC;
    double scale = (double) inSize / outSize;
    double filterscale = Math.max(scale, 1.0);
    double support = (cubic ? 2.0 : 1.0) * filterscale;
    int ksize = (int) Math.ceil(support) * 2 + 1;
    double[] kk = new double[outSize * ksize];
    int[] bounds = new int[outSize * 2];
    for (int xx = 0; xx < outSize; xx++) {
      double center = (xx + 0.5) * scale;
      double ww = 0.0;
      double ss = 1.0 / filterscale;
      int xmin = (int) (center - support + 0.5);
      if (xmin < 0) {
        xmin = 0;
      }
      int xmax = (int) (center + support + 0.5);
      if (xmax > inSize) {
        xmax = inSize;
      }
      xmax -= xmin;
      int k = xx * ksize;
      for (int x = 0; x < xmax; x++) {
        double arg = (x + xmin - center + 0.5) * ss;
        double w = cubic ? bicubic(arg) : bilinear(arg);
        kk[k + x] = w;
        ww += w;
      }
      for (int x = 0; x < xmax; x++) {
        if (ww != 0.0) {
          kk[k + x] /= ww;
        }
      }
      bounds[xx * 2] = xmin;
      bounds[xx * 2 + 1] = xmax;
    }
    int[] fixed = new int[kk.length];
    for (int i = 0; i < kk.length; i++) {
      fixed[i] =
          kk[i] < 0
              ? (int) (-0.5 + kk[i] * (1 << PRECISION_BITS))
              : (int) (0.5 + kk[i] * (1 << PRECISION_BITS));
    }
    return new Coefficients(ksize, bounds, fixed, kk);
  }

  private static int clip8(int v) {
    int x = v >> PRECISION_BITS;
    return x < 0 ? 0 : Math.min(x, 255);
  }

  /** Resizes one 8-bit plane ({@code w x h}, row-major) to {@code tw x th} as PIL does. */
  public static int[] resizeBicubic(int[] plane, int w, int h, int tw, int th) {
    return resize(plane, w, h, tw, th, BICUBIC);
  }

  /**
   * Resizes one 8-bit plane ({@code w x h}, row-major) to {@code tw x th} as PIL's
   * {@code Image.resize} does with filter {@code resample}: 2 (bilinear) or 3 (bicubic).
   *
   * @throws IllegalArgumentException for another filter
   */
  public static int[] resize(int[] plane, int w, int h, int tw, int th, int resample) {
    if (resample != BICUBIC && resample != 2) {
      throw new IllegalArgumentException("only PIL resample 2 (bilinear) and 3 (bicubic) are supported, got " + resample);
    }
    int[] cur = plane;
    int cw = w;
    if (tw != w) {
      Coefficients c = coefficients(w, tw, resample);
      int[] out = new int[tw * h];
      for (int y = 0; y < h; y++) {
        int row = y * w;
        for (int xx = 0; xx < tw; xx++) {
          int xmin = c.bounds[xx * 2];
          int xmax = c.bounds[xx * 2 + 1];
          int k = xx * c.ksize;
          int ss = 1 << (PRECISION_BITS - 1);
          for (int x = 0; x < xmax; x++) {
            ss += cur[row + x + xmin] * c.kk[k + x];
          }
          out[y * tw + xx] = clip8(ss);
        }
      }
      cur = out;
      cw = tw;
    }
    if (th != h) {
      Coefficients c = coefficients(h, th, resample);
      int[] out = new int[cw * th];
      for (int yy = 0; yy < th; yy++) {
        int ymin = c.bounds[yy * 2];
        int ymax = c.bounds[yy * 2 + 1];
        int k = yy * c.ksize;
        for (int x = 0; x < cw; x++) {
          int ss = 1 << (PRECISION_BITS - 1);
          for (int y = 0; y < ymax; y++) {
            ss += cur[(y + ymin) * cw + x] * c.kk[k + y];
          }
          out[yy * cw + x] = clip8(ss);
        }
      }
      cur = out;
    }
    return cur == plane ? plane.clone() : cur;
  }

  /**
   * HF's {@code center_crop}: offsets {@code (orig - crop) // 2} (floor division); an image smaller
   * than the crop is zero-padded around, {@code ceil((crop - orig) / 2)} before.
   */
  static int[] centerCrop(int[] plane, int w, int h, int cw, int ch) {
    // HF pads the image into max(crop, orig) with ceil((crop - orig) / 2) before it and then slices
    // at top + pad; the pads cancel, so output (y, x) is input (top + y, left + x), zero outside.
    int top = Math.floorDiv(h - ch, 2);
    int left = Math.floorDiv(w - cw, 2);
    int[] out = new int[cw * ch];
    for (int y = 0; y < ch; y++) {
      int srcY = top + y;
      if (srcY < 0 || srcY >= h) {
        continue;
      }
      for (int x = 0; x < cw; x++) {
        int srcX = left + x;
        if (srcX >= 0 && srcX < w) {
          out[y * cw + x] = plane[srcY * w + srcX];
        }
      }
    }
    return out;
  }

  /** This preprocessing as a {@code preprocessor_config.json} for {@code CLIPImageProcessor}. */
  public String toJson() {
    ObjectNode o = MAPPER.createObjectNode();
    ObjectNode crop = o.putObject("crop_size");
    crop.put("height", cropHeight);
    crop.put("width", cropWidth);
    o.put("do_center_crop", doCenterCrop);
    o.put("do_convert_rgb", doConvertRgb);
    o.put("do_normalize", doNormalize);
    o.put("do_rescale", doRescale);
    o.put("do_resize", doResize);
    ArrayNode m = o.putArray("image_mean");
    for (double v : mean) {
      m.add(v);
    }
    o.put("image_processor_type", "CLIPImageProcessor");
    ArrayNode s = o.putArray("image_std");
    for (double v : std) {
      s.add(v);
    }
    o.put("resample", BICUBIC);
    o.put("rescale_factor", rescaleFactor);
    ObjectNode size = o.putObject("size");
    if (shortestEdge > 0) {
      size.put("shortest_edge", shortestEdge);
    } else {
      size.put("height", sizeHeight);
      size.put("width", sizeWidth);
    }
    try {
      return MAPPER.writeValueAsString(o) + "\n";
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The channel means, as doubles. */
  double[] mean() {
    return mean.clone();
  }

  /** The channel standard deviations, as doubles. */
  double[] std() {
    return std.clone();
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof ImagePreprocessor)) {
      return false;
    }
    ImagePreprocessor p = (ImagePreprocessor) o;
    return doResize == p.doResize
        && shortestEdge == p.shortestEdge
        && sizeHeight == p.sizeHeight
        && sizeWidth == p.sizeWidth
        && doCenterCrop == p.doCenterCrop
        && cropHeight == p.cropHeight
        && cropWidth == p.cropWidth
        && doRescale == p.doRescale
        && Double.compare(rescaleFactor, p.rescaleFactor) == 0
        && doNormalize == p.doNormalize
        && Arrays.equals(mean, p.mean)
        && Arrays.equals(std, p.std)
        && doConvertRgb == p.doConvertRgb;
  }

  @Override
  public int hashCode() {
    return Objects.hash(
        doResize, shortestEdge, sizeHeight, sizeWidth, doCenterCrop, cropHeight, cropWidth,
        doRescale, rescaleFactor, doNormalize, Arrays.hashCode(mean), Arrays.hashCode(std),
        doConvertRgb);
  }

  @Override
  public String toString() {
    return "ImagePreprocessor[resize " + (doResize ? (shortestEdge > 0 ? "shortest edge " + shortestEdge
        : sizeHeight + "x" + sizeWidth) : "off") + ", crop " + (doCenterCrop ? cropHeight + "x" + cropWidth : "off")
        + ", mean " + Arrays.toString(mean) + ", std " + Arrays.toString(std) + "]";
  }
}
