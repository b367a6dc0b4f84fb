package io.github.vlmlens.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.vlmlens.examples.ResultSchemas.Kind;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The committed JSON Schemas equal what the record classes generate today (run with
 * {@code -Dvlmlens.writeSchemas=true} to rewrite them after changing a result), ship in the jars,
 * and reject what is not a result. Real written results are validated where the tests write them
 * ({@code CliTest}, {@code TemporalCliTest}, {@code TinyRealImagesTest}, {@code FixtureCliTest},
 * {@code RealVideosTest}).
 */
class ResultSchemasTest {
  @Test
  void committedSchemasAreCurrent() throws Exception {
    boolean write = Boolean.getBoolean("vlmlens.writeSchemas");
    for (Kind k : ResultSchemas.KINDS) {
      String generated = ResultSchemas.text(ResultSchemas.generate(k));
      Path file = k.source();
      if (write) {
        Files.createDirectories(file.getParent());
        Files.writeString(file, generated);
      }
      assertTrue(Files.isRegularFile(file), file + " is missing: run the tests with -Dvlmlens.writeSchemas=true");
      assertEquals(generated, Files.readString(file),
          file + " is stale: " + k.type().getName() + " changed; run with -Dvlmlens.writeSchemas=true and commit it");
    }
  }

  @Test
  void everySchemaShipsInItsModulesJarAndRequiresEveryComponent() {
    for (Kind k : ResultSchemas.KINDS) {
      JsonNode s = ResultSchemas.published(k);
      assertEquals("object", s.get("type").asText(), k.name());
      assertFalse(s.get("additionalProperties").asBoolean(true), k.name() + " allows unknown properties");
      assertEquals(k.type().getRecordComponents().length, s.get("required").size(), k.name());
    }
  }

  @Test
  void handWrittenSchemasShipAndAreClosed() {
    for (Kind k : ResultSchemas.HAND_WRITTEN) {
      JsonNode s = ResultSchemas.published(k);
      assertEquals("object", s.get("type").asText(), k.name());
      assertFalse(s.get("additionalProperties").asBoolean(true), k.name() + " allows unknown properties");
      ObjectNode extra = new ObjectMapper().createObjectNode().put("frobnicate", 1);
      assertTrue(ResultSchemas.errors(extra, k).stream().anyMatch(e -> e.contains("frobnicate")), k.name());
      assertTrue(ResultSchemas.errors(extra, k).stream().anyMatch(e -> e.contains("config")), k.name());
    }
  }

  @Test
  void theValidatorRejectsWhatIsNotAResult() {
    Kind steering = ResultSchemas.of(io.github.vlmlens.spatial.steer.SteeringResult.class);
    ObjectMapper m = new ObjectMapper();
    ObjectNode empty = m.createObjectNode();
    Set<String> errors = ResultSchemas.errors(empty, steering);
    assertTrue(errors.stream().anyMatch(e -> e.contains("layers")), errors.toString());
    ObjectNode extra = m.createObjectNode().put("frobnicate", 1);
    assertTrue(ResultSchemas.errors(extra, steering).stream().anyMatch(e -> e.contains("frobnicate")),
        ResultSchemas.errors(extra, steering).toString());
  }
}
