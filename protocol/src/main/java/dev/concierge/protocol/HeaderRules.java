package dev.concierge.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;

/**
 * The server side of the 2026-07-28 Streamable HTTP request metadata: {@code MCP-Protocol-Version}, {@code Mcp-Method},
 * {@code Mcp-Name} and the {@code Mcp-Param-*} headers of {@code x-mcp-header} tool parameters must be present and
 * agree with the body, after decoding the {@code =?base64?...?=} form. Any failure is a {@code -32020}
 * {@code HeaderMismatch}, answered with HTTP 400.
 */
public final class HeaderRules {
  private static final String PREFIX = "=?base64?";
  private static final String SUFFIX = "?=";

  private HeaderRules() {}

  /**
   * What is wrong with the headers of {@code request}, or {@code null}.
   *
   * @param headers request headers with lower-case names
   * @param inputSchema the input schema of a tool by name ({@code null} when unknown), for its {@code Mcp-Param-*}
   */
  public static JsonRpcError check(JsonRpcRequest request, Map<String, String> headers,
      java.util.function.Function<String, JsonNode> inputSchema) {
    ObjectNode params = request.paramsOrEmpty();
    String version = headers.get("mcp-protocol-version");
    String bodyVersion = Json.text(Json.obj(params, "_meta"), MetaKeys.PROTOCOL_VERSION);
    if (version == null) {
      return mismatch("the required MCP-Protocol-Version header is absent");
    }
    if (bodyVersion != null && !bodyVersion.equals(version)) {
      return mismatch("MCP-Protocol-Version header '" + version + "' does not match the body's " + bodyVersion);
    }
    String method = headers.get("mcp-method");
    if (!request.method().equals(method)) {
      return mismatch("Mcp-Method header " + (method == null ? "is absent" : "'" + method + "'")
          + " but the body names " + request.method());
    }
    String nameField = switch (request.method()) {
      case McpMethods.TOOLS_CALL, McpMethods.PROMPTS_GET -> "name";
      case McpMethods.RESOURCES_READ -> "uri";
      default -> null;
    };
    if (nameField != null) {
      String problem = compare("Mcp-Name", headers.get("mcp-name"), params.get(nameField));
      if (problem != null) {
        return mismatch(problem);
      }
    }
    if (McpMethods.TOOLS_CALL.equals(request.method())) {
      JsonNode schema = inputSchema.apply(Json.text(params, "name"));
      if (schema != null) {
        return checkParams(schema, params.path("arguments"), headers);
      }
    }
    return null;
  }

  /** Walks the {@code properties} chains of the schema alongside the arguments. */
  private static JsonRpcError checkParams(JsonNode schema, JsonNode instance, Map<String, String> headers) {
    for (Map.Entry<String, JsonNode> property : schema.path("properties").properties()) {
      JsonNode value = instance == null ? null : instance.get(property.getKey());
      JsonNode annotation = property.getValue().get("x-mcp-header");
      if (annotation != null && annotation.isTextual()) {
        String header = "Mcp-Param-" + annotation.asText();
        String sent = headers.get(header.toLowerCase(java.util.Locale.ROOT));
        String problem = value == null || value.isNull()
            ? sent == null ? null : header + " is present but the argument is not"
            : compare(header, sent, value);
        if (problem != null) {
          return mismatch(problem);
        }
      }
      JsonRpcError nested = checkParams(property.getValue(), value, headers);
      if (nested != null) {
        return nested;
      }
    }
    return null;
  }

  /** Why a header disagrees with its body value, or {@code null}; integers compare numerically. */
  private static String compare(String header, String sent, JsonNode bodyValue) {
    if (sent == null) {
      return "the body carries a value but the required " + header + " header is absent";
    }
    String decoded;
    try {
      decoded = decode(sent);
    } catch (IllegalArgumentException e) {
      return header + " is not valid: " + e.getMessage();
    }
    boolean same = bodyValue.isIntegralNumber() ? numericallyEqual(decoded, bodyValue)
        : bodyValue.isBoolean() ? decoded.equals(String.valueOf(bodyValue.booleanValue()))
        : bodyValue.isTextual() && decoded.equals(bodyValue.asText());
    return same ? null : header + " header value does not match the body value";
  }

  private static boolean numericallyEqual(String header, JsonNode body) {
    try {
      return new BigDecimal(header).compareTo(body.decimalValue()) == 0;
    } catch (NumberFormatException e) {
      return false;
    }
  }

  /** The value a header carries: plain visible ASCII, or the Base64 sentinel form. */
  public static String decode(String value) {
    for (char c : value.toCharArray()) {
      if (c != '\t' && (c < 0x20 || c > 0x7e)) {
        throw new IllegalArgumentException("invalid character in header value");
      }
    }
    if (value.startsWith(PREFIX) && value.endsWith(SUFFIX) && value.length() >= PREFIX.length() + SUFFIX.length()) {
      String encoded = value.substring(PREFIX.length(), value.length() - SUFFIX.length());
      if (encoded.length() % 4 != 0) { // the JDK decoder forgives missing padding; the spec's encoding does not
        throw new IllegalArgumentException("invalid Base64 padding");
      }
      return new String(Base64.getDecoder().decode(encoded), StandardCharsets.UTF_8);
    }
    return value;
  }

  private static JsonRpcError mismatch(String message) {
    return new JsonRpcError(ErrorCodes.HEADER_MISMATCH, "Header mismatch: " + message, null);
  }
}
