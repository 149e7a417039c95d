package dev.concierge.client;

import com.fasterxml.jackson.databind.JsonNode;

/** The server answered with a JSON-RPC error; {@link #code()} and {@link #data()} are the server's own. */
public final class ServerErrorException extends McpClientException {
  public ServerErrorException(String server, int code, String message, JsonNode data) {
    super(server, code, message, data, null);
  }
}
