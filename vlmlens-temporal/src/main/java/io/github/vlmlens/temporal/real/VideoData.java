package io.github.vlmlens.temporal.real;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.vlmlens.core.API;
import io.github.vlmlens.core.HookedVlm;
import io.github.vlmlens.core.RgbImage;
import io.github.vlmlens.temporal.video.VideoFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Reads user videos with order questions, in two forms.
 *
 * <p><b>Manifest</b> (MVBench-style JSON): an array of entries, or an object whose
 * {@code "samples"} is that array. An entry is an object with
 *
 * <ul>
 *   <li>{@code "video"}: the video file, relative to the video root (by default the manifest's
 *       folder; MVBench keeps each task's videos under its own prefix, given with
 *       {@code --video-root}) or absolute;
 *   <li>{@code "question"}: the question, e.g. "Does the dog appear before or after the cat?";
 *   <li>{@code "candidates"} (MVBench's key; {@code "options"} is read too): the candidate answers,
 *       each a single token of the model (checked against it by {@link #checkTokens});
 *   <li>{@code "answer"}: the true answer, one of the candidates, as in MVBench's files;
 *   <li>optional {@code "objects"}: the question's two object words, first-named first; without
 *       it they are read from a question of the form "Does/Did the {o1} appear/occur/happen/come
 *       before or after the {o2}?" (scene names in quotes work too), the last word of each phrase;
 *   <li>optional {@code "reversed_answer"}: the answer on the reversed video, one of the
 *       candidates. Needed where the answer is not an order word: reversing the frames turns
 *       {@code before} into {@code after}, {@code earlier} into {@code later} and {@code first}
 *       into {@code last} (and back, in any letter case, the partner spelled as in the
 *       candidates), but says nothing about other answers; entries whose answer is no order word
 *       and that give no {@code reversed_answer} are refused;
 *   <li>optional {@code "id"} (default {@code video-0000}, {@code video-0001}, ... by position).
 * </ul>
 *
 * Other keys (MVBench's {@code "accurate_start"}, {@code "subtitle"}, ...) are ignored.
 *
 * <p><b>Folder</b>: every {@code .mp4} and {@code .mov} file directly in the folder, by file
 * name. A video's sidecar, the file of the same name with {@code .json} in place of the
 * extension ({@code clip.mp4} -> {@code clip.json}), holds one entry without {@code "video"}.
 * Videos without a sidecar are asked the default question (the CLI's {@code --question}) with
 * the default candidates ({@code --candidates}, by default {@code before,after}), which must hold
 * an order pair; they are unlabelled, and the model's own preferred answer on the video stands in
 * for the true one (the mirror swap then measures how far patching moves the model's own belief
 * toward the reversed video's). Without a default question a video needs its sidecar.
 *
 * <p>Every problem is an {@link IllegalArgumentException} naming the file and the entry (entries
 * counted from 0): malformed JSON (with line and column), a missing key, a missing video file,
 * an answer not among the candidates, an answer that reversal does not define, object words not
 * in the question, a repeated id; with the model, a candidate that is not one of its tokens. The
 * readers write nothing.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1.0")
public final class VideoData {
  /** The answer words that reversing a video's frames swaps into each other (lowercase). */
  public static final Map<String, String> ORDER_WORDS = Map.of(
      "before", "after", "after", "before",
      "earlier", "later", "later", "earlier",
      "first", "last", "last", "first");

  /** The video file extensions of the folder form (lowercase). */
  public static final List<String> EXTENSIONS = List.of(".mp4", ".mov");

  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final Pattern ORDER_QUESTION = Pattern.compile(
      "(?is)^\\s*(?:does|did|do|is|was)\\s+the\\s+(.+?)\\s+(?:appear|occur|happen|come|start|begin)s?"
          + "\\s+(?:before|after|earlier|later)\\s+or\\s+(?:before|after|earlier|later)\\s+(?:than\\s+)?"
          + "the\\s+(.+?)\\s*\\?\\s*$");

  private VideoData() {}

  /** A manifest file or a folder, as {@link #manifest} or {@link #folder} read it. */
  public static List<VideoEntry> read(Path manifestOrFolder, Path videoRoot, String defaultQuestion,
      List<String> defaultCandidates) {
    if (Files.isDirectory(manifestOrFolder)) {
      if (videoRoot != null) {
        throw new IllegalArgumentException("a video root applies to a manifest, not to the folder " + manifestOrFolder);
      }
      return folder(manifestOrFolder, defaultQuestion, defaultCandidates);
    }
    if (defaultQuestion != null) {
      throw new IllegalArgumentException(
          "a default question applies to a folder of videos, not to the manifest " + manifestOrFolder
              + " (each entry has its own)");
    }
    return manifest(manifestOrFolder, videoRoot);
  }

  /**
   * The entries of a manifest.
   *
   * @param videoRoot the folder the entries' video paths are relative to, or {@code null} for the
   *     manifest's folder
   * @throws IllegalArgumentException naming the file and entry of the first problem
   */
  public static List<VideoEntry> manifest(Path manifest, Path videoRoot) {
    JsonNode root = readJson(manifest, "manifest");
    JsonNode rows = root.isObject() ? root.path("samples") : root;
    if (!rows.isArray()) {
      throw new IllegalArgumentException(
          "manifest " + manifest + " must be a JSON array of entries or an object with a 'samples' array");
    }
    if (rows.isEmpty()) {
      throw new IllegalArgumentException("manifest " + manifest + " has no entries");
    }
    Path root0 = videoRoot != null ? videoRoot : manifest.toAbsolutePath().getParent();
    if (videoRoot != null && !Files.isDirectory(videoRoot)) {
      throw new IllegalArgumentException("video root " + videoRoot + " is not a folder");
    }
    List<VideoEntry> out = new ArrayList<>();
    Set<String> ids = new HashSet<>();
    for (int r = 0; r < rows.size(); r++) {
      JsonNode row = rows.get(r);
      String where = "manifest " + manifest + " entry " + r;
      String source = manifest.getFileName() + " entry " + r;
      try {
        if (!row.isObject()) {
          throw new IllegalArgumentException("an entry is a JSON object, got " + row);
        }
        String name = text(row, "video");
        where += " (video '" + name + "')";
        Path video = root0.resolve(name);
        if (!Files.isRegularFile(video)) {
          throw new IllegalArgumentException("video file " + video + " does not exist");
        }
        String id = row.hasNonNull("id") ? row.get("id").asText() : String.format(Locale.ROOT, "video-%04d", r);
        if (!ids.add(id)) {
          throw new IllegalArgumentException("id '" + id + "' is used twice");
        }
        out.add(entry(row, id, video, source, null, null));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(where + ": " + e.getMessage(), e);
      }
    }
    return List.copyOf(out);
  }

  /**
   * The videos of a folder, with their sidecars or the default question.
   *
   * @param defaultQuestion the question of videos without a sidecar, or {@code null} (then each
   *     video needs one)
   * @param defaultCandidates the candidates with the default question (an order pair)
   * @throws IllegalArgumentException naming the file of the first problem
   */
  public static List<VideoEntry> folder(Path dir, String defaultQuestion, List<String> defaultCandidates) {
    if (!Files.isDirectory(dir)) {
      throw new IllegalArgumentException("video folder " + dir + " is not a folder");
    }
    List<Path> videos;
    try (Stream<Path> s = Files.list(dir)) {
      videos = s.filter(Files::isRegularFile).filter(p -> extension(p) != null).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list video folder " + dir + ": " + e.getMessage(), e);
    }
    if (videos.isEmpty()) {
      throw new IllegalArgumentException("video folder " + dir + " holds no " + String.join(" or ", EXTENSIONS) + " files");
    }
    List<VideoEntry> out = new ArrayList<>();
    Set<String> ids = new HashSet<>();
    for (Path v : videos) {
      String file = v.getFileName().toString();
      String stem = file.substring(0, file.length() - extension(v).length());
      Path sidecar = v.resolveSibling(stem + ".json");
      VideoEntry e;
      if (Files.isRegularFile(sidecar)) {
        JsonNode row = readJson(sidecar, "sidecar");
        try {
          if (!row.isObject()) {
            throw new IllegalArgumentException("a sidecar holds one JSON object, got " + row.getNodeType());
          }
          e = entry(row, stem, v, sidecar.getFileName().toString(), null, null);
        } catch (IllegalArgumentException ex) {
          throw new IllegalArgumentException("sidecar " + sidecar + " of video " + v + ": " + ex.getMessage(), ex);
        }
      } else if (defaultQuestion != null) {
        try {
          e = entry(null, stem, v, file + " (default question)", defaultQuestion, defaultCandidates);
        } catch (IllegalArgumentException ex) {
          throw new IllegalArgumentException("video " + v + " with the default question: " + ex.getMessage(), ex);
        }
      } else {
        throw new IllegalArgumentException(
            "video " + v + " has no sidecar " + sidecar.getFileName()
                + " and no default question was given (--question)");
      }
      if (!ids.add(e.id())) {
        throw new IllegalArgumentException("video " + v + ": id '" + e.id() + "' is used twice");
      }
      out.add(e);
    }
    return List.copyOf(out);
  }

  /**
   * Checks every entry's candidates against the model: each must be a single token of it.
   *
   * @throws IllegalArgumentException naming the entry, the candidate and the model
   */
  public static void checkTokens(HookedVlm vlm, List<VideoEntry> entries) {
    for (VideoEntry e : entries) {
      for (String c : e.candidates()) {
        try {
          vlm.answerTokenId(c);
        } catch (IllegalArgumentException ex) {
          throw new IllegalArgumentException(
              e.source() + " (video " + e.video().getFileName() + "): candidate '" + c
                  + "' is not a single token of model '" + vlm.name() + "' (" + ex.getMessage()
                  + "); the answers are read as next-token probabilities", ex);
        }
      }
    }
  }

  /**
   * An entry's video as {@code n} uniformly sampled frames.
   *
   * @throws IllegalArgumentException naming the entry when the file cannot be decoded or is too short
   */
  public static List<RgbImage> frames(VideoEntry e, int n) {
    try {
      return VideoFiles.readFrames(e.video(), n);
    } catch (IllegalArgumentException | UncheckedIOException ex) {
      throw new IllegalArgumentException(e.source() + ": " + ex.getMessage(), ex);
    }
  }

  /** The partner of an order word ({@code before} -> {@code after}, ...), any letter case. */
  public static Optional<String> orderPartner(String word) {
    return Optional.ofNullable(ORDER_WORDS.get(word.strip().toLowerCase(Locale.ROOT)));
  }

  /**
   * The two object words of an order question "Does the {o1} appear before or after the {o2}?"
   * (the last word of each phrase, quotes dropped), or empty when the question has another form.
   */
  public static Optional<List<String>> objectWords(String question) {
    Matcher m = ORDER_QUESTION.matcher(question);
    if (!m.matches()) {
      return Optional.empty();
    }
    return Optional.of(List.of(lastWord(m.group(1)), lastWord(m.group(2))));
  }

  private static String lastWord(String phrase) {
    String[] w = phrase.strip().split("\\s+");
    return w[w.length - 1].replaceAll("^[\"'`]+|[\"'`.,;:!]+$", "");
  }

  private static VideoEntry entry(JsonNode row, String id, Path video, String source, String question0,
      List<String> candidates0) {
    String question = row != null ? text(row, "question") : question0;
    List<String> candidates = row != null ? candidates(row) : candidates0;
    if (candidates == null || candidates.size() < 2) {
      throw new IllegalArgumentException("at least two candidates are needed, got " + candidates);
    }
    if (new HashSet<>(candidates).size() != candidates.size()) {
      throw new IllegalArgumentException("candidates " + candidates + " repeat an answer");
    }
    String answer = null;
    List<String> pair;
    if (row != null) {
      answer = text(row, "answer").strip();
      if (!candidates.contains(answer)) {
        throw new IllegalArgumentException("answer '" + answer + "' is not among the candidates " + candidates);
      }
      pair = List.of(answer, reversed(row, answer, candidates));
    } else {
      pair = orderPair(candidates).orElseThrow(() -> new IllegalArgumentException(
          "the candidates " + candidates + " hold no order pair (before/after, earlier/later, first/last),"
              + " so reversing the frames does not say how the answer changes"));
    }
    List<String> words = row != null && row.has("objects") ? objects(row) : objectWords(question).orElseThrow(
        () -> new IllegalArgumentException("cannot read the two object words of \"" + question
            + "\": ask \"Does the {o1} appear before or after the {o2}?\" or give \"objects\": [o1, o2]"));
    for (String w : words) {
      if (!Pattern.compile("(?i)(?<![\\p{L}\\p{N}])" + Pattern.quote(w) + "(?![\\p{L}\\p{N}])").matcher(question).find()) {
        throw new IllegalArgumentException("the question \"" + question + "\" does not contain the object word '" + w + "'");
      }
    }
    return new VideoEntry(id, video, question, candidates, answer, pair, words, source);
  }

  private static String reversed(JsonNode row, String answer, List<String> candidates) {
    if (row.hasNonNull("reversed_answer")) {
      String r = row.get("reversed_answer").asText().strip();
      if (!candidates.contains(r)) {
        throw new IllegalArgumentException("reversed_answer '" + r + "' is not among the candidates " + candidates);
      }
      if (r.equals(answer)) {
        throw new IllegalArgumentException(
            "reversed_answer '" + r + "' equals the answer: a mirror swap needs the reversed video to change the answer");
      }
      return r;
    }
    Optional<String> partner = orderPartner(answer);
    if (partner.isEmpty()) {
      throw new IllegalArgumentException(
          "the answer '" + answer + "' is not an order word (before/after, earlier/later, first/last), so"
              + " reversing the frames does not say what it becomes; give \"reversed_answer\" (the answer on"
              + " the reversed video, one of the candidates) or leave the entry out");
    }
    for (String c : candidates) {
      if (c.strip().equalsIgnoreCase(partner.get())) {
        return c;
      }
    }
    throw new IllegalArgumentException(
        "the answer '" + answer + "' becomes '" + partner.get() + "' on the reversed video, which is not among the candidates "
            + candidates);
  }

  private static Optional<List<String>> orderPair(List<String> candidates) {
    for (String a : candidates) {
      Optional<String> p = orderPartner(a);
      if (p.isPresent()) {
        for (String b : candidates) {
          if (b.strip().equalsIgnoreCase(p.get())) {
            return Optional.of(List.of(a, b));
          }
        }
      }
    }
    return Optional.empty();
  }

  private static List<String> candidates(JsonNode row) {
    String key = row.has("candidates") ? "candidates" : row.has("options") ? "options" : null;
    if (key == null) {
      throw new IllegalArgumentException("missing 'candidates'");
    }
    return strings(row.get(key), "'" + key + "'");
  }

  private static List<String> objects(JsonNode row) {
    List<String> o = strings(row.get("objects"), "'objects'");
    if (o.size() != 2) {
      throw new IllegalArgumentException("'objects' must name two object words, got " + o);
    }
    return o;
  }

  private static List<String> strings(JsonNode n, String what) {
    if (!n.isArray()) {
      throw new IllegalArgumentException(what + " must be an array of strings, got " + n);
    }
    List<String> out = new ArrayList<>();
    for (Iterator<JsonNode> it = n.elements(); it.hasNext(); ) {
      JsonNode c = it.next();
      if (!c.isTextual() || c.asText().isBlank()) {
        throw new IllegalArgumentException(what + " must be an array of non-blank strings, got " + n);
      }
      out.add(c.asText().strip());
    }
    return out;
  }

  private static String text(JsonNode row, String key) {
    JsonNode n = row.get(key);
    if (n == null || n.isNull()) {
      throw new IllegalArgumentException("missing '" + key + "'");
    }
    if (!n.isTextual() || n.asText().isBlank()) {
      throw new IllegalArgumentException("'" + key + "' must be a non-blank string, got " + n);
    }
    return n.asText();
  }

  private static String extension(Path p) {
    String name = p.getFileName().toString().toLowerCase(Locale.ROOT);
    for (String e : EXTENSIONS) {
      if (name.endsWith(e) && name.length() > e.length()) {
        return p.getFileName().toString().substring(name.length() - e.length());
      }
    }
    return null;
  }

  private static JsonNode readJson(Path file, String what) {
    if (!Files.isRegularFile(file)) {
      throw new IllegalArgumentException(what + " " + file + " does not exist or is not a file");
    }
    try {
      JsonNode n = MAPPER.readTree(file.toFile());
      if (n == null || n.isMissingNode()) {
        throw new IllegalArgumentException(what + " " + file + " is empty");
      }
      return n;
    } catch (JsonProcessingException e) {
      JsonLocation l = e.getLocation();
      throw new IllegalArgumentException(
          what + " " + file + " is not valid JSON"
              + (l == null ? "" : " (line " + l.getLineNr() + ", column " + l.getColumnNr() + ")") + ": "
              + e.getOriginalMessage(), e);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + what + " " + file + ": " + e.getMessage(), e);
    }
  }
}
