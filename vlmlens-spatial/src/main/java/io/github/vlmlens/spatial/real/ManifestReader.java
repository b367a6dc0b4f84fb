package io.github.vlmlens.spatial.real;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/** Reads a manifest of user images. */
final class ManifestReader {
  private ManifestReader() {}

  /** See {@link io.github.vlmlens.spatial.real.RealDatasets#manifest}. */
  public static RealDataset read(Path manifest, boolean skip) {
    JsonNode root = JsonFiles.read(manifest, "manifest");
    JsonNode rows = root.isObject() ? root.path("samples") : root;
    if (!rows.isArray()) {
      throw new IllegalArgumentException(
          "manifest " + manifest + " must be a JSON array of samples or an object with a 'samples' array");
    }
    Path dir = manifest.toAbsolutePath().getParent();
    JsonFiles.Problems problems = new JsonFiles.Problems(skip, manifest.toString());
    List<RealSample> out = new ArrayList<>();
    Set<String> ids = new HashSet<>();
    for (int r = 0; r < rows.size(); r++) {
      String where = "sample " + r;
      try {
        JsonNode row = rows.get(r);
        if (!row.isObject()) {
          throw new IllegalArgumentException("a sample is a JSON object, got " + row);
        }
        String imageName = required(row, "image");
        String answer = required(row, "answer");
        Relation relation = Relation.ofWord(answer).orElseThrow(() -> new IllegalArgumentException(
            "answer '" + answer + "' is not one of left, right, above, below, front, behind"));
        String question = row.hasNonNull("question") ? row.get("question").asText() : null;
        String subject = row.hasNonNull("subject") ? row.get("subject").asText().strip() : null;
        String object = row.hasNonNull("object") ? row.get("object").asText().strip() : null;
        if (subject == null || object == null) {
          if (question == null) {
            throw new IllegalArgumentException("a sample needs a question, or a subject and an object");
          }
          String[] so = Captions.question(question, relation.axis());
          if (so == null) {
            throw new IllegalArgumentException(
                "cannot read the subject and object of \"" + question + "\" for the answer '" + answer
                    + "': ask \"" + relation.axis().question("{subject}", "{object}")
                    + "\" or give subject and object");
          }
          subject = so[0];
          object = so[1];
        }
        if (question != null) {
          String q = question.toLowerCase(Locale.ROOT);
          for (String w : List.of(lastWord(subject), lastWord(object))) {
            if (!q.matches("(?s).*\\b" + java.util.regex.Pattern.quote(w.toLowerCase(Locale.ROOT)) + "\\b.*")) {
              throw new IllegalArgumentException("the question \"" + question + "\" does not contain the object word '" + w + "'");
            }
          }
        }
        ObjectBox sb = box(row, "subject_box");
        ObjectBox ob = box(row, "object_box");
        Path file = dir.resolve(imageName);
        if (!Files.isRegularFile(file)) {
          throw new IllegalArgumentException("image file " + file + " does not exist");
        }
        String id = row.hasNonNull("id") ? row.get("id").asText() : String.format(Locale.ROOT, "manifest-%04d", r);
        if (!ids.add(id)) {
          throw new IllegalArgumentException("id '" + id + "' is used twice");
        }
        out.add(new RealSample(id, file, subject, object, relation, question, sb, ob, manifest.getFileName() + " " + where));
      } catch (IllegalArgumentException e) {
        problems.add(where + ": " + e.getMessage());
      }
    }
    return new RealDataset(out, problems.list());
  }

  private static String lastWord(String name) {
    String[] w = name.strip().split("\\s+");
    return w[w.length - 1];
  }

  private static String required(JsonNode row, String key) {
    if (!row.hasNonNull(key) || row.get(key).asText().isBlank()) {
      throw new IllegalArgumentException("missing '" + key + "'");
    }
    return row.get(key).asText();
  }

  private static ObjectBox box(JsonNode row, String key) {
    if (!row.hasNonNull(key)) {
      return null;
    }
    JsonNode b = row.get(key);
    if (!b.isArray() || b.size() != 4) {
      throw new IllegalArgumentException("'" + key + "' must be [x, y, width, height], got " + b);
    }
    return new ObjectBox(b.get(0).asDouble(), b.get(1).asDouble(), b.get(2).asDouble(), b.get(3).asDouble());
  }
}
