package dev.concierge.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Callers sharing one client, calling until stopped, each call with a deadline and retried once when it fails — as an
 * application behind a balancer would call. Unlike {@link Load}, which counts calls, this runs for a time and keeps
 * when every call started and ended, so that what happened around a given instant can be read afterwards.
 */
final class SteadyLoad {
  /**
   * One call, its retry included.
   *
   * @param startNanos when the first attempt began
   * @param firstEndNanos when the first attempt ended (failed or not)
   * @param endNanos when the call ended, after its retry if it had one
   * @param attempts 1, or 2 when the first attempt failed
   * @param ok whether one attempt gave the right answer
   * @param overDeadline attempts that ran their whole deadline: the call would have hung without one
   * @param hung attempts that ran past the client's own deadline, stopped only by the benchmark's hard bound
   * @param firstError the first attempt's failure, or {@code null}
   */
  record Call(long startNanos, long firstEndNanos, long endNanos, int attempts, boolean ok, int overDeadline,
      int hung, String firstError) {
    long latencyNanos() {
      return endNanos - startNanos;
    }
  }

  private final ConciergeEcho client;
  private final Duration deadline;
  private final AtomicBoolean running = new AtomicBoolean(true);
  private final List<Thread> callers = new ArrayList<>();
  private final List<List<Call>> calls = new ArrayList<>();

  private SteadyLoad(ConciergeEcho client, Duration deadline) {
    this.client = client;
    this.deadline = deadline;
  }

  static SteadyLoad start(ConciergeEcho client, int threads, Duration deadline) {
    SteadyLoad load = new SteadyLoad(client, deadline);
    for (int t = 0; t < threads; t++) {
      List<Call> own = new ArrayList<>(); // one list per caller: nothing shared while calling
      load.calls.add(own);
      int caller = t;
      Thread thread = new Thread(() -> load.callUntilStopped(caller, own), "steady-caller-" + t);
      load.callers.add(thread);
      thread.start();
    }
    return load;
  }

  /** Stops the callers, waits for their last calls (each bounded by its deadlines), and returns every call. */
  List<Call> stop() throws InterruptedException {
    running.set(false);
    for (Thread caller : callers) {
      caller.join();
    }
    List<Call> all = new ArrayList<>();
    calls.forEach(all::addAll);
    all.sort(Comparator.comparingLong(Call::startNanos));
    return all;
  }

  private void callUntilStopped(int caller, List<Call> own) {
    for (int n = 0; running.get(); n++) {
      String message = "c" + caller + "-" + n;
      long start = System.nanoTime();
      long firstEnd = 0;
      String firstError = null;
      int attempts = 0;
      int overDeadline = 0;
      int hung = 0;
      boolean ok = false;
      while (!ok && attempts < 2) {
        attempts++;
        long attemptStart = System.nanoTime();
        try {
          client.echo(message, deadline);
          ok = true;
        } catch (InterruptedException e) {
          return;
        } catch (Exception e) {
          hung += e instanceof TimeoutException ? 1 : 0;
          firstError = firstError != null ? firstError : describe(e);
        }
        overDeadline += System.nanoTime() - attemptStart >= deadline.toNanos() ? 1 : 0;
        firstEnd = firstEnd != 0 ? firstEnd : System.nanoTime();
      }
      own.add(new Call(start, firstEnd, System.nanoTime(), attempts, ok, overDeadline, hung, firstError));
    }
  }

  /** The failure's class and message, without the wrappers of futures; short enough for a table. */
  static String describe(Throwable e) {
    Throwable cause = e;
    while ((cause instanceof ExecutionException || cause instanceof CompletionException) && cause.getCause() != null) {
      cause = cause.getCause();
    }
    String text = cause.getClass().getSimpleName() + ": " + cause.getMessage();
    return text.length() <= 160 ? text : text.substring(0, 157) + "...";
  }
}
