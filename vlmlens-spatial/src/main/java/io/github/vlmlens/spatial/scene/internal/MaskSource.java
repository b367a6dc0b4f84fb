package io.github.vlmlens.spatial.scene.internal;

/** Something that rasterises to a square binary mask, deterministically. */
public interface MaskSource {

  /**
   * The mask at {@code size x size} pixels, row-major, {@code true} where the object covers the
   * pixel. The returned array is fresh and may be modified by the caller.
   */
  boolean[] rasterise(int size);
}
