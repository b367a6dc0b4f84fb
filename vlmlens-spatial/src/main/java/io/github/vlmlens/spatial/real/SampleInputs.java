package io.github.vlmlens.spatial.real;

import com.google.common.hash.Hasher;
import com.google.common.hash.Hashing;
import io.github.vlmlens.core.HookedVlm;
import io.github.vlmlens.core.RgbImage;
import io.github.vlmlens.core.RunRequest;
import io.github.vlmlens.core.RunResult;
import io.github.vlmlens.core.Tokenization;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;

/** Images, positions, fingerprints and batched runs shared by the plans. */
final class SampleInputs {
  private SampleInputs() {}

  /** Reads a sample's image. */
  public static RgbImage image(RealSample s) {
    try {
      return RgbImage.read(s.image());
    } catch (IOException | RuntimeException e) {
      throw new IllegalArgumentException(
          s.source() + ": cannot read image " + s.image() + ": " + e.getMessage(), e);
    }
  }

  /** A fingerprint of a sample's fields, its image file's bytes and {@code extra}. */
  public static String fingerprint(RealSample s, Object... extra) {
    Hasher h = Hashing.sha256().newHasher();
    h.putString(s.id() + "|" + s.subject() + "|" + s.object() + "|" + s.relation() + "|" + s.question() + "|"
        + s.subjectBox() + "|" + s.objectBox(), StandardCharsets.UTF_8);
    for (Object e : extra) {
      h.putString(String.valueOf(e), StandardCharsets.UTF_8);
    }
    try {
      h.putBytes(Files.readAllBytes(s.image()));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read image " + s.image() + " of " + s.source(), e);
    }
    return h.hash().toString().substring(0, 32);
  }

  /** The subject's and object's last sub-token positions in a tokenization. */
  public static int[] objectPositions(RealSample s, Tokenization t) {
    try {
      int sp = t.lastSubToken(s.subjectWord(), 0);
      int op = t.lastSubToken(s.objectWord(), s.objectOccurrence());
      return new int[] {sp, op};
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          s.source() + ": the object words '" + s.subjectWord() + "' and '" + s.objectWord()
              + "' are not both in the prompt \"" + t.prompt() + "\": " + e.getMessage(), e);
    }
  }

  /** Whether every word is one token of the model. */
  public static String singleTokenProblem(HookedVlm vlm, List<String> words) {
    for (String w : words) {
      try {
        vlm.answerTokenId(w);
      } catch (IllegalArgumentException e) {
        return e.getMessage();
      }
    }
    return "";
  }

  /** Runs requests in chunks of {@code batch}. */
  public static List<RunResult> runAll(HookedVlm vlm, List<RunRequest> requests, int batch) {
    List<RunResult> out = new ArrayList<>(requests.size());
    for (int i = 0; i < requests.size(); i += batch) {
      List<RunRequest> chunk = requests.subList(i, Math.min(requests.size(), i + batch));
      List<RunResult> rs = vlm.runAll(chunk);
      if (rs.size() != chunk.size()) {
        throw new IllegalStateException(
            "model '" + vlm.name() + "' returned " + rs.size() + " results for " + chunk.size() + " requests");
      }
      out.addAll(rs);
    }
    return out;
  }
}
