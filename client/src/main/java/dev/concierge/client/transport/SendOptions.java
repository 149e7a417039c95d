package dev.concierge.client.transport;

import java.util.Map;

/**
 * What a transport needs to know about one outgoing message beyond its JSON.
 *
 * @param protocolVersion the version for the {@code MCP-Protocol-Version} header, or {@code null} before one is agreed
 * @param headers extra HTTP headers: {@code Mcp-Method}, {@code Mcp-Name}, {@code Mcp-Param-*}, per-call auth;
 *     ignored by stdio
 */
public record SendOptions(String protocolVersion, Map<String, String> headers) {
  public static final SendOptions NONE = new SendOptions(null, Map.of());

  public SendOptions {
    headers = headers == null ? Map.of() : Map.copyOf(headers);
  }
}
