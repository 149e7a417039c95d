package dev.concierge.client;

import dev.concierge.protocol.ErrorCodes;

/** No answer came within the request's timeout (or its hard cap, however much progress the server reported). */
public final class RequestTimeoutException extends McpClientException {
  public RequestTimeoutException(String server, String method, long millis) {
    super(server, ErrorCodes.REQUEST_TIMEOUT, method + " timed out after " + millis + " ms");
  }
}
