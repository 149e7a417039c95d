package dev.concierge.client.transport;

import java.time.Duration;

/**
 * Bounds of the HTTP transports, so that no server can make the client run out of memory or retry forever.
 *
 * @param maxJsonBytes largest {@code application/json} response body; a larger one fails the send
 * @param maxEventBytes largest SSE event (its data lines together); a larger one is discarded and reported as malformed
 * @param maxReconnectAttempts how many times in a row a stream may be reopened without delivering anything before the
 *     transport gives up on it (the standalone GET stream, or resuming a broken POST stream)
 * @param initialReconnectDelay wait before the first reopen when the server sent no SSE {@code retry}; doubles per
 *     failed attempt
 * @param maxReconnectDelay cap of that doubling; a stream that stayed open this long counts as healthy again; also
 *     how long a reopened stream may take to answer with its headers before the attempt counts as failed
 * @param endpointTimeout how long the legacy HTTP+SSE transport waits for its {@code endpoint} event
 * @param closeTimeout how long {@code close()} waits for the server to answer the session DELETE
 */
public record HttpTransportLimits(
    long maxJsonBytes,
    int maxEventBytes,
    int maxReconnectAttempts,
    Duration initialReconnectDelay,
    Duration maxReconnectDelay,
    Duration endpointTimeout,
    Duration closeTimeout) {

  /** 32 MiB JSON, 16 MiB events, 5 attempts from 1 s up to 30 s, 30 s for the endpoint, 5 s for the DELETE. */
  public static final HttpTransportLimits DEFAULTS = new HttpTransportLimits(
      32L << 20, 16 << 20, 5, Duration.ofSeconds(1), Duration.ofSeconds(30), Duration.ofSeconds(30),
      Duration.ofSeconds(5));

  public HttpTransportLimits {
    if (maxJsonBytes <= 0 || maxEventBytes <= 0) {
      throw new IllegalArgumentException(
          "body limits must be positive, were maxJsonBytes=" + maxJsonBytes + " maxEventBytes=" + maxEventBytes);
    }
    if (maxReconnectAttempts < 0) {
      throw new IllegalArgumentException("maxReconnectAttempts must be zero or positive, was " + maxReconnectAttempts);
    }
    positive(initialReconnectDelay, "initialReconnectDelay");
    positive(maxReconnectDelay, "maxReconnectDelay");
    positive(endpointTimeout, "endpointTimeout");
    positive(closeTimeout, "closeTimeout");
  }

  public HttpTransportLimits withMaxJsonBytes(long value) {
    return new HttpTransportLimits(value, maxEventBytes, maxReconnectAttempts, initialReconnectDelay,
        maxReconnectDelay, endpointTimeout, closeTimeout);
  }

  public HttpTransportLimits withMaxEventBytes(int value) {
    return new HttpTransportLimits(maxJsonBytes, value, maxReconnectAttempts, initialReconnectDelay,
        maxReconnectDelay, endpointTimeout, closeTimeout);
  }

  public HttpTransportLimits withReconnect(int attempts, Duration initialDelay, Duration maxDelay) {
    return new HttpTransportLimits(maxJsonBytes, maxEventBytes, attempts, initialDelay, maxDelay, endpointTimeout,
        closeTimeout);
  }

  public HttpTransportLimits withEndpointTimeout(Duration value) {
    return new HttpTransportLimits(maxJsonBytes, maxEventBytes, maxReconnectAttempts, initialReconnectDelay,
        maxReconnectDelay, value, closeTimeout);
  }

  /** The wait before reopening a stream after {@code failures} failed attempts (1-based), absent a server retry. */
  Duration backoff(int failures) {
    Duration delay = initialReconnectDelay;
    for (int i = 1; i < failures && delay.compareTo(maxReconnectDelay) < 0; i++) {
      delay = delay.multipliedBy(2);
    }
    return delay.compareTo(maxReconnectDelay) > 0 ? maxReconnectDelay : delay;
  }

  private static void positive(Duration value, String what) {
    if (value == null || value.isZero() || value.isNegative()) {
      throw new IllegalArgumentException(what + " must be positive, was " + value);
    }
  }
}
