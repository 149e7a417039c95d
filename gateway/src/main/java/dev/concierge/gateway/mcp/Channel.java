package dev.concierge.gateway.mcp;

import dev.concierge.protocol.JsonRpcMessage;
import dev.concierge.protocol.JsonRpcResponse;

/**
 * Where the messages of one downstream request go: notifications and server requests related to it, then its
 * response. An HTTP POST answers with plain JSON when nothing came before the response and switches to an SSE stream
 * at the first interim message; stdio writes every message as a line.
 */
public interface Channel {
  /** A notification or request related to the request, sent before its response. */
  void interim(JsonRpcMessage message);

  /** A no-op for the client (an SSE comment) on a long-lived stream, so that a client that left is noticed. */
  default void keepAlive() {}

  /** The response; nothing may follow it. */
  void complete(JsonRpcResponse response);
}
