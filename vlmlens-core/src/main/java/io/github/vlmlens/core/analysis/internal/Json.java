package io.github.vlmlens.core.analysis.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;

/**
 * The one Jackson mapper of the analysis and report packages. NaN and infinities are written as
 * the strings {@code "NaN"}, {@code "Infinity"} (Jackson's default) and read back as numbers.
 */
public final class Json {
  private static final ObjectMapper MAPPER =
      JsonMapper.builder().disable(SerializationFeature.FAIL_ON_EMPTY_BEANS).build();
  private static final ObjectWriter PRETTY = MAPPER.writerWithDefaultPrettyPrinter();
  private static final ObjectWriter COMPACT = MAPPER.writer();

  private Json() {}

  /** The mapper. */
  public static ObjectMapper mapper() {
    return MAPPER;
  }

  /** Indented JSON. */
  public static String pretty(Object value) {
    try {
      return PRETTY.writeValueAsString(value) + "\n";
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write " + value.getClass().getSimpleName() + " as JSON", e);
    }
  }

  /**
   * Any value as JSON-ready maps, lists and scalars (a record becomes a map of its components),
   * exactly as they read back from its JSON text (a {@code long} 5 becomes an {@code Integer}), so
   * a result holding them equals itself read back from a file.
   */
  @SuppressWarnings("unchecked")
  public static java.util.Map<String, Object> toMap(Object value) {
    if (value == null) {
      return java.util.Map.of();
    }
    Object v;
    try {
      v = MAPPER.readValue(compact(value), Object.class);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot read back " + value.getClass().getSimpleName() + " as JSON", e);
    }
    if (v instanceof java.util.Map) {
      return (java.util.Map<String, Object>) v;
    }
    java.util.Map<String, Object> m = new java.util.LinkedHashMap<>();
    m.put("value", v);
    return m;
  }

  /** JSON on one line. */
  public static String compact(Object value) {
    try {
      return COMPACT.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write " + value.getClass().getSimpleName() + " as JSON", e);
    }
  }
}
