package dev.concierge.client.transport;

import dev.concierge.protocol.JsonRpcMessage;
import dev.concierge.protocol.JsonRpcRequest;
import dev.concierge.protocol.JsonRpcResponse;
import dev.concierge.protocol.RequestId;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Whether a line surely fits in a child's stdin pipe, so that writing it cannot block. A write blocks only when the
 * pipe is full, and what sits in the pipe is at most what was written since the child last proved it had read
 * everything before: an answer to a request is that proof up to the end of the request (a server reads a request
 * whole before answering it, and the pipe keeps order). With no more than {@link #SURE_CAPACITY} bytes possibly
 * unread, a write cannot block, so a caller that will wait for its answer anyway may write on its own thread instead
 * of handing the line to the writer thread.
 */
final class PipeRoom {
  /** The least a pipe holds: one page on Linux, where a user over the pipe-pages limit gets one-page pipes. */
  static final int SURE_CAPACITY = 4096;

  private long written; // guarded by the transport's stdin lock: every write to the pipe goes through wrote()
  /** Where each request written and not yet answered ends in the stream of bytes written. */
  private final Map<RequestId, Long> ends = new ConcurrentHashMap<>();
  private volatile long readThrough; // written only by the reader thread

  /** Whether {@code bytes} more cannot fill the pipe. Call with the stdin lock held. */
  boolean fits(int bytes) {
    return written - readThrough + bytes <= SURE_CAPACITY;
  }

  /** Counts a line just written. Call with the stdin lock held. */
  void wrote(JsonRpcMessage message, int bytes) {
    written += bytes;
    if (message instanceof JsonRpcRequest request) {
      ends.put(request.id(), written);
    }
  }

  /** Takes note of a message read from the child's stdout; called by the one reader thread. */
  void read(JsonRpcMessage message) {
    if (!(message instanceof JsonRpcResponse response)) {
      return;
    }
    Long end = ends.remove(response.id());
    if (end != null && end > readThrough) {
      readThrough = end;
      // Requests that ended before it were read too: their entries go, answered or not (a request never answered,
      // timed out or cancelled, must not stay here for the life of the connection).
      ends.values().removeIf(e -> e <= end);
    }
  }
}
