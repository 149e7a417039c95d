package dev.concierge.gateway.http;

/** Where an SSE stream's bytes go: a client's response, or another node that resumed the stream for its client. */
interface SseSink {
  /** Queues a chunk without blocking; {@code last} ends the stream. */
  void write(byte[] bytes, boolean last);

  /** Whether nothing written now reaches anyone (the client went away). */
  boolean isFailed();

  /** Another connection took the stream over: nothing more comes here. */
  default void replaced() {}
}
