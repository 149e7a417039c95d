package dev.concierge.client.internal;

import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Request timeouts without a scheduler task per request. Nearly every request is answered long before its timeout,
 * and a task per request (scheduled, then cancelled) woke the scheduler's thread on almost every call: a new task
 * that becomes the queue's head signals the thread waiting on the old head. Here a deadline is an entry in a sorted
 * map, dropped when the answer comes, and one sweep is scheduled for the earliest deadline: a deadline later than
 * the sweep already scheduled (the usual case: same timeout, later start) touches no thread. The sweep runs the
 * expiries that are due and schedules itself for the next deadline, so a request still expires on time, and a busy
 * client's scheduler wakes about once per timeout period instead of once per call.
 */
final class Deadlines {
  private static final long NONE = Long.MAX_VALUE;

  /** One deadline; ordered by time, then by when it was added, so equal times never collide. */
  record Key(long atNanos, long seq) implements Comparable<Key> {
    @Override
    public int compareTo(Key other) {
      int byTime = Long.compare(atNanos - other.atNanos, 0); // nanoTime order survives wrap-around
      return byTime != 0 ? byTime : Long.compare(seq, other.seq);
    }
  }

  private final ScheduledExecutorService scheduler;
  private final LongSupplier clock;
  private final ConcurrentSkipListMap<Key, Runnable> pending = new ConcurrentSkipListMap<>();
  private final AtomicLong seq = new AtomicLong();
  private volatile long sweepAt = NONE; // when the scheduled sweep runs; NONE while none is scheduled
  private ScheduledFuture<?> sweep; // guarded by this

  Deadlines(ScheduledExecutorService scheduler, LongSupplier nanoClock) {
    this.scheduler = scheduler;
    this.clock = nanoClock;
  }

  /** Runs {@code expiry} on the scheduler once {@code afterNanos} have passed, unless {@link #remove}d first. */
  Key add(long afterNanos, Runnable expiry) {
    Key key = new Key(clock.getAsLong() + afterNanos, seq.incrementAndGet());
    pending.put(key, expiry);
    // Read after the put: a sweep that has just cleared sweepAt reads the map after clearing it, so one of the two
    // sees the other and this deadline is never left without a sweep.
    long scheduled = sweepAt;
    if (scheduled == NONE || key.atNanos() - scheduled < 0) {
      sweepBy(key.atNanos());
    }
    return key;
  }

  /** Drops a deadline; its expiry will not run (unless it is running already). */
  void remove(Key key) {
    pending.remove(key);
  }

  /** Makes sure a sweep runs no later than {@code atNanos}. */
  private synchronized void sweepBy(long atNanos) {
    if (sweepAt != NONE && sweepAt - atNanos <= 0) {
      return;
    }
    if (sweep != null) {
      sweep.cancel(false);
    }
    sweepAt = atNanos;
    sweep = scheduler.schedule(this::sweep, Math.max(0, atNanos - clock.getAsLong()), TimeUnit.NANOSECONDS);
  }

  private void sweep() {
    synchronized (this) {
      sweep = null;
      sweepAt = NONE;
    }
    long now = clock.getAsLong();
    Map.Entry<Key, Runnable> first;
    while ((first = pending.firstEntry()) != null && first.getKey().atNanos() - now <= 0) {
      if (pending.remove(first.getKey()) != null) {
        McpSession.safely(first.getValue());
      }
    }
    if (first != null) {
      sweepBy(first.getKey().atNanos());
    }
  }
}
