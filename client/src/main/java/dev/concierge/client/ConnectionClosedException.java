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
}
