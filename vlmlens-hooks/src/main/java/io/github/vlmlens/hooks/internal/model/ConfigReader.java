package io.github.vlmlens.hooks.internal.model;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.vlmlens.hooks.CheckpointException;

/**
 * Typed reads of a {@code config.json}'s keys with errors that name the file and the key. A key
 * is written as its path from the top ({@code text_config.hidden_size}) for messages; it is looked
 * up in the given node by its last segment.
 */
public final class ConfigReader {
  private final String source;

  /** @param source the file, for messages */
  public ConfigReader(String source) {
    this.source = source;
  }

  /** An error naming the source and key. */
  public CheckpointException error(String key, String what) {
    return new CheckpointException(source + ": key '" + key + "': " + what);
  }

  private static JsonNode get(JsonNode node, String key) {
    int dot = key.lastIndexOf('.');
    return node.get(dot < 0 ? key : key.substring(dot + 1));
  }

  /** Whether the key is present and not null. */
  public boolean has(JsonNode node, String key) {
    JsonNode n = get(node, key);
    return n != null && !n.isNull();
  }

  /** A required JSON object. */
  public JsonNode object(JsonNode node, String key) {
    JsonNode n = get(node, key);
    if (n == null || n.isNull()) {
      throw error(key, "missing");
    }
    if (!n.isObject()) {
      throw error(key, "expected an object, found " + n);
    }
    return n;
  }

  /** A required positive integer. */
  public int positive(JsonNode node, String key) {
    JsonNode n = get(node, key);
    if (n == null || n.isNull()) {
      throw error(key, "missing");
    }
    if (!n.isIntegralNumber() || !n.canConvertToInt() || n.intValue() <= 0) {
      throw error(key, "expected a positive integer, found " + n);
    }
    return n.intValue();
  }

  /** An integer, {@code dflt} when absent. */
  public int integer(JsonNode node, String key, int dflt) {
    JsonNode n = get(node, key);
    if (n == null || n.isNull()) {
      return dflt;
    }
    if (!n.isIntegralNumber() || !n.canConvertToInt()) {
      throw error(key, "expected an integer, found " + n);
    }
    return n.intValue();
  }

  /** A finite number, {@code dflt} when absent. */
  public double number(JsonNode node, String key, double dflt) {
    JsonNode n = get(node, key);
    if (n == null || n.isNull()) {
      return dflt;
    }
    if (!n.isNumber() || !Double.isFinite(n.doubleValue())) {
      throw error(key, "expected a number, found " + n);
    }
    return n.doubleValue();
  }

  /** A boolean, {@code dflt} when absent. */
  public boolean bool(JsonNode node, String key, boolean dflt) {
    JsonNode n = get(node, key);
    if (n == null || n.isNull()) {
      return dflt;
    }
    if (!n.isBoolean()) {
      throw error(key, "expected true or false, found " + n);
    }
    return n.booleanValue();
  }

  /** A string, {@code dflt} when absent (an error when {@code dflt} is null). */
  public String string(JsonNode node, String key, String dflt) {
    JsonNode n = get(node, key);
    if (n == null || n.isNull()) {
      if (dflt == null) {
        throw error(key, "missing");
      }
      return dflt;
    }
    if (!n.isTextual()) {
      throw error(key, "expected a string, found " + n);
    }
    return n.textValue();
  }

  /** One of the allowed strings (compared as given), {@code dflt} when absent. */
  public String choice(JsonNode node, String key, String dflt, String... allowed) {
    String s = string(node, key, dflt);
    for (String a : allowed) {
      if (a.equals(s)) {
        return s;
      }
    }
    throw error(key, "unsupported value \"" + s + "\"; supported: " + String.join(", ", allowed));
  }

  /** A positive integer or a list of positive integers all equal (a square size such as {@code [14, 14]}). */
  public int square(JsonNode node, String key) {
    JsonNode n = get(node, key);
    if (n != null && n.isArray()) {
      if (n.isEmpty() || n.size() > 2) {
        throw error(key, "expected a size or [height, width], found " + n);
      }
      int first = -1;
      for (JsonNode e : n) {
        if (!e.isIntegralNumber() || e.intValue() <= 0) {
          throw error(key, "expected positive integers, found " + n);
        }
        if (first >= 0 && e.intValue() != first) {
          throw error(key, "only square sizes are supported, found " + n);
        }
        first = e.intValue();
      }
      return first;
    }
    return positive(node, key);
  }
}
