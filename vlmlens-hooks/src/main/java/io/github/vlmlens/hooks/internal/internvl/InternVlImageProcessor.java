package io.github.vlmlens.hooks.internal.internvl;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.vlmlens.core.RgbImage;
import io.github.vlmlens.hooks.CheckpointException;
import io.github.vlmlens.hooks.internal.io.ImagePreprocessor;
import io.github.vlmlens.hooks.internal.model.ConfigReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * InternVL's dynamic tiling as {@code InternVLProcessor} runs {@code GotOcr2ImageProcessor}'s PIL
 * path: the tile grid (columns x rows, {@code min_patches..max_patches} tiles) whose aspect ratio
 * is closest to the image's (ties go to more tiles while the image's area exceeds half the grid's),
 * the image resized to the whole grid with PIL's bicubic filter WITHOUT keeping its aspect ratio
 * and cut into tiles row-major, then, when there is more than one tile, the whole image resized
 * to one tile as a thumbnail, last. Each tile: {@code x * rescale_factor}, {@code (x - mean) / std}.
 *
 * <p>{@code crop_to_patches} in the settings is ignored: {@code InternVLProcessor} passes
 * {@code crop_to_patches=True} itself, so a processor call tiles even when the saved image
 * processor says {@code false} (as the published InternVL3-*-hf configs do).
 */
public final class InternVlImageProcessor {
  private static final JsonMapper MAPPER = JsonMapper.builder().build();

  private final int tile;
  private final int minTiles;
  private final int maxTiles;
  private final ImagePreprocessor normalizer;

  private InternVlImageProcessor(int tile, int minTiles, int maxTiles, ImagePreprocessor normalizer) {
    this.tile = tile;
    this.minTiles = minTiles;
    this.maxTiles = maxTiles;
    this.normalizer = normalizer;
  }

  /**
   * Reads a checkpoint's settings: {@code preprocessor_config.json}, else the
   * {@code image_processor} object of {@code processor_config.json} (transformers 5).
   *
   * @throws CheckpointException naming the file and key at fault
   */
  public static InternVlImageProcessor read(Path dir) {
    Path pre = dir.resolve("preprocessor_config.json");
    Path proc = dir.resolve("processor_config.json");
    if (Files.isRegularFile(pre)) {
      return parse(json(pre), pre.toString());
    }
    if (!Files.isRegularFile(proc)) {
      throw new CheckpointException(
          "checkpoint " + dir + " has neither preprocessor_config.json nor processor_config.json");
    }
    JsonNode ip = json(proc).get("image_processor");
    if (ip == null || !ip.isObject()) {
      throw new CheckpointException(proc + " has no image_processor object");
    }
    return parse(ip, proc + " (image_processor)");
  }

