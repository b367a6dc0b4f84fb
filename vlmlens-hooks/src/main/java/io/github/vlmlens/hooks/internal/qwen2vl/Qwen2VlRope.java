package io.github.vlmlens.hooks.internal.qwen2vl;

import java.util.List;

/**
 * Qwen2-VL's rotary position tables, computed on the host: the language model's multimodal
 * position ids ({@code get_rope_index}) and rotary tables (M-RoPE), and the vision tower's 2-D
 * rotary tables. Angles are {@code float32} products as Hugging Face forms them.
 */
public final class Qwen2VlRope {
  private Qwen2VlRope() {}

  /**
   * Hugging Face's {@code get_rope_index} for one unpadded sequence: text tokens get the same
   * position on all three axes, counting on from the previous token; the {@code t * h * w / m^2}
   * tokens of a visual input starting at position {@code s} get {@code (s + t', s + h', s + w')}
   * over the merged grid in row-major order, and the text after it resumes at
   * {@code s + max(h, w) / m}.
   *
   * @param ids the token ids
   * @param visualTokenId the id of the visual placeholder tokens ({@code <|image_pad|>})
   * @param grids each visual input's {@code {t, h, w}} in patches, in sequence order
   * @param merge the spatial merge size
   * @param timeInterval per input, the temporal position step (1 for images)
   * @return {@code [3][ids.length]} positions (t, h, w)
   * @throws IllegalArgumentException when the visual tokens do not match the grids
   */
  public static int[][] positionIds(
      int[] ids, int visualTokenId, List<int[]> grids, int merge, double[] timeInterval) {
    int n = ids.length;
    int[][] pos = new int[3][n];
    int current = 0;
    int k = 0;
    int i = 0;
    while (i < n) {
      if (ids[i] != visualTokenId) {
        pos[0][i] = current;
        pos[1][i] = current;
        pos[2][i] = current;
        current++;
        i++;
        continue;
      }
      if (k >= grids.size()) {
        throw new IllegalArgumentException(
            "visual token at position " + i + " beyond the " + grids.size() + " visual input(s)");
      }
      int[] g = grids.get(k);
      int lt = g[0];
      int lh = g[1] / merge;
      int lw = g[2] / merge;
      int count = lt * lh * lw;
      if (i + count > n) {
        throw new IllegalArgumentException(
            "visual input " + k + " needs " + count + " tokens from position " + i + " but the sequence has "
                + n + " tokens");
      }
      double interval = timeInterval == null ? 1.0 : timeInterval[k];
      int at = i;
      for (int t = 0; t < lt; t++) {
        int tp = (int) (long) (t * interval) + current;
        for (int h = 0; h < lh; h++) {
          for (int w = 0; w < lw; w++) {
            if (ids[at] != visualTokenId) {
              throw new IllegalArgumentException(
                  "visual input " + k + " has " + count + " tokens but its run of visual tokens ends at position "
                      + at);
            }
            pos[0][at] = tp;
            pos[1][at] = current + h;
            pos[2][at] = current + w;
            at++;
          }
        }
      }
      current += Math.max(lh, lw);
      i = at;
      k++;
    }
    if (k != grids.size()) {
      throw new IllegalArgumentException(
          "the sequence holds visual tokens for " + k + " of " + grids.size() + " visual input(s)");
    }
    return pos;
  }

  /**
   * The inverse frequencies {@code 1 / theta^(2i / dim)}, {@code i < dim / 2}, in {@code float32}.
   */
  public static float[] inverseFrequencies(double theta, int dim) {
    float[] inv = new float[dim / 2];
    for (int i = 0; i < inv.length; i++) {
      float exponent = (float) (2 * i) / (float) dim;
      float p = (float) Math.pow(theta, exponent);
      inv[i] = 1.0f / p;
    }
    return inv;
  }

