package dev.concierge.bench;

import java.util.Arrays;

/**
 * Throughput and latency of one batch of calls. Percentiles are nearest-rank, the definition the Node script uses too.
 * Failed calls are left out of throughput and latency, and counted instead.
 *
 * @param calls how many calls succeeded
 * @param failed how many calls failed
 * @param callsPerSec successful calls divided by the batch's wall-clock time
 * @param p50Ms median call latency in milliseconds
 * @param p99Ms 99th-percentile call latency in milliseconds
 * @param firstError the first failure's message, or {@code null}
 */
record Stats(int calls, int failed, double callsPerSec, double p50Ms, double p99Ms, String firstError) {
  /** Statistics of the successful calls, whose latencies are the non-negative entries of {@code latencyNanos}. */
  static Stats of(long[] latencyNanos, long wallNanos, String firstError) {
    long[] sorted = Arrays.stream(latencyNanos).filter(n -> n >= 0).sorted().toArray();
    int failed = latencyNanos.length - sorted.length;
    if (sorted.length == 0) {
      throw new IllegalStateException("every call failed: " + firstError);
    }
    return new Stats(sorted.length, failed, sorted.length / (wallNanos / 1e9), rank(sorted, 0.50) / 1e6,
        rank(sorted, 0.99) / 1e6, firstError);
  }

  /** The nearest-rank {@code p} percentile ({@code 0 < p <= 1}) of ascending values. */
  static long rank(long[] sorted, double p) {
    return sorted[Math.max(0, (int) Math.ceil(p * sorted.length) - 1)];
  }
}
