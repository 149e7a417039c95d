package dev.concierge.client;

import dev.concierge.protocol.ErrorCodes;

/**
 * A transport could not deliver a message: an I/O failure, or an HTTP status without a JSON-RPC answer in the body.
 * {@link #httpStatus()} is {@code 0} when no HTTP exchange took place.
 */
public class TransportException extends McpClientException {
  private final int httpStatus;

  public TransportException(String server, String message, int httpStatus, Throwable cause) {
    super(server, ErrorCodes.CONNECTION_CLOSED, message, null, cause);
    this.httpStatus = httpStatus;
  }

  public int httpStatus() {
    return httpStatus;
  }
}