  /**
   * The language model's M-RoPE tables for positions {@code [3][T]}: {@code {cos, sin}}, each
   * {@code [T * headDim]} row-major. Frequency {@code i} of the half dimension takes its position
   * from axis {@code s % 3}, where {@code s} is the {@code mrope_section} that holds {@code i};
   * the half is then repeated ({@code cat(freqs, freqs)}).
   */
  public static float[][] textTables(int[][] positions, int length, float[] invFreq, int[] section) {
    int half = invFreq.length;
    int d = half * 2;
    int[] axis = new int[half];
    int i = 0;
    for (int s = 0; s < section.length; s++) {
      for (int j = 0; j < section[s]; j++) {
        axis[i++] = s % 3;
      }
    }
    float[] cos = new float[length * d];
    float[] sin = new float[length * d];
    for (int t = 0; t < length; t++) {
      for (int f = 0; f < half; f++) {
        float angle = (float) positions[axis[f]][t] * invFreq[f];
        float c = (float) Math.cos(angle);
        float sn = (float) Math.sin(angle);
        cos[t * d + f] = c;
        cos[t * d + f + half] = c;
        sin[t * d + f] = sn;
        sin[t * d + f + half] = sn;
      }
    }
    return new float[][] {cos, sin};
  }

  /**
   * The vision tower's 2-D rotary tables for one visual input's {@code t * h * w} patches in
   * processor order (merge blocks row-major, then the patches of each block row-major), appended
   * to {@code cos} and {@code sin} at row {@code offset}: with {@code f = invFreq} ({@code headDim
   * / 4} values), a row is {@code [h f, w f, h f, w f]}.
   */
  public static void visionTables(
      int[] grid, int merge, float[] invFreq, float[] cos, float[] sin, int offset) {
    int q = invFreq.length;
    int d = q * 4;
    int row = offset;
    for (int t = 0; t < grid[0]; t++) {
      for (int bh = 0; bh < grid[1] / merge; bh++) {
        for (int bw = 0; bw < grid[2] / merge; bw++) {
          for (int mh = 0; mh < merge; mh++) {
            for (int mw = 0; mw < merge; mw++) {
              float hp = bh * merge + mh;
              float wp = bw * merge + mw;
              int base = row * d;
              for (int f = 0; f < q; f++) {
                float ah = hp * invFreq[f];
                float aw = wp * invFreq[f];
                float ch = (float) Math.cos(ah);
                float cw = (float) Math.cos(aw);
                float sh = (float) Math.sin(ah);
                float sw = (float) Math.sin(aw);
                cos[base + f] = ch;
                cos[base + q + f] = cw;
                cos[base + 2 * q + f] = ch;
                cos[base + 3 * q + f] = cw;
                sin[base + f] = sh;
                sin[base + q + f] = sw;
                sin[base + 2 * q + f] = sh;
                sin[base + 3 * q + f] = sw;
              }
              row++;
            }
          }
        }
      }
    }
  }

  /**
   * Qwen2.5-VL's window of each patch of one visual input, in processor order: patches attend to
   * each other in a windowed block iff they share the frame and the window. Windows tile the
   * merged grid from its top-left corner, {@code windowTokens} merged tokens on a side.
   *
   * @return a window number per patch (unique within the input)
   */
  public static int[] windows(int[] grid, int merge, int windowTokens) {
    int lh = grid[1] / merge;
    int lw = grid[2] / merge;
    int nwh = (lh + windowTokens - 1) / windowTokens;
    int nww = (lw + windowTokens - 1) / windowTokens;
    int[] out = new int[grid[0] * grid[1] * grid[2]];
    int at = 0;
    for (int t = 0; t < grid[0]; t++) {
      for (int bh = 0; bh < lh; bh++) {
        for (int bw = 0; bw < lw; bw++) {
          int win = (t * nwh + bh / windowTokens) * nww + bw / windowTokens;
          for (int j = 0; j < merge * merge; j++) {
            out[at++] = win;
          }
        }
      }
    }
    return out;
  }
}
