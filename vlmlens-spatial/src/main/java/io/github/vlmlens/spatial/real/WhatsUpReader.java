package io.github.vlmlens.spatial.real;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;

/** Reads What'sUp two-object rows with boxes from a COCO instances file. */
final class WhatsUpReader {
  private WhatsUpReader() {}

  private record Image(long id, String fileName) {}

  private record Box(long category, ObjectBox box, boolean crowd) {}

  /** See {@link io.github.vlmlens.spatial.real.RealDatasets#cocoSpatial}. */
  public static RealDataset read(Path rowsFile, Path instancesFile, Path imagesDir, boolean skip) {
    JsonNode rows = JsonFiles.read(rowsFile, "COCO-Spatial rows");
    JsonNode inst = JsonFiles.read(instancesFile, "COCO instances file");
    if (!rows.isArray()) {
      throw new IllegalArgumentException("COCO-Spatial rows " + rowsFile + " must be a JSON array of rows");
    }
    for (String key : List.of("images", "annotations", "categories")) {
      if (!inst.path(key).isArray()) {
        throw new IllegalArgumentException(
            "COCO instances file " + instancesFile + " has no '" + key + "' array; is it a COCO detection file?");
      }
    }
    Map<Long, Image> images = new LinkedHashMap<>();
    Map<String, Image> byFile = new HashMap<>();
    for (JsonNode i : inst.get("images")) {
      Image im = new Image(i.path("id").asLong(), i.path("file_name").asText(String.format(Locale.ROOT, "%012d.jpg", i.path("id").asLong())));
      images.put(im.id(), im);
      byFile.put(im.fileName(), im);
    }
    Map<String, Long> categories = new HashMap<>();
    Map<Long, String> categoryNames = new HashMap<>();
    for (JsonNode c : inst.get("categories")) {
      categories.put(c.path("name").asText().toLowerCase(Locale.ROOT), c.path("id").asLong());
      categoryNames.put(c.path("id").asLong(), c.path("name").asText());
    }
    Map<Long, List<Box>> boxes = new HashMap<>();
    for (JsonNode a : inst.get("annotations")) {
      JsonNode bb = a.path("bbox");
      if (!bb.isArray() || bb.size() != 4 || !(bb.get(2).asDouble() > 0) || !(bb.get(3).asDouble() > 0)) {
        continue; // degenerate boxes are not usable boxes
      }
      ObjectBox box = new ObjectBox(bb.get(0).asDouble(), bb.get(1).asDouble(), bb.get(2).asDouble(), bb.get(3).asDouble());
      boxes.computeIfAbsent(a.path("image_id").asLong(), k -> new ArrayList<>())
          .add(new Box(a.path("category_id").asLong(), box, a.path("iscrowd").asInt(0) == 1));
    }
    JsonFiles.Problems problems = new JsonFiles.Problems(skip, rowsFile.toString());
    List<RealSample> out = new ArrayList<>();
    for (int r = 0; r < rows.size(); r++) {
      String where = "row " + r;
      try {
        JsonNode row = rows.get(r);
        JsonNode imageNode;
        String trueCaption;
        String falseCaption;
        if (row.isArray()) {
          if (row.size() < 3) {
            throw new IllegalArgumentException("expected [image, true caption, false caption], got " + row);
          }
          imageNode = row.get(0);
          trueCaption = row.get(1).asText();
          falseCaption = row.get(2).asText();
        } else if (row.isObject()) {
          imageNode = first(row, "image", "image_id", "file_name");
          trueCaption = text(first(row, "true_caption", "caption_true", "true"));
          falseCaption = text(first(row, "false_caption", "caption_false", "false"));
          if (imageNode == null || trueCaption == null || falseCaption == null) {
            throw new IllegalArgumentException(
                "a row object needs image (or image_id/file_name), true_caption and false_caption, got " + row);
          }
        } else {
          throw new IllegalArgumentException("a row is an array or an object, got " + row);
        }
        Image image = image(imageNode, images, byFile, instancesFile);
        Captions.Parsed t = Captions.caption(trueCaption);
        Captions.Parsed f = Captions.caption(falseCaption);
        if (!t.subject().equals(f.subject()) || !t.object().equals(f.object()) || f.relation() != t.relation().opposite()) {
          throw new IllegalArgumentException(
              "the false caption \"" + falseCaption + "\" is not the true caption \"" + trueCaption
                  + "\" with the opposite relation");
        }
        List<Box> here = boxes.getOrDefault(image.id(), List.of());
        ObjectBox sb = box(t.subject(), image, here, categories, categoryNames);
        ObjectBox ob = box(t.object(), image, here, categories, categoryNames);
        Path file = imagesDir.resolve(image.fileName());
        if (!Files.isRegularFile(file)) {
          throw new IllegalArgumentException("image file " + file + " of image id " + image.id() + " does not exist");
        }
        String id = String.format(Locale.ROOT, "coco-%d-%04d", image.id(), r);
        out.add(RealSample.of(id, file, t.subject(), t.object(), t.relation(), sb, ob, rowsFile.getFileName() + " " + where));
      } catch (IllegalArgumentException e) {
        problems.add(where + ": " + e.getMessage());
      }
    }
    return new RealDataset(out, problems.list());
  }

  private static JsonNode first(JsonNode row, String... keys) {
    for (String k : keys) {
      if (row.has(k) && !row.get(k).isNull()) {
        return row.get(k);
      }
    }
    return null;
  }

  private static String text(JsonNode n) {
    return n == null ? null : n.asText();
  }

  private static Image image(JsonNode node, Map<Long, Image> images, Map<String, Image> byFile, Path instancesFile) {
    Image im = null;
    if (node.isNumber()) {
      im = images.get(node.asLong());
    } else {
      String s = node.asText();
      String name = Path.of(s).getFileName().toString();
      im = byFile.get(name);
      if (im == null && name.matches("\\d+(\\.\\w+)?")) {
        im = images.get(Long.parseLong(name.replaceAll("\\..*", "")));
      }
    }
    if (im == null) {
      throw new IllegalArgumentException(
          "image " + node + " is not in the COCO instances file " + instancesFile + " (" + images.size() + " images)");
    }
    return im;
  }

  private static ObjectBox box(
      String name, Image image, List<Box> here, Map<String, Long> categories, Map<Long, String> categoryNames) {
    Long cat = categories.get(name);
    if (cat == null) {
      throw new IllegalArgumentException(
          "'" + name + "' is not a category of the COCO instances file (categories: "
              + new TreeSet<>(categories.keySet()) + ")");
    }
    ObjectBox best = null;
    for (Box b : here) {
      if (b.category() == cat && !b.crowd() && (best == null || b.box().area() > best.area())) {
        best = b.box();
      }
    }
    if (best == null) {
      TreeSet<String> present = new TreeSet<>();
      for (Box b : here) {
        present.add(categoryNames.get(b.category()));
      }
      throw new IllegalArgumentException(
          "no '" + name + "' box in image " + image.id() + " (boxes there: " + present + ")");
    }
    return best;
  }
}
