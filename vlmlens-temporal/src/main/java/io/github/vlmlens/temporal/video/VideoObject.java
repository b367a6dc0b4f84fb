package io.github.vlmlens.temporal.video;

import io.github.vlmlens.core.API;
import io.github.vlmlens.temporal.video.internal.Shapes;
import java.util.Locale;
import java.util.Optional;

/**
 * The objects of the synthetic videos: procedurally drawn flat shapes, each with a single-word
 * lowercase name (the word the questions use) and its own colour, so that an object stays
 * recognisable at 12 to 16 pixels. Masks are exact (a pixel is covered when its centre is inside
 * the shape).
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1.0")
public enum VideoObject {
  /** A red filled disc. */
  DISK(0xFF3030) {
    @Override
    boolean inside(double u, double v) {
      return Shapes.disc(u, v, 0.5, 0.5, 0.5);
    }
  },
  /** A green filled square. */
  SQUARE(0x30D030) {
    @Override
    boolean inside(double u, double v) {
      return Shapes.rect(u, v, 0.08, 0.08, 0.92, 0.92);
    }
  },
  /** A blue plus sign. */
  PLUS(0x3070FF) {
    @Override
    boolean inside(double u, double v) {
      return Shapes.rect(u, v, 0.34, 0.0, 0.66, 1.0) || Shapes.rect(u, v, 0.0, 0.34, 1.0, 0.66);
    }
  },
  /** A yellow upright bar. */
  BAR(0xFFE020) {
    @Override
    boolean inside(double u, double v) {
      return Shapes.rect(u, v, 0.3, 0.0, 0.7, 1.0);
    }
  },
  /** A magenta hourglass: two triangles meeting at the centre. */
  HOURGLASS(0xE040E0) {
    @Override
    boolean inside(double u, double v) {
      return Shapes.triangle(u, v, 0.0, 0.0, 1.0, 0.0, 0.5, 0.5)
          || Shapes.triangle(u, v, 0.0, 1.0, 1.0, 1.0, 0.5, 0.5);
    }
  },
  /** A cyan hollow square. */
  FRAME(0x30E0E0) {
    @Override
    boolean inside(double u, double v) {
      return Shapes.rect(u, v, 0.0, 0.0, 1.0, 1.0) && !Shapes.rect(u, v, 0.3, 0.3, 0.7, 0.7);
    }
  },
  /** An orange kite: a rhombus taller than wide. */
  KITE(0xFF9020) {
    @Override
    boolean inside(double u, double v) {
      return Math.abs(u - 0.5) / 0.42 + Math.abs(v - 0.5) / 0.5 <= 1;
    }
  },
  /** A white wedge: a triangle pointing down. */
  WEDGE(0xF0F0F0) {
    @Override
    boolean inside(double u, double v) {
      return Shapes.triangle(u, v, 0.0, 0.05, 1.0, 0.05, 0.5, 0.95);
    }
  };

  private final int rgb;

  VideoObject(int rgb) {
    this.rgb = rgb;
  }

  abstract boolean inside(double u, double v);

  /** The object's word, a single lowercase word such as {@code "disk"}. */
  public String word() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The object's colour, packed {@code 0xRRGGBB}. */
  public int rgb() {
    return rgb;
  }

  /**
   * The object's mask at {@code sizePx x sizePx}, row-major: {@code true} where it covers the
   * pixel.
   *
   * @throws IllegalArgumentException when the size is not positive
   */
  public boolean[] mask(int sizePx) {
    if (sizePx <= 0) {
      throw new IllegalArgumentException("object '" + word() + "' needs a positive size, got " + sizePx);
    }
    return Shapes.rasterise(this::inside, sizePx);
  }

  /** The object named {@code word}, if there is one. */
  public static Optional<VideoObject> ofWord(String word) {
    for (VideoObject o : values()) {
      if (o.word().equals(word)) {
        return Optional.of(o);
      }
    }
    return Optional.empty();
  }
}