  private static JsonNode json(Path p) {
    try {
      return MAPPER.readTree(Files.readString(p, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new CheckpointException("cannot read " + p + ": " + e.getMessage(), e);
    }
  }

  /** Parses the image processor settings. */
  static InternVlImageProcessor parse(JsonNode root, String source) {
    ConfigReader r = new ConfigReader(source);
    if (root == null || !root.isObject()) {
      throw new CheckpointException(source + ": expected a JSON object");
    }
    JsonNode size = r.object(root, "size");
    int h = r.positive(size, "size.height");
    int w = r.positive(size, "size.width");
    if (h != w) {
      throw r.error("size", "only square tiles are supported, found " + size);
    }
    if (!r.bool(root, "do_resize", true)) {
      throw r.error("do_resize", "tiles are always resized; false is not supported");
    }
    int resample = r.integer(root, "resample", 3);
    if (resample != 3) {
      throw r.error("resample", "only 3 (bicubic) is supported, found " + resample);
    }
    int min = r.integer(root, "min_patches", 1);
    int max = r.integer(root, "max_patches", 12);
    if (min < 1 || max < min) {
      throw r.error("max_patches", "expected 1 <= min_patches <= max_patches, found " + min + ", " + max);
    }
    // The normalisation of one tile: ImagePreprocessor with a fixed-size resize and no crop.
    ObjectNode n = MAPPER.createObjectNode();
    n.putObject("size").put("height", h).put("width", w);
    n.put("do_center_crop", false);
    for (String key : new String[] {"do_rescale", "rescale_factor", "do_normalize", "image_mean", "image_std",
        "do_convert_rgb"}) {
      if (root.has(key)) {
        n.set(key, root.get(key));
      }
    }
    if (!root.has("image_mean")) {
      n.putArray("image_mean").add(0.485).add(0.456).add(0.406);
    }
    if (!root.has("image_std")) {
      n.putArray("image_std").add(0.229).add(0.224).add(0.225);
    }
    ImagePreprocessor norm;
    try {
      norm = ImagePreprocessor.fromJson(n.toString());
    } catch (CheckpointException e) {
      throw new CheckpointException(source + ": " + e.getMessage(), e);
    }
    return new InternVlImageProcessor(h, min, max, norm);
  }

  /** The tile side in pixels. */
  public int tileSize() {
    return tile;
  }

  /**
   * {@code get_optimal_tiled_canvas}: the grid {@code {columns, rows}} for an image of that size.
   */
  int[] grid(int height, int width) {
    List<int[]> grids = new ArrayList<>();
    for (int n = minTiles; n <= maxTiles; n++) {
      // sorted by tile count, stable over (width outer, height inner) as Python's sorted()
      for (int gw = 1; gw <= maxTiles; gw++) {
        for (int gh = 1; gh <= maxTiles; gh++) {
          if (gw * gh == n) {
            grids.add(new int[] {gw, gh});
          }
        }
      }
    }
    double aspect = (double) width / height;
    double area = (double) width * height;
    double best = Double.POSITIVE_INFINITY;
    int[] bestGrid = {1, 1};
    for (int[] g : grids) {
      double diff = Math.abs(aspect - (double) g[0] / g[1]);
      if (diff < best) {
        best = diff;
        bestGrid = g;
      } else if (diff == best && area > 0.5 * tile * tile * g[0] * g[1]) {
        bestGrid = g;
      }
    }
    return bestGrid;
  }

  /** The number of tiles an image becomes (the thumbnail included). */
  public int tiles(RgbImage image) {
    if (maxTiles <= 1) {
      return 1;
    }
    int[] g = grid(image.height(), image.width());
    int n = g[0] * g[1];
    return n == 1 ? 1 : n + 1;
  }

  /** The pixel values {@code [tiles, 3, tile, tile]} of an image, flattened. */
  public float[] process(RgbImage image) {
    int per = 3 * tile * tile;
    if (maxTiles <= 1) {
      return normalizer.pixelValues(image);
    }
    int[] g = grid(image.height(), image.width());
    int cols = g[0];
    int rows = g[1];
    int n = cols * rows;
    float[] out = new float[(n == 1 ? 1 : n + 1) * per];
    int cw = cols * tile;
    int ch = rows * tile;
    int[] src = image.pixels();
    int[][] planes = new int[3][src.length];
    for (int i = 0; i < src.length; i++) {
      planes[0][i] = (src[i] >> 16) & 0xFF;
      planes[1][i] = (src[i] >> 8) & 0xFF;
      planes[2][i] = src[i] & 0xFF;
    }
    int[][] canvas = new int[3][];
    for (int c = 0; c < 3; c++) {
      canvas[c] = ImagePreprocessor.resizeBicubic(planes[c], image.width(), image.height(), cw, ch);
    }
    for (int i = 0; i < n; i++) {
      int x0 = (i % cols) * tile;
      int y0 = (i / cols) * tile;
      int[] px = new int[tile * tile];
      for (int y = 0; y < tile; y++) {
        for (int x = 0; x < tile; x++) {
          int at = (y0 + y) * cw + x0 + x;
          px[y * tile + x] = (canvas[0][at] << 16) | (canvas[1][at] << 8) | canvas[2][at];
        }
      }
      System.arraycopy(normalizer.pixelValues(RgbImage.of(tile, tile, px)), 0, out, i * per, per);
    }
    if (n > 1) {
      System.arraycopy(normalizer.pixelValues(image), 0, out, n * per, per);
    }
    return out;
  }
}
