package dev.concierge.client.transport;

import dev.concierge.protocol.JsonRpcMessage;
import dev.concierge.protocol.JsonRpcRequest;
import dev.concierge.protocol.JsonRpcResponse;
import dev.concierge.protocol.RequestId;

/**
 * Whether a line surely fits in a child's stdin pipe, so that writing it cannot block. A write blocks only when the
 * pipe is full, and what sits in the pipe is at most what was written since the child last proved it had read
 * everything before: an answer to the request written last is that proof (a server reads a request whole before
 * answering it). With no more than {@link #SURE_CAPACITY} bytes possibly unread, a write cannot block, so a caller
 * that will wait for its answer anyway may write on its own thread instead of handing the line to the writer thread.
 *
 * <p>Sequential calls reset the count with every answer. Under concurrent calls the request written last changes
 * often; when the count does not come down, lines simply go through the writer, as they always may.
 */
final class PipeRoom {
  /** The least a pipe holds: one page on Linux, where a user over the pipe-pages limit gets one-page pipes. */
  static final int SURE_CAPACITY = 4096;

  private record Mark(RequestId id, long end) {}

  private long written; // guarded by the transport's stdin lock: every write to the pipe goes through wrote()
  private volatile Mark lastRequest;
  private volatile long readThrough; // written only by the reader thread

  /** Whether {@code bytes} more cannot fill the pipe. Call with the stdin lock held. */
  boolean fits(int bytes) {
    return written - readThrough + bytes <= SURE_CAPACITY;
  }

  /** Counts a line just written. Call with the stdin lock held. */
  void wrote(JsonRpcMessage message, int bytes) {
    written += bytes;
    if (message instanceof JsonRpcRequest request) {
      lastRequest = new Mark(request.id(), written);
    }
  }

  /** Takes note of a message read from the child's stdout; called by the one reader thread. */
  void read(JsonRpcMessage message) {
    Mark mark = lastRequest;
    if (mark != null && message instanceof JsonRpcResponse response && mark.id().equals(response.id())
        && mark.end() > readThrough) {
      readThrough = mark.end();
    }
  }
}
