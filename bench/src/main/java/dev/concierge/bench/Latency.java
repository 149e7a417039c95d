package dev.concierge.bench;

import java.util.Arrays;

/** Median and 95th percentile (nearest rank, as {@link Stats}) of one series of timed calls, in milliseconds. */
record Latency(int calls, double p50Ms, double p95Ms, double maxMs) {
  static Latency of(long[] nanos) {
    long[] sorted = nanos.clone();
    Arrays.sort(sorted);
    return new Latency(sorted.length, Stats.rank(sorted, 0.50) / 1e6, Stats.rank(sorted, 0.95) / 1e6,
        sorted[sorted.length - 1] / 1e6);
  }

  /** A timed action that may throw what the store throws. */
  interface Call {
    void run(int i) throws Exception;
  }

  /** Runs {@code call} {@code warmup} times untimed, then {@code times} times timed, one after another. */
  static Latency measure(int warmup, int times, Call call) throws Exception {
    for (int i = 0; i < warmup; i++) {
      call.run(-1 - i); // negative: warm-up calls, so callers can pick inputs the timed calls do not use
    }
    long[] nanos = new long[times];
    for (int i = 0; i < times; i++) {
      long t0 = System.nanoTime();
      call.run(i);
      nanos[i] = System.nanoTime() - t0;
    }
    return of(nanos);
  }
}
