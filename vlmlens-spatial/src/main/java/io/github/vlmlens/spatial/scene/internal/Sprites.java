package io.github.vlmlens.spatial.scene.internal;

/** Painting masks onto packed RGB canvases. */
public final class Sprites {
  private Sprites() {}

  /**
   * Paints {@code rgb} where the {@code size x size} mask is set, its top-left corner at
   * {@code (x, y)}; the mask is mirrored left-right and/or top-bottom first when asked. The sprite
   * must lie inside the canvas.
   */
  public static void paint(
      int[] canvas, int canvasWidth, boolean[] mask, int size, int x, int y, int rgb,
      boolean flipX, boolean flipY) {
    for (int my = 0; my < size; my++) {
      int sy = flipY ? size - 1 - my : my;
      int row = (y + my) * canvasWidth + x;
      for (int mx = 0; mx < size; mx++) {
        int sx = flipX ? size - 1 - mx : mx;
        if (mask[sy * size + sx]) {
          canvas[row + mx] = rgb;
        }
      }
    }
  }
}
