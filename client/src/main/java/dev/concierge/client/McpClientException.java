package dev.concierge.client;

import com.fasterxml.jackson.databind.JsonNode;
import dev.concierge.protocol.McpException;

/**
 * Root of the client module's exceptions: every failure names the server it concerns (or {@code null} when none
 * does) and carries the JSON-RPC code that describes it. Messages never contain arguments, headers or tokens.
 */
public class McpClientException extends McpException {
  private final String server;
  private final String detail;

  public McpClientException(String server, int code, String message) {
    this(server, code, message, null, null);
  }

  public McpClientException(String server, int code, String message, JsonNode data, Throwable cause) {
    super(code, server == null ? message : "[" + server + "] " + message, data, cause);
    this.server = server;
    this.detail = message;
  }

  /** The message without the {@code [server]} tag, for reports that already name the server. */
  public String detail() {
    return detail;
  }

  /** The configured name of the server this failure concerns, or {@code null}. */
  public String server() {
    return server;
  }
}
