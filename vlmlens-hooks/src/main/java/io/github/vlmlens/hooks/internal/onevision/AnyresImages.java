package io.github.vlmlens.hooks.internal.onevision;

import io.github.vlmlens.core.RgbImage;
import io.github.vlmlens.hooks.internal.io.ImagePreprocessor;
import io.github.vlmlens.hooks.internal.siglip.FixedSizeImages;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;

/**
 * LLaVA-OneVision's image processing ({@code LlavaOnevisionImageProcessorPil}) and the feature
 * layout of {@code pack_image_features}, exactly: for a sample with one image, the whole image
 * resized to the tile size (tile 0), then the image resized keeping its aspect ratio into the best
 * of the {@code image_grid_pinpoints} ({@code select_best_resolution}), zero-padded centred and cut
 * into tiles row-major; a sample with several images gets one tile per image (padded to a square
 * with the mean colour first). Video frames are resized to the tile size.
 */
public final class AnyresImages {
  private final FixedSizeImages tiles;
  private final List<int[]> pinpoints;
  private final int side;
  private final int maxPatches;

  /**
   * @param tiles the tile processing (size, filter, normalisation)
   * @param pinpoints {@code [height, width]} resolutions, multiples of the tile size
   * @param side patches per tile side ({@code image_size / patch_size})
   * @param maxPatches {@code N} of {@code anyres_max_N}
   */
  public AnyresImages(FixedSizeImages tiles, List<int[]> pinpoints, int side, int maxPatches) {
    this.tiles = tiles;
    this.pinpoints = pinpoints;
    this.side = side;
    this.maxPatches = maxPatches;
  }

  /** One image's tiles and where its features go. */
  public record Tiles(List<float[]> pixels, int gridH, int gridW, int height, int width, boolean anyres) {}

  /** Hugging Face's {@code select_best_resolution}: {@code {height, width}}. */
  public int[] bestResolution(int h, int w) {
    int[] best = null;
    long maxEffective = 0;
    long minWasted = Long.MAX_VALUE;
    for (int[] r : pinpoints) {
      double scale = Math.min((double) r[1] / w, (double) r[0] / h);
      long dw = (long) (w * scale);
      long dh = (long) (h * scale);
      long effective = Math.min(dw * dh, (long) w * h);
      long wasted = (long) r[0] * r[1] - effective;
      if (effective > maxEffective || (effective == maxEffective && wasted < minWasted)) {
        maxEffective = effective;
        minWasted = wasted;
        best = r;
      }
    }
    return best;
  }

  /** The tiles of an image; {@code anyres} for a sample's only image. */
  public Tiles tiles(RgbImage image, boolean anyres) {
    int h = image.height();
    int w = image.width();
    int[][] planes = ImagePreprocessor.planes(image);
    int size = tiles.height();
    List<float[]> out = new ArrayList<>();
    if (!anyres) {
      int[][] sq = padToSquare(planes, w, h);
      int m = Math.max(w, h);
      out.add(tiles.normalize(tiles.resize(sq, m, m, tiles.width(), tiles.height())));
      return new Tiles(out, 0, 0, h, w, false);
    }
    int[] best = bestResolution(h, w);
    int th = best[0];
    int tw = best[1];
    double sw = (double) tw / w;
    double sh = (double) th / h;
    int nh;
    int nw;
    if (sw < sh) {
      nw = tw;
      nh = Math.min((int) Math.ceil(h * sw), th);
    } else {
      nh = th;
      nw = Math.min((int) Math.ceil(w * sh), tw);
    }
    int[][] resized = tiles.resize(planes, w, h, nw, nh);
    int padX = (tw - nw) / 2;
    int padY = (th - nh) / 2;
    int[][] canvas = new int[3][tw * th];
    for (int c = 0; c < 3; c++) {
      for (int y = 0; y < nh; y++) {
        System.arraycopy(resized[c], y * nw, canvas[c], (y + padY) * tw + padX, nw);
      }
    }
    out.add(tiles.normalize(tiles.resize(planes, w, h, tiles.width(), tiles.height())));
    for (int y0 = 0; y0 < th; y0 += size) {
      for (int x0 = 0; x0 < tw; x0 += size) {
        int[][] tile = new int[3][size * size];
        for (int c = 0; c < 3; c++) {
          for (int y = 0; y < size; y++) {
            System.arraycopy(canvas[c], (y0 + y) * tw + x0, tile[c], y * size, size);
          }
        }
        out.add(tiles.normalize(tile));
      }
    }
    return new Tiles(out, th / size, tw / size, h, w, true);
  }

  /** The frame of a video: resized to the tile size. */
  public float[] frame(RgbImage frame) {
    return tiles.process(frame);
  }

  private int[][] padToSquare(int[][] planes, int w, int h) {
    if (w == h) {
      return planes;
    }
    int m = Math.max(w, h);
    double[] mean = tiles.mean();
    int[][] out = new int[3][m * m];
    for (int c = 0; c < 3; c++) {
      java.util.Arrays.fill(out[c], (int) (mean[c] * 255));
      for (int y = 0; y < h; y++) {
        int dy = w > h ? (m - h) / 2 + y : y;
        int dx = w > h ? 0 : (m - w) / 2;
        System.arraycopy(planes[c], y * w, out[c], dy * m + dx, w);
      }
    }
    return out;
  }

  /**
   * The rows {@code {from, to}} and columns kept by {@code unpad_image} of the tiles' feature grid
   * and its size after the {@code anyres_max} shrink: {@code {rowFrom, rowTo, colFrom, colTo,
   * outH, outW}}.
   */
  public int[] featureLayout(Tiles t) {
    int ch = t.gridH() * side;
    int cw = t.gridW() * side;
    int r0 = 0;
    int r1 = ch;
    int c0 = 0;
    int c1 = cw;
    double original = (double) t.width() / t.height();
    double current = (double) cw / ch;
    if (original > current) {
      int newH = round7(t.height() * ((double) cw / t.width()));
      int pad = (ch - newH) / 2;
      r0 = pad;
      r1 = ch - pad;
    } else {
      int newW = round7(t.width() * ((double) ch / t.height()));
      int pad = (cw - newW) / 2;
      c0 = pad;
      c1 = cw - pad;
    }
    int h = r1 - r0;
    int w = c1 - c0;
    double ratio = Math.sqrt((double) h * w / ((double) maxPatches * side * side));
    int oh = h;
    int ow = w;
    if (ratio > 1.1) {
      oh = (int) Math.floor(h / ratio);
      ow = (int) Math.floor(w / ratio);
    }
    return new int[] {r0, r1, c0, c1, oh, ow};
  }

  /** Python's {@code int(round(x, 7))}. */
  private static int round7(double x) {
    return new BigDecimal(x).setScale(7, RoundingMode.HALF_EVEN).intValue();
  }

  /** The tokens (feature rows) of an image's tiles: the base tile's, then rows with a newline each. */
  public int tokens(Tiles t) {
    if (!t.anyres()) {
      return side * side + 1;
    }
    int[] l = featureLayout(t);
    return side * side + l[4] * (l[5] + 1);
  }

  /** The tokens of a video frame: the 2x2-pooled grid ({@code ceil(side / 2)^2}). */
  public int frameTokens() {
    int p = (side + 1) / 2;
    return p * p;
  }
}
