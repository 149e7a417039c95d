package dev.concierge.protocol;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The one JSON mapper of the project and small helpers around Jackson's tree model.
 *
 * <p>Everything on the wire stays a Jackson tree so that fields this code does not know survive a round trip.
 */
public final class Json {
  private static final ObjectMapper MAPPER =
      JsonMapper.builder()
          .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
          .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
          .build();

  static {
    // Bound what one message may make the parser allocate; the transports bound the raw size as well.
    MAPPER.getFactory().setStreamReadConstraints(
        StreamReadConstraints.builder().maxNestingDepth(500).maxStringLength(64 * 1024 * 1024).build());
  }

  private Json() {}

  /** The shared mapper; configured once, safe to use from any thread. */
  public static ObjectMapper mapper() {
    return MAPPER;
  }

  public static ObjectNode object() {
    return JsonNodeFactory.instance.objectNode();
  }

  public static ArrayNode array() {
    return JsonNodeFactory.instance.arrayNode();
  }

  /** Parses JSON text; a syntax error becomes an {@link McpException} with code {@code -32700}. */
  public static JsonNode parse(String text) {
    try {
      JsonNode node = MAPPER.readTree(text);
      if (node == null || node.isMissingNode()) {
        throw new McpException(ErrorCodes.PARSE_ERROR, "Parse error: empty message");
      }
      return node;
    } catch (JsonProcessingException e) {
      throw new McpException(ErrorCodes.PARSE_ERROR, "Parse error: " + e.getOriginalMessage());
    }
  }

  /** Parses JSON text that must be an object. */
  public static ObjectNode parseObject(String text) {
    JsonNode node = parse(text);
    if (!node.isObject()) {
      throw new McpException(ErrorCodes.INVALID_REQUEST, "Invalid message: expected a JSON object");
    }
    return (ObjectNode) node;
  }

  /** Compact JSON text of a tree. Field order is the tree's insertion order, so output is deterministic. */
  public static String write(JsonNode node) {
    try {
      return MAPPER.writeValueAsString(node);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a Jackson tree always serializes", e);
    }
  }

  /** Compact JSON as UTF-8 bytes, without the intermediate String. */
  public static byte[] writeBytes(JsonNode node) {
    try {
      return MAPPER.writeValueAsBytes(node);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a Jackson tree always serializes", e);
    }
  }

  public static String writePretty(JsonNode node) {
    try {
      return MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(node);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a Jackson tree always serializes", e);
    }
  }

  /** Converts any value Jackson can serialize (a Map, a record, a String) to a tree. */
  public static JsonNode toTree(Object value) {
    return MAPPER.valueToTree(value);
  }

  /** The text of a string field, or {@code null} when absent or not a string. */
  public static String text(JsonNode node, String field) {
    JsonNode value = node == null ? null : node.get(field);
    return value != null && value.isTextual() ? value.asText() : null;
  }

  /**
   * The text of an optional string field, or {@code null} when absent or JSON {@code null}.
   *
   * @throws IllegalArgumentException when it is there and not a string: bad input, not a field to ignore
   */
  public static String optionalText(JsonNode node, String field) {
    JsonNode value = node == null ? null : node.get(field);
    if (value == null || value.isNull()) {
      return null;
    }
    if (!value.isTextual()) {
      throw new IllegalArgumentException("\"" + field + "\" must be a string");
    }
    return value.asText();
  }

  /** The object field, or {@code null} when absent or not an object. */
  public static ObjectNode obj(JsonNode node, String field) {
    JsonNode value = node == null ? null : node.get(field);
    return value instanceof ObjectNode o ? o : null;
  }
}
