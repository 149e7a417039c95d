package dev.concierge.client.transport;

import dev.concierge.protocol.JsonRpcMessage;

/** Receives what a transport reads. Calls come from the transport's reader threads, one message at a time per stream. */
public interface TransportListener {
  /** A well-formed JSON-RPC message arrived. */
  void onMessage(JsonRpcMessage message);

  /**
   * Something arrived that is not a JSON-RPC message (garbage, an oversize line, a wrong envelope). The transport has
   * already discarded it; the listener logs it. {@code reason} never holds more than a short excerpt.
   */
  void onMalformed(String reason);

  /** The transport is gone for good; {@code cause} is {@code null} after an orderly close. Called at most once. */
  void onClosed(Throwable cause);
}
