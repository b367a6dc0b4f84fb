package io.github.vlmlens.spatial.scene.internal;

import java.util.Locale;

/**
 * The procedurally drawn built-in objects, each a point-in-shape test on the unit square
 * ({@code u} right, {@code v} down). A pixel of a {@code size x size} sprite is covered when its
 * centre {@code ((x + 0.5) / size, (y + 0.5) / size)} is inside: no anti-aliasing, so masks are
 * exact and the same on every machine.
 */
public enum BuiltInShape implements MaskSource {
  /** A filled disc. */
  BALL {
    @Override
    boolean inside(double u, double v) {
      return Geometry.inDisc(u, v, 0.5, 0.5, 0.5);
    }
  },
  /** A filled square. */
  BOX {
    @Override
    boolean inside(double u, double v) {
      return Geometry.inRect(u, v, 0.1, 0.1, 0.9, 0.9);
    }
  },
  /** A five-pointed star. */
  STAR {
    private final double[] poly = Geometry.star(0.5, 0.54, 0.54, 0.27, 5);

    @Override
    boolean inside(double u, double v) {
      return Geometry.inPolygon(u, v, poly);
    }
  },
  /** A heart: two lobes over a point. */
  HEART {
    private final double[] tip = {0.04, 0.36, 0.96, 0.36, 0.5, 0.96};

    @Override
    boolean inside(double u, double v) {
      return Geometry.inDisc(u, v, 0.27, 0.31, 0.24)
          || Geometry.inDisc(u, v, 0.73, 0.31, 0.24)
          || Geometry.inPolygon(u, v, tip);
    }
  },
  /** An annulus. */
  RING {
    @Override
    boolean inside(double u, double v) {
      return Geometry.inDisc(u, v, 0.5, 0.5, 0.5) && !Geometry.inDisc(u, v, 0.5, 0.5, 0.27);
    }
  },
  /** A plus sign. */
  CROSS {
    @Override
    boolean inside(double u, double v) {
      return Geometry.inRect(u, v, 0.33, 0.0, 0.67, 1.0)
          || Geometry.inRect(u, v, 0.0, 0.33, 1.0, 0.67);
    }
  },
  /** A triangle pointing up. */
  TRIANGLE {
    private final double[] poly = {0.5, 0.02, 0.98, 0.95, 0.02, 0.95};

    @Override
    boolean inside(double u, double v) {
      return Geometry.inPolygon(u, v, poly);
    }
  },
  /** A crescent opening to the right (not mirror-symmetric left-right). */
  MOON {
    @Override
    boolean inside(double u, double v) {
      return Geometry.inDisc(u, v, 0.5, 0.5, 0.5) && !Geometry.inDisc(u, v, 0.78, 0.5, 0.42);
    }
  },
  /** A rhombus standing on a corner. */
  DIAMOND {
    @Override
    boolean inside(double u, double v) {
      return Math.abs(u - 0.5) + Math.abs(v - 0.5) <= 0.5;
    }
  },
  /** An arrow pointing right (not mirror-symmetric left-right). */
  ARROW {
    private final double[] head = {0.45, 0.08, 1.0, 0.5, 0.45, 0.92};

    @Override
    boolean inside(double u, double v) {
      return Geometry.inRect(u, v, 0.0, 0.36, 0.5, 0.64) || Geometry.inPolygon(u, v, head);
    }
  },
  /** A house: a square body under a roof. */
  HOUSE {
    private final double[] roof = {0.5, 0.0, 1.0, 0.5, 0.0, 0.5};

    @Override
    boolean inside(double u, double v) {
      return Geometry.inRect(u, v, 0.15, 0.45, 0.85, 1.0) || Geometry.inPolygon(u, v, roof);
    }
  },
  /** A tree: a narrow crown on a trunk. */
  TREE {
    private final double[] crown = {0.5, 0.0, 0.92, 0.72, 0.08, 0.72};

    @Override
    boolean inside(double u, double v) {
      return Geometry.inPolygon(u, v, crown) || Geometry.inRect(u, v, 0.38, 0.7, 0.62, 1.0);
    }
  };

  abstract boolean inside(double u, double v);

  /** The object's word: the lowercase constant name. */
  public String word() {
    return name().toLowerCase(Locale.ROOT);
  }

  @Override
  public boolean[] rasterise(int size) {
    if (size <= 0) {
      throw new IllegalArgumentException("sprite size must be positive, got " + size);
    }
    boolean[] mask = new boolean[size * size];
    for (int y = 0; y < size; y++) {
      double v = (y + 0.5) / size;
      for (int x = 0; x < size; x++) {
        mask[y * size + x] = inside((x + 0.5) / size, v);
      }
    }
    return mask;
  }
}
