package dev.concierge.client.transport;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The bound on how long a response waits for the end of its SSE body (see {@code StreamableHttpTransport}), kept by
 * one timer for every stream of the process. Nearly every body ends within microseconds of its response, so a
 * timer per response — a timer thread's wake-up and a hand-off for each call, to do nothing — cost more than the
 * wait it bounds: here a response only joins a set, and one sweep per hold period releases those still waiting.
 *
 * <p>Even one sweep per period woke the timer twice on nearly every sequential call (the sweep scheduled on an idle
 * timer, then its run), on the client thread between the answer and the end of its body, to find nothing. So while
 * sweeps keep finding nothing to release they come less often, each twice as late as the last, up to
 * {@value #MAX_BACKOFF} hold periods; the first one that releases something brings them back to every period. A
 * server that keeps its streams open after answering has its first such response released within 16 holds
 * (16 ms by default), the ones after it within one hold.
 */
final class AnswerHold {
  private static final ScheduledThreadPoolExecutor TIMER = new ScheduledThreadPoolExecutor(1, task -> {
    Thread thread = new Thread(task, "concierge-http-hold");
    thread.setDaemon(true);
    return thread;
  });

  private static final int MAX_BACKOFF = 16;

  private final long holdNanos;
  /** How long the next sweep waits: the hold, doubled by each sweep that released nothing, up to the backoff. */
  private volatile long sweepDelay;
  /** Held responses and when each must be released (System.nanoTime). */
  private final Map<Runnable, Long> held = new ConcurrentHashMap<>();
  private final AtomicBoolean armed = new AtomicBoolean();

  AnswerHold(long holdNanos) {
    this.holdNanos = holdNanos;
    this.sweepDelay = holdNanos;
  }

  /**
   * Runs {@code release} once the hold time is out, unless {@link #cancel} comes first. {@code release} runs on the
   * timer's thread: it must only hand the work to another thread.
   */
  void hold(Runnable release) {
    held.put(release, System.nanoTime() + holdNanos);
    arm();
  }

  /** The body ended in time: nothing to release. */
  void cancel(Runnable release) {
    held.remove(release);
  }

  /** Schedules a sweep unless one is due (see the class comment for when). */
  private void arm() {
    if (armed.compareAndSet(false, true)) {
      TIMER.schedule(this::sweep, sweepDelay, TimeUnit.NANOSECONDS);
    }
  }

  private void sweep() {
    long now = System.nanoTime();
    long next = Long.MAX_VALUE; // the earliest still held, so that none waits a whole period more than its hold
    boolean released = false;
    for (Map.Entry<Runnable, Long> e : held.entrySet()) {
      long due = e.getValue();
      if (due - now <= 0) {
        if (held.remove(e.getKey(), due)) {
          e.getKey().run();
          released = true;
        }
      } else if (due - now < next) {
        next = due - now;
      }
    }
    long delay = released ? holdNanos : Math.min(sweepDelay * 2, holdNanos * MAX_BACKOFF);
    sweepDelay = delay;
    armed.set(false);
    if (!held.isEmpty() && armed.compareAndSet(false, true)) { // held after this sweep began, or not yet due
      TIMER.schedule(this::sweep, Math.max(Math.min(next, holdNanos), delay), TimeUnit.NANOSECONDS);
    }
  }
}
