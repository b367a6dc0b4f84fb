package io.github.vlmlens.spatial.real;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.vlmlens.core.API;
import io.github.vlmlens.core.RgbImage;
import io.github.vlmlens.spatial.scene.ObjectLibrary;
import io.github.vlmlens.spatial.scene.SceneObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * A COCO-format data set the project makes itself, with known answers, for tests and demos:
 * synthetic "photographs" (a dark textured background with two built-in objects at free
 * positions and sizes) written as COCO JSON ({@value #INSTANCES}: images, annotations with tight
 * {@code [x, y, width, height]} boxes, categories), What'sUp two-object rows ({@value #ROWS}:
 * {@code [image id, true caption, false caption]}), the same samples as a manifest
 * ({@value #MANIFEST}), and a depth manifest ({@value #DEPTH}) whose subject is in front (drawn
 * lower, larger and over the other) or behind.
 *
 * <p>Images alternate between left/right and above/below pairs; the two centres are at least one
 * object size apart along the axis asked. Every choice flows from the seed. Nothing is downloaded.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1.0")
public final class SyntheticCoco {
  /** The COCO instances file name. */
  public static final String INSTANCES = "instances.json";
  /** The What'sUp rows file name. */
  public static final String ROWS = "rows.json";
  /** The manifest of the same samples. */
  public static final String MANIFEST = "manifest.json";
  /** The depth manifest. */
  public static final String DEPTH = "depth.json";
  /** The images folder. */
  public static final String IMAGES = "images";

  private SyntheticCoco() {}

  /**
   * The files of a written data set.
   *
   * @param root the folder
   * @param rows the What'sUp rows
   * @param instances the COCO instances file
   * @param images the images folder
   * @param manifest the manifest of the same samples
   * @param depth the depth manifest
   * @param count the number of two-object images (and of depth images)
   */
  public record Written(Path root, Path rows, Path instances, Path images, Path manifest, Path depth, int count) {}

  /** {@code count} images of 128 x 128 pixels. */
  public static Written write(Path dir, int count, long seed) {
    return write(dir, count, seed, 128, 128);
  }

  /**
   * Writes {@code count} two-object images and {@code count} depth images of
   * {@code width x height} pixels into {@code dir}.
   *
   * @throws IllegalArgumentException for a count below 1 or images smaller than 48 px
   * @throws UncheckedIOException when a file cannot be written
   */
  public static Written write(Path dir, int count, long seed, int width, int height) {
    if (count < 1 || width < 48 || height < 48) {
      throw new IllegalArgumentException("need count >= 1 and images of at least 48 x 48, got " + count + ", " + width + " x " + height);
    }
    ObjectMapper json = new ObjectMapper();
    List<SceneObject> objects = ObjectLibrary.builtIn().objects();
    ObjectNode inst = json.createObjectNode();
    ArrayNode images = inst.putArray("images");
    ArrayNode annotations = inst.putArray("annotations");
    ArrayNode categories = inst.putArray("categories");
    for (int c = 0; c < objects.size(); c++) {
      categories.addObject().put("id", c + 1).put("name", objects.get(c).name()).put("supercategory", "shape");
    }
    ArrayNode rows = json.createArrayNode();
    ArrayNode manifest = json.createArrayNode();
    ArrayNode depth = json.createArrayNode();
    try {
      Files.createDirectories(dir.resolve(IMAGES));
      int annId = 1;
      for (int i = 0; i < count; i++) {
        Random r = new Random(seed * 1_000_003L + i);
        int si = r.nextInt(objects.size());
        int oi = (si + 1 + r.nextInt(objects.size() - 1)) % objects.size();
        SceneObject s = objects.get(si);
        SceneObject o = objects.get(oi);
        boolean horizontal = i % 2 == 0;
        int lo = Math.max(8, Math.min(width, height) / 6);
        int hi = Math.max(lo + 1, Math.min(width, height) / 4);
        int sSize = lo + r.nextInt(hi - lo);
        int oSize = lo + r.nextInt(hi - lo);
        int[] sxy;
        int[] oxy;
        while (true) {
          sxy = new int[] {r.nextInt(width - sSize + 1), r.nextInt(height - sSize + 1)};
          oxy = new int[] {r.nextInt(width - oSize + 1), r.nextInt(height - oSize + 1)};
          double dx = (sxy[0] + sSize / 2.0) - (oxy[0] + oSize / 2.0);
          double dy = (sxy[1] + sSize / 2.0) - (oxy[1] + oSize / 2.0);
          double gap = Math.max(sSize, oSize);
          boolean apart = horizontal ? Math.abs(dx) >= gap : Math.abs(dy) >= gap;
          ObjectBox a = new ObjectBox(sxy[0], sxy[1], sSize, sSize);
          ObjectBox b = new ObjectBox(oxy[0], oxy[1], oSize, oSize);
          if (apart && !a.overlaps(b)) {
            break;
          }
        }
        int[] px = background(width, height, r);
        ObjectBox sb = draw(px, width, s, sSize, sxy[0], sxy[1]);
        ObjectBox ob = draw(px, width, o, oSize, oxy[0], oxy[1]);
        Relation rel = horizontal
            ? (sb.centerX() < ob.centerX() ? Relation.LEFT : Relation.RIGHT)
            : (sb.centerY() < ob.centerY() ? Relation.ABOVE : Relation.BELOW);
        long id = i + 1;
        String file = String.format(Locale.ROOT, "%012d.png", id);
        RgbImage.of(width, height, px).writePng(dir.resolve(IMAGES).resolve(file));
        images.addObject().put("id", id).put("file_name", file).put("width", width).put("height", height);
        annotations.add(annotation(json, annId++, id, si + 1, sb));
        annotations.add(annotation(json, annId++, id, oi + 1, ob));
        rows.addArray().add(id).add(caption(s.name(), rel, o.name())).add(caption(s.name(), rel.opposite(), o.name()));
        ObjectNode m = manifest.addObject();
        m.put("id", String.format(Locale.ROOT, "synthetic-%04d", i)).put("image", IMAGES + "/" + file)
            .put("question", rel.axis().question(s.name(), o.name())).put("answer", rel.word());
        box(m.putArray("subject_box"), sb);
        box(m.putArray("object_box"), ob);

        // Depth: the front object is lower, larger and drawn over the other.
        boolean subjectFront = r.nextBoolean();
        int back = lo + r.nextInt(Math.max(1, hi - lo));
        int front = Math.min(Math.min(width, height) / 2, (int) Math.round(back * 1.4));
        int bx = r.nextInt(width - back + 1);
        int by = r.nextInt(Math.max(1, height / 2 - back + 1));
        int fx = Math.max(0, Math.min(width - front, bx + (r.nextBoolean() ? 1 : -1) * (back / 2 + r.nextInt(back))));
        int fy = Math.min(height - front, by + back / 2 + r.nextInt(Math.max(1, height / 4)));
        int[] dpx = background(width, height, r);
        SceneObject backObj = subjectFront ? o : s;
        SceneObject frontObj = subjectFront ? s : o;
        ObjectBox backBox = draw(dpx, width, backObj, back, bx, by);
        ObjectBox frontBox = draw(dpx, width, frontObj, front, fx, fy);
        String dfile = String.format(Locale.ROOT, "depth-%04d.png", i);
        RgbImage.of(width, height, dpx).writePng(dir.resolve(IMAGES).resolve(dfile));
        ObjectNode d = depth.addObject();
        Relation drel = subjectFront ? Relation.FRONT : Relation.BEHIND;
        d.put("id", String.format(Locale.ROOT, "depth-%04d", i)).put("image", IMAGES + "/" + dfile)
            .put("subject", s.name()).put("object", o.name()).put("answer", drel.word());
        box(d.putArray("subject_box"), subjectFront ? frontBox : backBox);
        box(d.putArray("object_box"), subjectFront ? backBox : frontBox);
      }
      var pretty = json.writerWithDefaultPrettyPrinter();
      pretty.writeValue(dir.resolve(INSTANCES).toFile(), inst);
      pretty.writeValue(dir.resolve(ROWS).toFile(), rows);
      pretty.writeValue(dir.resolve(MANIFEST).toFile(), manifest);
      pretty.writeValue(dir.resolve(DEPTH).toFile(), depth);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the synthetic COCO data set to " + dir, e);
    }
    return new Written(dir, dir.resolve(ROWS), dir.resolve(INSTANCES), dir.resolve(IMAGES), dir.resolve(MANIFEST),
        dir.resolve(DEPTH), count);
  }

  /** "A ball to the left of a tree", "A ball above a tree". */
  static String caption(String s, Relation r, String o) {
    String rel = switch (r) {
      case LEFT -> "to the left of";
      case RIGHT -> "to the right of";
      case ABOVE -> "above";
      case BELOW -> "below";
      case FRONT -> "in front of";
      case BEHIND -> "behind";
    };
    return "A " + s + " " + rel + " a " + o;
  }

  private static ObjectNode annotation(ObjectMapper json, int id, long image, int category, ObjectBox b) {
    ObjectNode a = json.createObjectNode();
    a.put("id", id).put("image_id", image).put("category_id", category).put("area", b.area()).put("iscrowd", 0);
    box(a.putArray("bbox"), b);
    return a;
  }

  private static void box(ArrayNode a, ObjectBox b) {
    a.add(b.x()).add(b.y()).add(b.width()).add(b.height());
  }

  /** A dark vertical gradient with per-pixel noise, slightly tinted. */
  private static int[] background(int w, int h, Random r) {
    int[] px = new int[w * h];
    int tint = r.nextInt(3);
    for (int y = 0; y < h; y++) {
      int base = 10 + 30 * y / h;
      for (int x = 0; x < w; x++) {
        int v = Math.max(0, Math.min(255, base + r.nextInt(13) - 6));
        int rr = v + (tint == 0 ? 6 : 0);
        int gg = v + (tint == 1 ? 6 : 0);
        int bb = v + (tint == 2 ? 6 : 0);
        px[y * w + x] = (rr << 16) | (gg << 8) | bb;
      }
    }
    return px;
  }

  /** Draws an object's mask in its default colour; returns its tight box. */
  private static ObjectBox draw(int[] px, int w, SceneObject obj, int size, int x0, int y0) {
    boolean[] mask = obj.mask(size);
    int rgb = obj.defaultColor().rgb();
    int minX = Integer.MAX_VALUE;
    int minY = Integer.MAX_VALUE;
    int maxX = -1;
    int maxY = -1;
    int h = px.length / w;
    for (int y = 0; y < size; y++) {
      for (int x = 0; x < size; x++) {
        int X = x0 + x;
        int Y = y0 + y;
        if (mask[y * size + x] && X >= 0 && Y >= 0 && X < w && Y < h) {
          px[Y * w + X] = rgb;
          minX = Math.min(minX, X);
          minY = Math.min(minY, Y);
          maxX = Math.max(maxX, X);
          maxY = Math.max(maxY, Y);
        }
      }
    }
    if (maxX < 0) {
      return new ObjectBox(x0, y0, size, size);
    }
    return new ObjectBox(minX, minY, maxX - minX + 1, maxY - minY + 1);
  }
}
