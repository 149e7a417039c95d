package dev.concierge.client.transport;

import dev.concierge.protocol.RequestId;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.http.HttpResponse;
import java.util.function.BooleanSupplier;

/**
 * Keeps a legacy-era GET stream going: reads it, and when it ends waits (the server's SSE {@code retry}, else
 * exponential backoff) and reopens it with {@code Last-Event-ID} so the server can replay what was missed. Serves both
 * the standalone stream and the resumption of a POST stream that broke before its response.
 *
 * <p>Bounded: the loop stops at once when no retry can help (the server refuses the stream with a 4xx other than 408
 * and 429, or nothing listens at the endpoint any more), and gives up after
 * {@link HttpTransportLimits#maxReconnectAttempts()} fruitless connections in a row: ones that delivered no event and
 * stayed open less than {@link HttpTransportLimits#maxReconnectDelay()}.
 */
final class GetStreamLoop {
  /** Why the loop ended. */
  enum End {
    /** The awaited response arrived. */
    ANSWERED,
    /** The server answered 405: it offers no GET stream. */
    UNSUPPORTED,
    /** The server answered another 4xx (404: the session is gone); asking again cannot help. */
    REFUSED,
    /** Nothing accepts connections any more: the server process, and any replay buffer it had, is gone. */
    UNREACHABLE,
    /** Too many fruitless attempts. */
    GAVE_UP,
    /** Stopped from outside: abandoned, closed, or no longer wanted. */
    STOPPED
  }

  private final HttpEndpoint endpoint;
  private final SseMessagePump pump;
  private final HttpTransportLimits limits;

  GetStreamLoop(HttpEndpoint endpoint, SseMessagePump pump, HttpTransportLimits limits) {
    this.endpoint = endpoint;
    this.pump = pump;
    this.limits = limits;
  }

  /**
   * Runs on the calling thread until the loop ends.
   *
   * @param handle aborts the current connection when stopped
   * @param cursor the stream's last event id and retry, updated as events arrive
   * @param awaited the response that ends the loop, or {@code null} to run until stopped
   * @param wanted checked before every reconnection; {@code false} ends the loop
   * @param previous how the stream being resumed ended, or {@code null} to connect at once
   */
  End run(HttpExchanges.StreamHandle handle, String version, String session, SseMessagePump.Cursor cursor,
      RequestId awaited, BooleanSupplier wanted, SseMessagePump.Outcome previous) {
    SseMessagePump.Outcome outcome = previous;
    long openedAt = System.nanoTime();
    int failures = 0;
    while (true) {
      if (outcome != null) {
        if (outcome.answered()) {
          return End.ANSWERED;
        }
        boolean fruitful = outcome.events() > 0
            || System.nanoTime() - openedAt >= limits.maxReconnectDelay().toNanos();
        failures = fruitful ? 1 : failures + 1;
        if (failures > limits.maxReconnectAttempts()) {
          return End.GAVE_UP;
        }
        if (!pause(cursor, failures)) {
          return End.STOPPED;
        }
      }
      if (handle.isStopped() || !wanted.getAsBoolean()) {
        return End.STOPPED;
      }
      HttpResponse<InputStream> response;
      try {
        response = endpoint.openStream(handle, version, session, cursor.lastEventId, limits.maxReconnectDelay());
      } catch (ConnectException e) {
        return End.UNREACHABLE;
      }
      // A stream's health is timed from its answer: an open that waited out its timeout for headers is no healthier
      // than one refused at once.
      openedAt = System.nanoTime();
      if (response == null) {
        outcome = SseMessagePump.Outcome.NOTHING;
        continue;
      }
      int status = response.statusCode();
      if (status >= 400 && status < 500 && status != 408 && status != 429) {
        HttpExchanges.closeQuietly(response.body());
        return status == 405 ? End.UNSUPPORTED : End.REFUSED;
      }
      if (HttpExchanges.isSuccess(status) && HttpExchanges.isEventStream(response)) {
        outcome = pump.pump(response.body(), cursor, awaited, handle, null);
      } else {
        HttpExchanges.closeQuietly(response.body());
        outcome = SseMessagePump.Outcome.NOTHING;
      }
    }
  }

  private boolean pause(SseMessagePump.Cursor cursor, int failures) {
    long millis = cursor.retryMillis >= 0 ? cursor.retryMillis : limits.backoff(failures).toMillis();
    try {
      Thread.sleep(millis);
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt(); // the transport is closing
      return false;
    }
  }
}
