package dev.concierge.cli.conformance;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.concierge.client.ClientHandlers;
import dev.concierge.protocol.Json;
import java.util.concurrent.CompletableFuture;

/**
 * Plausible values for a JSON Schema, as an unattended user would give them: the schema's {@code default} first
 * (SEP-1034), then its {@code const} or first {@code enum} value, then a fixed sample of its type. Used for the
 * arguments of tools the suite did not describe and for the answers to elicitations.
 */
final class SchemaSamples {
  private SchemaSamples() {}

  /** One value for every property of an object schema that can be sampled; never resolves a {@code $ref}. */
  static ObjectNode object(JsonNode schema) {
    ObjectNode out = Json.object();
    JsonNode properties = schema == null ? null : schema.get("properties");
    if (properties != null && properties.isObject()) {
      properties.fields().forEachRemaining(p -> {
        JsonNode value = value(p.getValue());
        if (value != null) {
          out.set(p.getKey(), value);
        }
      });
    }
    return out;
  }

  /** A value for one schema, or {@code null} when nothing sensible can be said (a {@code $ref}, no type). */
  static JsonNode value(JsonNode schema) {
    if (schema == null || !schema.isObject()) {
      return null;
    }
    if (schema.has("default")) {
      return schema.get("default").deepCopy();
    }
    if (schema.has("const")) {
      return schema.get("const").deepCopy();
    }
    JsonNode options = schema.get("enum");
    if (options != null && options.isArray() && !options.isEmpty()) {
      return options.get(0).deepCopy();
    }
    return switch (type(schema.get("type"))) {
      case "string" -> Json.toTree("concierge");
      case "integer" -> Json.toTree(1);
      case "number" -> Json.toTree(1.5);
      case "boolean" -> Json.toTree(true);
      case "object" -> object(schema);
      case "array" -> Json.array();
      default -> null;
    };
  }

  /** The type, or the first non-null one of a type list; {@code ""} when there is none. */
  private static String type(JsonNode type) {
    if (type == null) {
      return "";
    }
    if (type.isArray()) {
      for (JsonNode t : type) {
        if (!"null".equals(t.asText())) {
          return t.asText();
        }
      }
      return "";
    }
    return type.asText();
  }

  /**
   * Accepts every elicitation: URL mode without content (the user "visited" the page), form mode with a value for
   * every requested field, which is each field's default where the schema has one.
   */
  static ClientHandlers.ElicitationHandler acceptingElicitation() {
    return (origin, params) -> {
      if ("url".equals(Json.text(params, "mode"))) {
        return CompletableFuture.completedFuture(ClientHandlers.Elicitation.accept(null));
      }
      return CompletableFuture.completedFuture(
          ClientHandlers.Elicitation.accept(object(Json.obj(params, "requestedSchema"))));
    };
  }
}
