package io.github.vlmlens.spatial.scene;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.github.vlmlens.core.RgbImage;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ScenePreviewTest {
  @TempDir Path dir;

  @Test
  void contactSheetLaysOutScaledTilesWithGaps() throws Exception {
    RgbImage red = RgbImage.of(2, 2, new int[] {0xFF0000, 0xFF0000, 0xFF0000, 0x00FF00});
    RgbImage blue = RgbImage.of(1, 1, new int[] {0x0000FF});
    RgbImage sheet = ScenePreview.contactSheet(List.of(red, blue, red), 2, 3);
    // Tiles of 6 x 6 (2 px scaled 3 times), 2 columns, 2 rows, 2 px gaps around and between.
    assertEquals(2 * 6 + 3 * 2, sheet.width());
    assertEquals(2 * 6 + 3 * 2, sheet.height());
    assertEquals(0x606060, sheet.rgb(0, 0));
    assertEquals(0xFF0000, sheet.rgb(2, 2));
    assertEquals(0x00FF00, sheet.rgb(2 + 5, 2 + 5)); // scaled pixel (1, 1)
    assertEquals(0x0000FF, sheet.rgb(10 + 2, 2 + 2)); // second tile
    assertEquals(0, sheet.rgb(10 + 4, 2 + 4)); // outside the 1 px image: black
    assertEquals(0xFF0000, sheet.rgb(2, 10)); // third tile, second row
    Path file = dir.resolve("sheet.png");
    ScenePreview.writeContactSheet(file, List.of(red, blue, red), 2, 3);
    assertEquals(sheet, RgbImage.read(file));
    assertThrows(IllegalArgumentException.class, () -> ScenePreview.contactSheet(List.of(), 2, 1));
    assertThrows(IllegalArgumentException.class, () -> ScenePreview.contactSheet(List.of(red), 0, 1));
  }
}
