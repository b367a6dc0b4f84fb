package io.github.vlmlens.hooks.internal.mllama;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.vlmlens.core.RgbImage;
import io.github.vlmlens.hooks.internal.model.ConfigReader;
import io.github.vlmlens.hooks.internal.io.ImagePreprocessor;
import io.github.vlmlens.hooks.internal.siglip.FixedSizeImages;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Llama-3.2-Vision's image processing, as {@code MllamaImageProcessorPil} does it: the tile canvas
 * ({@code rows x columns} tiles of {@code size} pixels, at most {@code max_image_tiles}) chosen by
 * {@code get_optimal_tiled_canvas}, the image resized keeping its aspect ratio to fit it
 * ({@code get_image_size_fit_to_canvas}, PIL's 8-bit resize with {@code resample}, bilinear by
 * default), zero-padded at the bottom and right to the canvas <em>before</em> rescale and
 * normalisation (so padding becomes {@code -mean / std}), split into tiles row-major and stacked to
 * {@code max_image_tiles} with all-zero tiles. The aspect-ratio id is 1 + the canvas's index among
 * {@code get_all_supported_aspect_ratios(max_image_tiles)}.
 */
public final class MllamaImageProcessor {
  private final FixedSizeImages base;
  private final int tileSize;
  private final int maxTiles;
  private final List<int[]> arrangements;

  /** One image's model inputs. */
  public record Processed(float[] pixels, int rows, int columns, int aspectRatioId) {
    /** The real (non-empty) tiles. */
    public int tiles() {
      return rows * columns;
    }
  }

  private MllamaImageProcessor(FixedSizeImages base, int maxTiles) {
    this.base = base;
    this.tileSize = base.height();
    this.maxTiles = maxTiles;
    this.arrangements = supportedAspectRatios(maxTiles);
  }

  /**
   * The checkpoint's image processor ({@code preprocessor_config.json}, or {@code processor_config.json}'s
   * {@code image_processor}).
   *
   * @throws io.github.vlmlens.hooks.CheckpointException naming the file and key of a bad setting
   */
  public static MllamaImageProcessor read(Path dir) {
    FixedSizeImages.Settings s = FixedSizeImages.read(dir);
    return parse(s.imageProcessor(), s.source());
  }

  /** Parses image processor settings (HF's defaults: 224 px tiles, 4 tiles, bilinear, mean and std 0.5). */
  public static MllamaImageProcessor parse(JsonNode root, String source) {
    ConfigReader r = new ConfigReader(source);
    if (!r.bool(root, "do_pad", true)) {
      throw r.error("do_pad", "MllamaImageProcessor does not support do_pad false");
    }
    if (!r.bool(root, "do_resize", true)) {
      throw r.error("do_resize", "MllamaImageProcessor does not support do_resize false");
    }
    FixedSizeImages base =
        FixedSizeImages.parse(root, source, 224, 2, new double[] {0.5, 0.5, 0.5}, new double[] {0.5, 0.5, 0.5});
    if (base.height() != base.width()) {
      throw r.error("size", "tiles must be square, found " + base.height() + "x" + base.width());
    }
    int tiles = r.integer(root, "max_image_tiles", 4);
    if (tiles <= 0) {
      throw r.error("max_image_tiles", "must be positive, found " + tiles);
    }
    return new MllamaImageProcessor(base, tiles);
  }

  /**
   * {@code get_all_supported_aspect_ratios}: every {@code (rows, columns)} with at most
   * {@code maxTiles} tiles, rows outer, columns inner.
   */
  public static List<int[]> supportedAspectRatios(int maxTiles) {
    List<int[]> out = new ArrayList<>();
    for (int a = 1; a <= maxTiles; a++) {
      for (int b = 1; b <= maxTiles; b++) {
        if (a * b <= maxTiles) {
          out.add(new int[] {a, b});
        }
      }
    }
    return out;
  }

  /** The tile size in pixels. */
  public int tileSize() {
    return tileSize;
  }

