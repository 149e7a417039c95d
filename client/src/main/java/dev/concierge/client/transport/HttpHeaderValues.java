package dev.concierge.client.transport;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Objects;

/**
 * Encodes values for the MCP request headers {@code Mcp-Name} and {@code Mcp-Param-*} per the 2026-07-28 Streamable
 * HTTP "Value Encoding" rule: a value that is not safe as a plain header value travels as
 * {@code =?base64?<Base64 of its UTF-8 bytes>?=}.
 *
 * <p>A value needs the sentinel form when it holds anything but printable ASCII (0x20-0x7E), starts or ends with
 * whitespace, or itself looks like the sentinel. Horizontal tab is legal in HTTP field values but is a control
 * character, so it is encoded too: the spec asks for encoding on control characters, and a server that decodes what
 * it receives accepts both forms.
 */
public final class HttpHeaderValues {
  private static final String PREFIX = "=?base64?";
  private static final String SUFFIX = "?=";

  private HttpHeaderValues() {}

  /** The header form of {@code value}: unchanged when it is safe plain ASCII, else the Base64 sentinel form. */
  public static String encodeHeaderValue(String value) {
    Objects.requireNonNull(value, "value");
    if (!needsEncoding(value)) {
      return value;
    }
    return PREFIX + Base64.getEncoder().encodeToString(value.getBytes(StandardCharsets.UTF_8)) + SUFFIX;
  }

  /**
   * The header form of a JSON tool argument ({@code x-mcp-header}): strings as-is, integers in decimal, booleans as
   * {@code true}/{@code false}, then {@link #encodeHeaderValue}. Returns {@code null} when the header must be omitted
   * (absent or {@code null} value) or the type has no header form (objects, arrays, fractional numbers).
   */
  public static String encodeJsonValue(JsonNode value) {
    if (value == null || value.isNull() || value.isMissingNode()) {
      return null;
    }
    if (value.isTextual()) {
      return encodeHeaderValue(value.asText());
    }
    if (value.isBoolean()) {
      return value.asBoolean() ? "true" : "false";
    }
    if (value.isIntegralNumber()) {
      return value.bigIntegerValue().toString();
    }
    if (value.isNumber() && value.decimalValue().stripTrailingZeros().scale() <= 0) {
      // 42.0 is the integer 42 in JSON Schema terms; servers compare numerically.
      return value.decimalValue().toBigInteger().toString();
    }
    return null;
  }

  /**
   * The original value of a header written by {@link #encodeHeaderValue}; a value not in sentinel form, or whose
   * Base64 is invalid, is returned unchanged. For servers and tests.
   */
  public static String decodeHeaderValue(String header) {
    Objects.requireNonNull(header, "header");
    if (header.length() < PREFIX.length() + SUFFIX.length() || !isSentinel(header)) {
      return header;
    }
    String payload = header.substring(PREFIX.length(), header.length() - SUFFIX.length());
    try {
      return new String(Base64.getDecoder().decode(payload), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return header;
    }
  }

  private static boolean needsEncoding(String value) {
    if (value.isEmpty()) {
      return false;
    }
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c < 0x20 || c > 0x7E) {
        return true;
      }
    }
    return value.charAt(0) == ' ' || value.charAt(value.length() - 1) == ' ' || isSentinel(value);
  }

  private static boolean isSentinel(String value) {
    return value.startsWith(PREFIX) && value.endsWith(SUFFIX);
  }
}
