package io.github.vlmlens.examples;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.victools.jsonschema.generator.Option;
import com.github.victools.jsonschema.generator.OptionPreset;
import com.github.victools.jsonschema.generator.SchemaGenerator;
import com.github.victools.jsonschema.generator.SchemaGeneratorConfigBuilder;
import com.github.victools.jsonschema.generator.SchemaVersion;
import com.github.victools.jsonschema.module.jackson.JacksonModule;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import io.github.vlmlens.core.analysis.SwapResult;
import io.github.vlmlens.core.lens.LogitLensResult;
import io.github.vlmlens.spatial.ids.IdExtractionResult;
import io.github.vlmlens.spatial.real.DepthResult;
import io.github.vlmlens.spatial.real.IdMarginResult;
import io.github.vlmlens.spatial.real.RealSteeringResult;
import io.github.vlmlens.spatial.real.SensitivityResult;
import io.github.vlmlens.spatial.steer.SteeringResult;
import io.github.vlmlens.temporal.grid.GridResult;
import io.github.vlmlens.temporal.ids.TemporalIdResult;
import io.github.vlmlens.temporal.real.RealVideoSteerResult;
import io.github.vlmlens.temporal.steer.TemporalSteerResult;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The JSON Schemas of the results written as {@code result.json}: generated from the record
 * classes, committed under each module's {@code src/main/resources/META-INF/vlmlens/schemas/}
 * (so they ship in the jars), and used to validate real written results.
 */
public final class ResultSchemas {
  /** Where the schemas lie inside a jar. */
  public static final String RESOURCE_DIR = "META-INF/vlmlens/schemas/";

  /**
   * One result type.
   *
   * @param name the schema's file stem
   * @param type the record class
   * @param module the module whose jar carries it
   */
  public record Kind(String name, Class<?> type, String module) {
    /** The schema's resource path. */
    public String resource() {
      return RESOURCE_DIR + name + ".schema.json";
    }

    /** The committed file, from the examples module's directory. */
    public Path source() {
      return Path.of("..", module, "src", "main", "resources").resolve(resource());
    }
  }

  /** Every result type written as {@code result.json}. */
  public static final List<Kind> KINDS = List.of(
      new Kind("swap-result", SwapResult.class, "vlmlens-core"),
      new Kind("logit-lens-result", LogitLensResult.class, "vlmlens-core"),
      new Kind("id-extraction-result", IdExtractionResult.class, "vlmlens-spatial"),
      new Kind("steering-result", SteeringResult.class, "vlmlens-spatial"),
      new Kind("id-margin-result", IdMarginResult.class, "vlmlens-spatial"),
      new Kind("depth-result", DepthResult.class, "vlmlens-spatial"),
      new Kind("sensitivity-result", SensitivityResult.class, "vlmlens-spatial"),
      new Kind("real-steering-result", RealSteeringResult.class, "vlmlens-spatial"),
      new Kind("temporal-id-result", TemporalIdResult.class, "vlmlens-temporal"),
      new Kind("temporal-steer-result", TemporalSteerResult.class, "vlmlens-temporal"),
      new Kind("grid-result", GridResult.class, "vlmlens-temporal"),
      new Kind("real-video-steer-result", RealVideoSteerResult.class, "vlmlens-temporal"));

  /**
   * Result types whose JSON is built by hand rather than from a record (their schemas are written
   * by hand beside the code that writes them, and checked against real files).
   */
  public static final List<Kind> HAND_WRITTEN = List.of(
      new Kind("finetune-result", io.github.vlmlens.hooks.train.FineTuneResult.class, "vlmlens-hooks"),
      new Kind("finetune-comparison", io.github.vlmlens.examples.finetune.FinetuneComparison.class, "vlmlens-examples"));

  /** finetune-compare's {@code comparison.json}. */
  public static final Kind FINETUNE_COMPARISON = HAND_WRITTEN.get(1);

  private static final ObjectMapper MAPPER = new ObjectMapper();

  private ResultSchemas() {}

