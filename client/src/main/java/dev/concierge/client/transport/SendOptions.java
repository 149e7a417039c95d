package dev.concierge.client.transport;

import java.util.Map;

/**
 * What a transport needs to know about one outgoing message beyond its JSON.
 *
 * @param protocolVersion the version for the {@code MCP-Protocol-Version} header, or {@code null} before one is agreed
 * @param headers extra HTTP headers: {@code Mcp-Method}, {@code Mcp-Name}, {@code Mcp-Param-*}, per-call auth;
 *     ignored by stdio
 * @param callerWaits the calling thread blocks on this request's answer as soon as {@code send} returns, so the
 *     transport may do the sending on it, returning once the answer has been delivered (Streamable HTTP does; the
 *     others ignore it)
 */
public record SendOptions(String protocolVersion, Map<String, String> headers, boolean callerWaits) {
  public static final SendOptions NONE = new SendOptions(null, Map.of());

  public SendOptions {
    headers = headers == null ? Map.of() : Map.copyOf(headers);
  }

  public SendOptions(String protocolVersion, Map<String, String> headers) {
    this(protocolVersion, headers, false);
  }

  /** The same options, sent by a thread that then waits for the answer. */
  public SendOptions sentByWaitingCaller() {
    return callerWaits ? this : new SendOptions(protocolVersion, headers, true);
  }
}
