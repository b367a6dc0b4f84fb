package io.github.vlmlens.spatial.scene;

import io.github.vlmlens.core.API;
import java.util.Locale;
import java.util.Optional;

/**
 * The six fully saturated, hue-separated colours that objects are painted in, 60 degrees apart.
 *
 * <p>A hue rotation by 180 degrees maps each colour to its partner exactly (red and cyan, yellow
 * and blue, green and magenta), both here ({@link #rotate}) and on pixels
 * ({@link ImageTransforms#rotateHue}).
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1.0")
public enum PaletteColor {
  /** Hue 0, {@code 0xFF0000}. */
  RED(0, 0xFF0000),
  /** Hue 60, {@code 0xFFFF00}. */
  YELLOW(60, 0xFFFF00),
  /** Hue 120, {@code 0x00FF00}. */
  GREEN(120, 0x00FF00),
  /** Hue 180, {@code 0x00FFFF}. */
  CYAN(180, 0x00FFFF),
  /** Hue 240, {@code 0x0000FF}. */
  BLUE(240, 0x0000FF),
  /** Hue 300, {@code 0xFF00FF}. */
  MAGENTA(300, 0xFF00FF);

  private final int hue;
  private final int rgb;

  PaletteColor(int hue, int rgb) {
    this.hue = hue;
    this.rgb = rgb;
  }

  /** The colour's word, lowercase ({@code "red"}); also its answer word in colour questions. */
  public String word() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The hue in degrees: 0, 60, ..., 300. */
  public int hueDegrees() {
    return hue;
  }

  /** The packed {@code 0xRRGGBB} value. */
  public int rgb() {
    return rgb;
  }

  /**
   * The colour whose hue is this one's plus {@code degrees}.
   *
   * @throws IllegalArgumentException when {@code degrees} is not a multiple of 60
   */
  public PaletteColor rotate(int degrees) {
    if (degrees % 60 != 0) {
      throw new IllegalArgumentException(
          "palette colours are 60 degrees apart; cannot rotate " + this + " by " + degrees);
    }
    return ofHue(hue + degrees);
  }

  /** The colour 180 degrees away. */
  public PaletteColor complement() {
    return rotate(180);
  }

  /**
   * The colour with hue {@code degrees} (taken modulo 360).
   *
   * @throws IllegalArgumentException when the hue is not a multiple of 60
   */
  public static PaletteColor ofHue(int degrees) {
    int h = Math.floorMod(degrees, 360);
    if (h % 60 != 0) {
      throw new IllegalArgumentException("no palette colour has hue " + degrees);
    }
    return values()[h / 60];
  }

  /** The colour named by {@code word} (case-insensitive), if any. */
  public static Optional<PaletteColor> ofWord(String word) {
    for (PaletteColor c : values()) {
      if (c.word().equalsIgnoreCase(word.trim())) {
        return Optional.of(c);
      }
    }
    return Optional.empty();
  }
}