  /** The kind of a record class. */
  public static Kind of(Class<?> type) {
    return java.util.stream.Stream.concat(KINDS.stream(), HAND_WRITTEN.stream()).filter(k -> k.type() == type).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no schema for " + type.getName()));
  }

  /**
   * The schema of a record class: every component required and no other property (so a renamed or
   * new component makes the committed schema stale), numbers that may also be written as
   * {@code "NaN"} or {@code "Infinity"} (the results' mapper writes non-finite doubles as strings),
   * components that may be null marked so, enums as their names.
   */
  public static ObjectNode generate(Kind kind) {
    SchemaGeneratorConfigBuilder b = new SchemaGeneratorConfigBuilder(SchemaVersion.DRAFT_2020_12, OptionPreset.PLAIN_JSON)
        .with(new JacksonModule())
        .with(Option.FORBIDDEN_ADDITIONAL_PROPERTIES_BY_DEFAULT, Option.MAP_VALUES_AS_ADDITIONAL_PROPERTIES,
            Option.NULLABLE_FIELDS_BY_DEFAULT, Option.PLAIN_DEFINITION_KEYS, Option.DEFINITIONS_FOR_ALL_OBJECTS)
        .without(Option.SCHEMA_VERSION_INDICATOR);
    b.forFields().withRequiredCheck(f -> !f.isFakeContainerItemScope())
        .withNullableCheck(f -> !f.getType().isPrimitive());
    b.forTypesInGeneral().withCustomDefinitionProvider((type, context) -> {
      Class<?> c = type.getErasedType();
      if (c == double.class || c == Double.class || c == float.class || c == Float.class) {
        ObjectNode n = context.getGeneratorConfig().createObjectNode();
        n.putArray("anyOf").add(MAPPER.createObjectNode().put("type", "number"))
            .add(MAPPER.createObjectNode().put("type", "string").set("enum",
                MAPPER.createArrayNode().add("NaN").add("Infinity").add("-Infinity")));
        return new com.github.victools.jsonschema.generator.CustomDefinition(n,
            com.github.victools.jsonschema.generator.CustomDefinition.DefinitionType.INLINE,
            com.github.victools.jsonschema.generator.CustomDefinition.AttributeInclusion.NO);
      }
      return null;
    });
    ObjectNode schema = new SchemaGenerator(b.build()).generateSchema(kind.type());
    ObjectNode out = MAPPER.createObjectNode();
    out.put("$schema", "https://json-schema.org/draft/2020-12/schema");
    out.put("$id", "https://vlmlens.github.io/schemas/" + kind.name() + ".schema.json");
    out.put("title", kind.type().getSimpleName());
    out.put("description", "The result.json of a " + kind.type().getName() + " (vlmlens " + kind.module()
        + "). Generated from the record class by ResultSchemasTest; non-finite numbers are written as strings.");
    out.setAll(schema);
    return out;
  }

  /** The schema as the committed text (two-space indent, newline at the end). */
  public static String text(ObjectNode schema) {
    try {
      return MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(schema) + "\n";
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The schema published in the jar (from the classpath). */
  public static JsonNode published(Kind kind) {
    try (InputStream in = ResultSchemas.class.getClassLoader().getResourceAsStream(kind.resource())) {
      assertNotNull(in, kind.resource() + " is not on the classpath (not in the " + kind.module() + " jar)");
      return MAPPER.readTree(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The validation errors of a JSON document against a kind's published schema (empty: valid). */
  public static Set<String> errors(JsonNode json, Kind kind) {
    JsonSchema schema = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012).getSchema(published(kind));
    return schema.validate(json).stream().map(ValidationMessage::getMessage).collect(Collectors.toSet());
  }

  /** Asserts that a written result file is valid against the published schema of its type. */
  public static void assertValid(Path file, Class<?> type) {
    Kind kind = of(type);
    try {
      Set<String> errors = errors(MAPPER.readTree(file.toFile()), kind);
      assertTrue(errors.isEmpty(), file + " is not a valid " + kind.name() + ": " + errors);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
