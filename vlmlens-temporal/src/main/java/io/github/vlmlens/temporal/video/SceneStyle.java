package io.github.vlmlens.temporal.video;

import io.github.vlmlens.core.API;
import io.github.vlmlens.core.RgbImage;
import java.util.Locale;
import java.util.Optional;

/**
 * The "scenes" of scene-order videos: full-frame background textures, each with a single-word
 * name and its own colour and pattern ({@code stripes}, {@code dots}, {@code checker},
 * {@code gradient}, {@code grid}, {@code waves}). Patterns are drawn with periods proportional to
 * the frame size, so a scene looks the same at 32 px and at 336 px. Deterministic: the same size
 * gives the same pixels.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1.0")
public enum SceneStyle {
  /** Vertical gold stripes on black. */
  STRIPES(0xFFC820) {
    @Override
    double intensity(double u, double v) {
      return Math.floorMod((int) Math.floor(u * 8), 2) == 0 ? 1 : 0;
    }
  },
  /** A lattice of turquoise dots on black. */
  DOTS(0x20D0D0) {
    @Override
    double intensity(double u, double v) {
      double cu = (u * 4) - Math.floor(u * 4) - 0.5;
      double cv = (v * 4) - Math.floor(v * 4) - 0.5;
      return cu * cu + cv * cv <= 0.09 ? 1 : 0;
    }
  },
  /** A pink and black checkerboard. */
  CHECKER(0xFF60B0) {
    @Override
    double intensity(double u, double v) {
      return Math.floorMod((int) Math.floor(u * 4) + (int) Math.floor(v * 4), 2) == 0 ? 1 : 0;
    }
  },
  /** A blue ramp, dark at the top and bright at the bottom. */
  GRADIENT(0x4080FF) {
    @Override
    double intensity(double u, double v) {
      return 0.15 + 0.85 * v;
    }
  },
  /** Thin green grid lines on black. */
  GRID(0x60F040) {
    @Override
    double intensity(double u, double v) {
      double fu = u * 4 - Math.floor(u * 4);
      double fv = v * 4 - Math.floor(v * 4);
      return fu < 0.2 || fv < 0.2 ? 1 : 0;
    }
  },
  /** Orange horizontal waves on black. */
  WAVES(0xFF8030) {
    @Override
    double intensity(double u, double v) {
      double phase = v * 4 + 0.25 * StrictMath.sin(2 * StrictMath.PI * 2 * u);
      return phase - Math.floor(phase) < 0.45 ? 1 : 0;
    }
  };

  private final int rgb;

  SceneStyle(int rgb) {
    this.rgb = rgb;
  }

  abstract double intensity(double u, double v);

  /** The scene's word, such as {@code "stripes"}. */
  public String word() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The scene's full colour, packed {@code 0xRRGGBB}. */
  public int rgb() {
    return rgb;
  }

  /**
   * The texture as one {@code sizePx x sizePx} frame (pixel centres sampled on the unit square).
   *
   * @throws IllegalArgumentException when the size is not positive
   */
  public RgbImage render(int sizePx) {
    if (sizePx <= 0) {
      throw new IllegalArgumentException("scene '" + word() + "' needs a positive size, got " + sizePx);
    }
    int[] px = new int[sizePx * sizePx];
    for (int y = 0; y < sizePx; y++) {
      for (int x = 0; x < sizePx; x++) {
        double a = intensity((x + 0.5) / sizePx, (y + 0.5) / sizePx);
        int r = (int) Math.round(((rgb >> 16) & 0xFF) * a);
        int g = (int) Math.round(((rgb >> 8) & 0xFF) * a);
        int b = (int) Math.round((rgb & 0xFF) * a);
        px[y * sizePx + x] = (r << 16) | (g << 8) | b;
      }
    }
    return RgbImage.of(sizePx, sizePx, px);
  }

  /** The scene named {@code word}, if there is one. */
  public static Optional<SceneStyle> ofWord(String word) {
    for (SceneStyle s : values()) {
      if (s.word().equals(word)) {
        return Optional.of(s);
      }
    }
    return Optional.empty();
  }
}
