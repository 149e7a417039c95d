package dev.concierge.client.transport;

import dev.concierge.protocol.JsonRpcMessage;
import dev.concierge.protocol.RequestId;
import java.util.concurrent.CompletableFuture;

/**
 * Moves JSON-RPC messages between this client and one MCP server. Transports know framing and HTTP, never MCP
 * semantics: correlation, timeouts and the handshake belong to the session above.
 *
 * <p>Life cycle: {@link #start} once, then any number of {@link #send} calls from any thread, then {@link #close}.
 * After the transport dies it calls {@link TransportListener#onClosed} exactly once and every later send fails.
 */
public interface McpTransport extends AutoCloseable {
  /** Starts the transport (spawns the process, opens streams). Inbound messages go to {@code listener}. */
  void start(TransportListener listener);

  /**
   * Sends one message. The future completes when the transport has handed it over (HTTP: the server accepted the
   * POST and any answer has been routed to the listener or is streaming to it); it fails with a
   * {@code TransportException} when the message could not be delivered. An HTTP error whose body is a JSON-RPC
   * response is delivered to the listener as that response, not as a failure.
   */
  CompletableFuture<Void> send(JsonRpcMessage message, SendOptions options);

  /**
   * Gives up on a request in the transport's own way. Streamable HTTP in the 2026-07-28 era closes the request's
   * response stream, which the spec defines as cancellation. Returns {@code false} when the transport has no such
   * mechanism, so the session sends {@code notifications/cancelled} instead.
   */
  default boolean abandon(RequestId id) {
    return false;
  }

  /** Short description for status lines and logs, e.g. {@code stdio: npx -y pkg} or {@code http://127.0.0.1/mcp}. */
  String describe();

  /** Closes gracefully; idempotent. Pending sends fail. */
  @Override
  void close();
}
