package dev.concierge.client.transport;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.concierge.protocol.ErrorCodes;
import dev.concierge.protocol.Json;
import dev.concierge.protocol.JsonRpcError;
import dev.concierge.protocol.JsonRpcMessage;
import dev.concierge.protocol.JsonRpcResponse;
import dev.concierge.protocol.RequestId;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.function.Consumer;

/**
 * Reads one SSE response body and hands the JSON-RPC message in each {@code message} event to the listener, on the
 * calling thread, in stream order. Events of other types go to a hook (the legacy transport's {@code endpoint});
 * events with empty data (the spec's priming events) carry nothing and are skipped.
 */
final class SseMessagePump {
  /** Where a stream stands, carried from one connection to its reconnection. */
  static final class Cursor {
    String lastEventId;
    long retryMillis = -1;

    boolean hasEventId() {
      return lastEventId != null && !lastEventId.isEmpty();
    }
  }

  /**
   * How a connection ended.
   *
   * @param answered the awaited response arrived (reading stopped right after it)
   * @param events how many events arrived, priming events included; zero means the connection achieved nothing
   * @param failure the I/O error that broke the stream, or {@code null} when it ended normally
   */
  record Outcome(boolean answered, int events, IOException failure) {
    static final Outcome NOTHING = new Outcome(false, 0, null);
  }

  private static final String STREAM_LOST = "streamLost";

  private final TransportListener listener;
  private final int maxEventBytes;

  SseMessagePump(TransportListener listener, int maxEventBytes) {
    this.listener = listener;
    this.maxEventBytes = maxEventBytes;
  }

  /**
   * Reads {@code body} until it ends, {@code handle} is stopped, or the response to {@code awaited} (may be
   * {@code null}) has been delivered; closes the body and updates {@code cursor} in every case.
   */
  Outcome pump(InputStream body, Cursor cursor, RequestId awaited, HttpExchanges.StreamHandle handle,
      Consumer<SseEventReader.Event> otherEvents) {
    handle.attach(body);
    Feed feed = open(cursor, awaited, handle, otherEvents);
    IOException failure = null;
    try {
      feed.reader.readAll(body);
    } catch (IOException e) {
      failure = e;
    } finally {
      HttpExchanges.closeQuietly(body);
    }
    return feed.finish(failure);
  }

  /**
   * Starts reading an SSE body that arrives in pieces (pushed by the HTTP client) instead of from a stream: feed it
   * every buffer, in order, from one thread at a time, and {@link Feed#finish} it once.
   */
  Feed open(Cursor cursor, RequestId awaited, HttpExchanges.StreamHandle handle,
      Consumer<SseEventReader.Event> otherEvents) {
    return new Feed(cursor, new Delivery(awaited, handle, otherEvents));
  }

  /** One SSE body being read; the same rules as {@link #pump}, with the caller doing the I/O. */
  final class Feed {
    private final Cursor cursor;
    private final Delivery delivery;
    private final SseEventReader reader;

    private Feed(Cursor cursor, Delivery delivery) {
      this.cursor = cursor;
      this.delivery = delivery;
      this.reader = new SseEventReader(maxEventBytes, cursor.lastEventId, delivery);
      delivery.reader = reader;
    }

    /** Parses {@code buffer}; messages complete in it are delivered before this returns. */
    void feed(ByteBuffer buffer) {
      reader.feed(buffer);
    }

    /** Whether reading should stop: the awaited response arrived, or the handle was stopped. */
    boolean isDone() {
      return reader.isStopped();
    }

    boolean answered() {
      return delivery.answered;
    }

    /** Keeps the awaited response back when it arrives, until {@link #release}: nothing else is held. */
    void holdAnswer() {
      delivery.hold = true;
    }

    /** Delivers a response held back by {@link #holdAnswer}, once, unless the handle was stopped meanwhile. */
    void release() {
      JsonRpcMessage held = delivery.held.getAndSet(null);
      if (held != null && !delivery.handle.isStopped()) {
        listener.onMessage(held);
      }
    }

    /** Ends the reading ({@code failure}: the I/O error that broke the stream, or null) and updates the cursor. */
    Outcome finish(IOException failure) {
      cursor.lastEventId = reader.lastEventId();
      if (reader.retryMillis() >= 0) {
        cursor.retryMillis = reader.retryMillis();
      }
      return new Outcome(delivery.answered, delivery.events, failure);
    }
  }

  /** The error delivered for {@code id} when its response stream ended for good without the response. */
  static JsonRpcResponse streamLost(RequestId id, boolean serverUnreachable) {
    ObjectNode data = Json.object().put(STREAM_LOST, true).put("serverUnreachable", serverUnreachable);
    return JsonRpcResponse.failure(id, new JsonRpcError(ErrorCodes.CONNECTION_CLOSED,
        serverUnreachable ? "the server went away before the response arrived"
            : "the response stream ended before the response arrived", data));
  }

  static boolean isStreamLost(JsonRpcError error) {
    return error != null && error.code() == ErrorCodes.CONNECTION_CLOSED && error.data() != null
        && error.data().path(STREAM_LOST).asBoolean(false);
  }

  private final class Delivery implements SseEventReader.Handler {
    private final RequestId awaited;
    private final HttpExchanges.StreamHandle handle;
    private final Consumer<SseEventReader.Event> otherEvents;
    private SseEventReader reader;
    private boolean hold;
    private final java.util.concurrent.atomic.AtomicReference<JsonRpcMessage> held =
        new java.util.concurrent.atomic.AtomicReference<>();
    private volatile boolean answered;
    private volatile int events;

    Delivery(RequestId awaited, HttpExchanges.StreamHandle handle, Consumer<SseEventReader.Event> otherEvents) {
      this.awaited = awaited;
      this.handle = handle;
      this.otherEvents = otherEvents;
    }

    @Override
    public void onEvent(SseEventReader.Event event) {
      events++;
      if (handle.isStopped()) {
        reader.stop(); // abandoned: whatever still arrives belongs to nobody
        return;
      }
      if (!"message".equals(event.type())) {
        if (otherEvents != null) {
          otherEvents.accept(event);
        }
        return;
      }
      if (event.data().isEmpty()) {
        return;
      }
      JsonRpcMessage message;
      try {
        message = JsonRpcMessage.parse(event.data());
      } catch (RuntimeException e) {
        listener.onMalformed("SSE event is not a JSON-RPC message: " + shorten(e.getMessage()));
        return;
      }
      boolean answer = awaited != null && message instanceof JsonRpcResponse response
          && awaited.equals(response.id());
      if (answer && hold) {
        held.set(message);
      } else {
        listener.onMessage(message);
      }
      if (answer) {
        answered = true;
        reader.stop();
      }
    }

    @Override
    public void onOversize(int limit) {
      listener.onMalformed("discarded an SSE event larger than " + limit + " bytes");
    }
  }

  private static String shorten(String text) {
    if (text == null) {
      return "";
    }
    return text.length() > 200 ? text.substring(0, 200) + "..." : text;
  }
}
