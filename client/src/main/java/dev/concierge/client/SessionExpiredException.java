package dev.concierge.client;

/**
 * A legacy Streamable HTTP server answered 404 to a request that carried its {@code Mcp-Session-Id}: the session is
 * gone. The connection re-initializes and repeats the request once when that is safe.
 */
public final class SessionExpiredException extends TransportException {
  public SessionExpiredException(String server) {
    super(server, "session expired (HTTP 404)", 404, null);
  }
}
