package dev.concierge.client.internal;

import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * Marks the stretch in which a thread starts a request it will then block on, so that the transport may send that
 * request on this thread instead of handing it to one of its own.
 *
 * <p>Why: a blocking call otherwise costs three thread wake-ups beyond the network's — the caller hands the request
 * to a transport thread, which sends it and waits, and the answer wakes both. Sent on the waiting thread (as a bare
 * {@code HttpClient.send} loop does) only the answer's wake-up is left, which is about a sixth of the client's CPU
 * per call under load (docs/BENCHMARKS.md).
 *
 * <p>Only requests of the named method claim the mark, so a request made on the way that nobody waits for here (a
 * {@code logging/setLevel} after a handshake, a {@code subscriptions/listen} that lasts as long as the connection)
 * still goes out on a transport thread. Marks nest: the handshake a first call triggers marks its own requests.
 */
public final class CallerWaits {
  private static final ThreadLocal<String> METHOD = new ThreadLocal<>();

  private CallerWaits() {}

  /**
   * Runs {@code start}, during which requests of {@code method} made on this thread may be sent on it; the caller
   * must block on the returned future right after (anything else would wait for the whole exchange first).
   */
  public static <T> CompletableFuture<T> during(String method, Supplier<CompletableFuture<T>> start) {
    String outer = METHOD.get();
    METHOD.set(method);
    try {
      return start.get();
    } finally {
      if (outer == null) {
        METHOD.remove();
      } else {
        METHOD.set(outer);
      }
    }
  }

  /** Whether the current thread will wait for the request of {@code method} it is making now. */
  static boolean waitsFor(String method) {
    return method.equals(METHOD.get());
  }
}
