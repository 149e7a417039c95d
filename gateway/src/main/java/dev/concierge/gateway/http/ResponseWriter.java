package dev.concierge.gateway.http;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.function.Consumer;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * Writes chunks to a Jetty response in order without blocking the caller: Jetty allows one write at a time, so
 * chunks queue while one is in flight. Messages come from any thread (upstream I/O, timers), none of which may wait
 * on a slow client. A failed write (the client went away) fails the exchange once and drops what follows.
 */
final class ResponseWriter implements SseSink {
  private record Chunk(ByteBuffer buffer, boolean last) {}

  private final Response response;
  private final Callback done;
  private final Consumer<Throwable> onFailure;
  private final ArrayDeque<Chunk> queue = new ArrayDeque<>();
  private boolean writing;
  private boolean closed;
  private boolean failed;

  ResponseWriter(Response response, Callback done, Consumer<Throwable> onFailure) {
    this.response = response;
    this.done = done;
    this.onFailure = onFailure;
  }

  /** Queues a chunk; {@code last} completes the response. Chunks after the last one are ignored. */
  @Override
  public void write(byte[] bytes, boolean last) {
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = last;
      queue.add(new Chunk(ByteBuffer.wrap(bytes), last));
      if (writing) {
        return;
      }
      writing = true;
    }
    pump();
  }

  @Override
  public synchronized boolean isFailed() {
    return failed;
  }

  private void pump() {
    Chunk chunk;
    synchronized (this) {
      chunk = queue.poll();
      if (chunk == null) {
        writing = false;
        return;
      }
    }
    response.write(chunk.last, chunk.buffer, Callback.from(() -> {
      if (chunk.last) {
        done.succeeded();
      } else {
        pump();
      }
    }, this::fail));
  }

  private void fail(Throwable error) {
    synchronized (this) {
      if (failed) {
        return;
      }
      failed = true;
      closed = true;
      queue.clear();
      writing = false;
    }
    done.failed(error);
    onFailure.accept(error);
  }
}
