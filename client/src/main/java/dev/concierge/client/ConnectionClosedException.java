package dev.concierge.client;

import dev.concierge.protocol.ErrorCodes;

/**
 * The connection to the server ended (the process exited, the stream broke, the client closed) while a request was
 * pending, or no connection could be made. The next call reconnects.
 */
public final class ConnectionClosedException extends McpClientException {
  public ConnectionClosedException(String server, String message, Throwable cause) {
    super(server, ErrorCodes.CONNECTION_CLOSED, message, null, cause);
  }

  private ConnectionClosedException(String server, String message, com.fasterxml.jackson.databind.JsonNode data) {
    super(server, ErrorCodes.CONNECTION_CLOSED, message, data, null);
  }

  /** With structured detail, e.g. {@code {"serverUnreachable": true}} when nothing listens at the endpoint any more. */
  public static ConnectionClosedException withDetail(String server, String message,
      com.fasterxml.jackson.databind.JsonNode data) {
    return new ConnectionClosedException(server, message, data);
  }

  /** Whether the transport found nothing listening where the server was: its process is gone. */
  public boolean serverUnreachable() {
    return data() != null && data().path("serverUnreachable").asBoolean(false);
  }
}
