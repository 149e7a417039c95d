package dev.concierge.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.TextNode;

/**
 * A JSON-RPC request id: a string or an integer. Numbers are normalized to {@code long} so that {@code 1} and
 * {@code 1.0} from different JSON parsers correlate to the same pending request.
 */
public record RequestId(Object value) {
  public RequestId {
    if (!(value instanceof String) && !(value instanceof Long)) {
      throw new IllegalArgumentException("request id must be a string or a long, was " + value);
    }
  }

  public static RequestId of(long id) {
    return new RequestId(id);
  }

  public static RequestId of(String id) {
    return new RequestId(id);
  }

  /** Reads an id from JSON; {@code null} if the node is absent, null, or not a string or integral number. */
  public static RequestId fromJson(JsonNode node) {
    if (node == null) {
      return null;
    }
    if (node.isTextual()) {
      return new RequestId(node.asText());
    }
    if (node.isIntegralNumber() && node.canConvertToLong()) {
      return new RequestId(node.asLong());
    }
    if (node.isNumber() && node.asDouble() == Math.rint(node.asDouble())) {
      return new RequestId(node.asLong());
    }
    return null;
  }

  public JsonNode toJson() {
    return value instanceof Long l ? LongNode.valueOf(l) : TextNode.valueOf((String) value);
  }

  @Override
  public String toString() {
    return value instanceof String s ? '"' + s + '"' : value.toString();
  }
}
