package io.github.vlmlens.spatial.scene;

import io.github.vlmlens.core.API;
import io.github.vlmlens.spatial.scene.internal.AlphaMask;
import io.github.vlmlens.spatial.scene.internal.BuiltInShape;
import io.github.vlmlens.spatial.scene.internal.MaskSource;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;

/**
 * A kind of object that scenes can hold: a single-word lowercase name (the word the questions
 * use), a default {@link PaletteColor} and a shape, rasterised to a square binary mask at any size.
 *
 * <p>The built-in objects ({@link ObjectLibrary#builtIn()}) are drawn procedurally by exact
 * per-pixel shape tests. Users can add their own from an image with an alpha channel
 * ({@link #fromPng}); the alpha channel is the mask and the object is painted in a palette colour.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1.0")
public final class SceneObject {
  private static final Pattern WORD = Pattern.compile("[a-z]+");

  private final String name;
  private final PaletteColor defaultColor;
  private final MaskSource shape;
  private final ConcurrentHashMap<Integer, boolean[]> masks;

  private SceneObject(
      String name, PaletteColor defaultColor, MaskSource shape,
      ConcurrentHashMap<Integer, boolean[]> masks) {
    this.name = name;
    this.defaultColor = defaultColor;
    this.shape = shape;
    this.masks = masks;
  }

  static SceneObject builtIn(BuiltInShape shape, PaletteColor defaultColor) {
    return new SceneObject(shape.word(), defaultColor, shape, new ConcurrentHashMap<>());
  }

  /**
   * An object whose mask is the alpha channel of {@code image} (cropped to its non-transparent
   * pixels, scaled to the object size keeping its aspect ratio by exact area sampling; a pixel is
   * covered when the mean alpha under it is at least half).
   *
   * @throws IllegalArgumentException when the name is not a single lowercase word, is a word the
   *     questions already use, or the image has no alpha channel or is fully transparent
   */
  public static SceneObject fromImage(String name, BufferedImage image, PaletteColor defaultColor) {
    checkName(name);
    Objects.requireNonNull(image, "image");
    Objects.requireNonNull(defaultColor, "defaultColor");
    if (!image.getColorModel().hasAlpha()) {
      throw new IllegalArgumentException(
          "the image for object '" + name + "' has no alpha channel; its alpha is the object's mask");
    }
    int w = image.getWidth();
    int h = image.getHeight();
    int[] argb = image.getRGB(0, 0, w, h, null, 0, w);
    int[] alpha = new int[argb.length];
    for (int i = 0; i < argb.length; i++) {
      alpha[i] = argb[i] >>> 24;
    }
    AlphaMask mask;
    try {
      mask = AlphaMask.of(w, h, alpha);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "the image for object '" + name + "' is empty: " + e.getMessage(), e);
    }
    return new SceneObject(name, defaultColor, mask, new ConcurrentHashMap<>());
  }

  /**
   * An object from a PNG (or other {@link ImageIO}-readable image) with an alpha channel; see
   * {@link #fromImage}.
   *
   * @throws IOException naming the file when it cannot be read or is not an image
   * @throws IllegalArgumentException naming the file when the name or the image is unusable
   */
  public static SceneObject fromPng(String name, Path png, PaletteColor defaultColor)
      throws IOException {
    Objects.requireNonNull(png, "png");
    BufferedImage img;
    try (InputStream in = Files.newInputStream(png)) {
      img = ImageIO.read(in);
    }
    if (img == null) {
      throw new IOException(png + " is not an image format that javax.imageio can read");
    }
    try {
      return fromImage(name, img, defaultColor);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(png + ": " + e.getMessage(), e);
    }
  }

  private static void checkName(String name) {
    Objects.requireNonNull(name, "name");
    if (!WORD.matcher(name).matches()) {
      throw new IllegalArgumentException(
          "object name '" + name + "' must be a single lowercase word of letters a-z");
    }
    if (SpatialQuestion.RESERVED_WORDS.contains(name)) {
      throw new IllegalArgumentException(
          "object name '" + name + "' is a word the questions or answers already use; reserved: "
              + SpatialQuestion.RESERVED_WORDS);
    }
  }

  /** The object's word, a single lowercase word. */
  public String name() {
    return name;
  }

  /** The colour scenes paint it in unless told otherwise. */
  public PaletteColor defaultColor() {
    return defaultColor;
  }

  /** The same shape and name with another default colour. */
  public SceneObject withDefaultColor(PaletteColor color) {
    Objects.requireNonNull(color, "color");
    return color == defaultColor ? this : new SceneObject(name, color, shape, masks);
  }

  /** Whether this is one of the procedurally drawn built-in objects. */
  public boolean isBuiltIn() {
    return shape instanceof BuiltInShape;
  }

  /**
   * The object's mask at {@code sizePx x sizePx}, row-major: {@code true} where it covers the
   * pixel. A fresh copy on each call.
   *
   * @throws IllegalArgumentException when the size is not positive
   */
  public boolean[] mask(int sizePx) {
    return maskShared(sizePx).clone();
  }

  boolean[] maskShared(int sizePx) {
    if (sizePx <= 0) {
      throw new IllegalArgumentException(
          "object '" + name + "' needs a positive size, got " + sizePx + " px");
    }
    return masks.computeIfAbsent(sizePx, shape::rasterise);
  }

  /** Equal when name, default colour and shape are equal. */
  @Override
  public boolean equals(Object o) {
    return o instanceof SceneObject
        && ((SceneObject) o).name.equals(name)
        && ((SceneObject) o).defaultColor == defaultColor
        && ((SceneObject) o).shape.equals(shape);
  }

  @Override
  public int hashCode() {
    return Objects.hash(name, defaultColor, shape);
  }

  /** The object's name. */
  @Override
  public String toString() {
    return name;
  }
}
