package dev.concierge.client.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.concierge.client.transport.HttpHeaderValues;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The 2026-07-28 {@code x-mcp-header} rules: which tool arguments are mirrored into {@code Mcp-Param-*} headers, and
 * whether a tool's annotations are valid at all (an invalid tool must be left out of {@code tools/list}).
 */
final class ParamHeaders {
  private static final Pattern TOKEN = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+");
  private static final long MAX_SAFE_INTEGER = 9007199254740991L;

  private ParamHeaders() {}

  /** Why a tool's {@code x-mcp-header} annotations are invalid, or {@code null} when they are fine (or absent). */
  static String problem(ObjectNode inputSchema) {
    Set<String> seen = new HashSet<>();
    return check(inputSchema, true, seen);
  }

  private static String check(JsonNode schema, boolean reachable, Set<String> seen) {
    if (schema == null || !schema.isObject()) {
      return null;
    }
    var fields = schema.fields();
    while (fields.hasNext()) {
      var field = fields.next();
      String key = field.getKey();
      JsonNode value = field.getValue();
      if (key.equals("x-mcp-header")) {
        if (!reachable) {
          return "x-mcp-header on a property not reachable through 'properties' alone";
        }
        if (!value.isTextual() || value.asText().isEmpty() || !TOKEN.matcher(value.asText()).matches()) {
          return "x-mcp-header value is not an HTTP token";
        }
        if (!seen.add(value.asText().toLowerCase(java.util.Locale.ROOT))) {
          return "x-mcp-header '" + value.asText() + "' is used twice";
        }
        String type = schema.path("type").asText("");
        if (!type.equals("string") && !type.equals("integer") && !type.equals("boolean")) {
          return "x-mcp-header '" + value.asText() + "' is on a parameter of type '" + type + "'";
        }
      } else if (key.equals("properties") && value.isObject()) {
        var props = value.fields();
        while (props.hasNext()) {
          String problem = check(props.next().getValue(), reachable, seen);
          if (problem != null) {
            return problem;
          }
        }
      } else if (value.isObject() || value.isArray()) {
        for (JsonNode child : value.isArray() ? value : java.util.List.of(value)) {
          String problem = check(child, false, seen);
          if (problem != null) {
            return problem;
          }
        }
      }
    }
    return null;
  }

  /** The {@code Mcp-Param-*} headers for a call of a tool with this schema. */
  static Map<String, String> headers(ObjectNode inputSchema, JsonNode arguments) {
    Map<String, String> out = new LinkedHashMap<>();
    collect(inputSchema, arguments, out);
    return out;
  }

  private static void collect(JsonNode schema, JsonNode instance, Map<String, String> out) {
    if (schema == null || instance == null || !instance.isObject()) {
      return;
    }
    JsonNode properties = schema.get("properties");
    if (properties == null || !properties.isObject()) {
      return;
    }
    var it = properties.fields();
    while (it.hasNext()) {
      var property = it.next();
      JsonNode value = instance.get(property.getKey());
      JsonNode propertySchema = property.getValue();
      if (value == null || value.isNull()) {
        continue;
      }
      JsonNode header = propertySchema.get("x-mcp-header");
      if (header != null && header.isTextual()) {
        String text = value.isIntegralNumber() && Math.abs(value.asLong()) <= MAX_SAFE_INTEGER ? value.asText()
            : value.isBoolean() ? String.valueOf(value.booleanValue())
            : value.isTextual() ? value.asText() : null;
        if (text != null) {
          out.put("Mcp-Param-" + header.asText(), HttpHeaderValues.encodeHeaderValue(text));
        }
      }
      collect(propertySchema, value, out);
    }
  }
}
