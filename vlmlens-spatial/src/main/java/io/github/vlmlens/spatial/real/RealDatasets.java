package io.github.vlmlens.spatial.real;

import io.github.vlmlens.core.API;
import java.nio.file.Path;

/**
 * Readers of real-image data sets from paths the user gives; nothing is downloaded.
 *
 * <h2>COCO-Spatial (What'sUp two-object rows over COCO val2017)</h2>
 *
 * <p>The rows file is a JSON array; each row is {@code [image, trueCaption, falseCaption]} (the
 * What'sUp {@code coco_qa_two_obj.json} form) or an object with {@code image} (or
 * {@code image_id}, {@code file_name}), {@code true_caption} and {@code false_caption}. The image
 * is a COCO image id (a number) or a file name. Captions read "A {subject} [is] RELATION a
 * {object}" with RELATION one of "to the left of", "to the right of", "left of", "right of",
 * "above", "below", "under", "in front of", "behind"; the false caption must state the opposite
 * relation of the same two objects. The boxes come from COCO's {@code instances} file
 * ({@code images}, {@code annotations} with {@code bbox = [x, y, width, height]},
 * {@code categories}): the largest non-crowd box of the category named like the object; the
 * image file is the {@code file_name} of the image's entry under the images folder.
 *
 * <h2>A manifest of user images</h2>
 *
 * <p>A JSON array (or an object with a {@code samples} array) of objects: {@code image} (a path
 * relative to the manifest's folder), {@code answer} (left, right, above, below, front, behind),
 * and either {@code question} in one of the standard forms ("Is the {S} to the left or right of
 * the {O}?", "... above or below ...", "... in front of or behind ...") or {@code subject} and
 * {@code object} (then a given question is used as written); optional {@code subject_box} and
 * {@code object_box} as {@code [x, y, width, height]}; optional {@code id}.
 *
 * <p>Errors name the file and row: malformed JSON, an unknown image id, an object without a box,
 * a relation the tool cannot phrase, a missing image file. With {@code skipUnusable} such rows
 * (but not malformed JSON) are skipped and listed in {@link RealDataset#skipped()} instead.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1.0")
public final class RealDatasets {
  private RealDatasets() {}

  /**
   * COCO-Spatial rows with boxes from a COCO instances file.
   *
   * @param rows the What'sUp rows (JSON)
   * @param instances COCO's {@code instances_val2017.json} (or any COCO detection file)
   * @param images the folder holding the images
   * @param skipUnusable skip unusable rows (listing them) instead of failing on the first ones
   * @throws IllegalArgumentException naming the file, row and problem
   * @throws java.io.UncheckedIOException when a file cannot be read
   */
  public static RealDataset cocoSpatial(Path rows, Path instances, Path images, boolean skipUnusable) {
    return WhatsUpReader.read(rows, instances, images, skipUnusable);
  }

  /**
   * A manifest of user images.
   *
   * @throws IllegalArgumentException naming the file, row and problem
   * @throws java.io.UncheckedIOException when the file cannot be read
   */
  public static RealDataset manifest(Path manifest, boolean skipUnusable) {
    return ManifestReader.read(manifest, skipUnusable);
  }
}
