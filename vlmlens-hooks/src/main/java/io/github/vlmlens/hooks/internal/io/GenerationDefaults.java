package io.github.vlmlens.hooks.internal.io;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.github.vlmlens.hooks.CheckpointException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The end-of-sequence token ids a checkpoint's generation stops at, as Hugging Face's
 * {@code generate} finds them: {@code generation_config.json}'s {@code eos_token_id} (an id or a
 * list), else {@code config.json}'s (top level, then {@code text_config}).
 */
public final class GenerationDefaults {
  private static final JsonMapper MAPPER = JsonMapper.builder().build();

  private GenerationDefaults() {}

  /**
   * The stop ids of a checkpoint directory, or an empty array when none is given.
   *
   * @throws CheckpointException naming the file when it is not valid JSON or the ids are not integers
   */
  public static int[] eosTokenIds(Path dir) {
    if (dir == null) {
      return new int[0];
    }
    for (String name : new String[] {"generation_config.json", "config.json"}) {
      Path f = dir.resolve(name);
      if (!Files.isRegularFile(f)) {
        continue;
      }
      JsonNode root;
      try {
        root = MAPPER.readTree(Files.readString(f));
      } catch (IOException e) {
        throw new CheckpointException("cannot read " + f + ": " + e.getMessage(), e);
      }
      JsonNode eos = root == null ? null : root.get("eos_token_id");
      if ((eos == null || eos.isNull()) && root != null && root.has("text_config")) {
        eos = root.get("text_config").get("eos_token_id");
      }
      if (eos != null && !eos.isNull()) {
        return ids(eos, f);
      }
    }
    return new int[0];
  }

  private static int[] ids(JsonNode eos, Path f) {
    List<Integer> out = new ArrayList<>();
    if (eos.isArray()) {
      for (JsonNode n : eos) {
        out.add(id(n, f));
      }
    } else {
      out.add(id(eos, f));
    }
    return out.stream().mapToInt(Integer::intValue).toArray();
  }

  private static int id(JsonNode n, Path f) {
    if (!n.canConvertToInt()) {
      throw new CheckpointException(f + ": eos_token_id holds " + n + ", not a token id");
    }
    return n.intValue();
  }
}