  /** {@code max_image_tiles}. */
  public int maxTiles() {
    return maxTiles;
  }

  /**
   * {@code get_optimal_tiled_canvas}: the canvas {@code {rows, columns}} (in tiles) for an image:
   * the smallest upscale that fits, else the largest downscale; ties go to the smallest area.
   */
  public int[] canvas(int height, int width) {
    int n = arrangements.size();
    double[] scales = new double[n];
    for (int i = 0; i < n; i++) {
      double sh = (double) (arrangements.get(i)[0] * tileSize) / height;
      double sw = (double) (arrangements.get(i)[1] * tileSize) / width;
      scales[i] = sw > sh ? sh : sw;
    }
    double selected = Double.NaN;
    for (double s : scales) {
      if (s >= 1 && (Double.isNaN(selected) || s < selected)) {
        selected = s;
      }
    }
    if (Double.isNaN(selected)) {
      for (double s : scales) {
        if (Double.isNaN(selected) || s > selected) {
          selected = s;
        }
      }
    }
    int best = -1;
    long bestArea = Long.MAX_VALUE;
    for (int i = 0; i < n; i++) {
      if (scales[i] == selected) {
        long area = (long) arrangements.get(i)[0] * arrangements.get(i)[1];
        if (area < bestArea) {
          bestArea = area;
          best = i;
        }
      }
    }
    return arrangements.get(best).clone();
  }

  /** {@code get_image_size_fit_to_canvas}: the resized {@code {height, width}}. */
  static int[] fitToCanvas(int height, int width, int canvasHeight, int canvasWidth, int tile) {
    int targetW = Math.max(tile, Math.min(width, canvasWidth));
    int targetH = Math.max(tile, Math.min(height, canvasHeight));
    double scaleH = (double) targetH / height;
    double scaleW = (double) targetW / width;
    if (scaleW < scaleH) {
      int h = (int) Math.floor(height * scaleW);
      return new int[] {Math.min(h == 0 ? 1 : h, targetH), targetW};
    }
    int w = (int) Math.floor(width * scaleH);
    return new int[] {targetH, Math.min(w == 0 ? 1 : w, targetW)};
  }

  /**
   * The pixel values {@code [max_image_tiles, 3, size, size]} of an image (flattened; tiles past
   * the canvas are zeros), its canvas and aspect-ratio id.
   */
  public Processed process(RgbImage image) {
    int h = image.height();
    int w = image.width();
    int[] grid = canvas(h, w);
    int ch = grid[0] * tileSize;
    int cw = grid[1] * tileSize;
    int[] size = fitToCanvas(h, w, ch, cw, tileSize);
    int[][] planes = base.resize(ImagePreprocessor.planes(image), w, h, size[1], size[0]);
    int[][] padded = new int[3][ch * cw];
    for (int c = 0; c < 3; c++) {
      for (int y = 0; y < size[0]; y++) {
        System.arraycopy(planes[c], y * size[1], padded[c], y * cw, size[1]);
      }
    }
    float[] canvas = base.normalize(padded); // [3, ch, cw]
    int s = tileSize;
    float[] out = new float[maxTiles * 3 * s * s];
    for (int r = 0; r < grid[0]; r++) {
      for (int col = 0; col < grid[1]; col++) {
        int tile = r * grid[1] + col;
        for (int c = 0; c < 3; c++) {
          for (int y = 0; y < s; y++) {
            System.arraycopy(
                canvas, (c * ch + r * s + y) * cw + col * s, out, ((tile * 3 + c) * s + y) * s, s);
          }
        }
      }
    }
    int id = -1;
    for (int i = 0; i < arrangements.size(); i++) {
      if (arrangements.get(i)[0] == grid[0] && arrangements.get(i)[1] == grid[1]) {
        id = i + 1;
      }
    }
    return new Processed(out, grid[0], grid[1], id);
  }

  @Override
  public String toString() {
    return "MllamaImageProcessor[tile " + tileSize + ", " + maxTiles + " tiles, " + base + "]";
  }
}
