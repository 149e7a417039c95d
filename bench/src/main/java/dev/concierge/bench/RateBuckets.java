package dev.concierge.bench;

/**
 * Calls completed per bucket of time around one instant (the kill), and how long after it the rate was back near the
 * rate before it. Pure arithmetic over completion times, kept apart from the run so that the definition of
 * "recovered" sits in one place.
 */
final class RateBuckets {
  private final long bucketNanos;
  /** Buckets before the instant; bucket {@code before} starts at the instant itself. */
  private final int before;
  private final int[] counts;

  private RateBuckets(long bucketNanos, int before, int[] counts) {
    this.bucketNanos = bucketNanos;
    this.before = before;
    this.counts = counts;
  }

  /** {@code before} buckets of {@code bucketNanos} up to {@code instant}, {@code after} from it; other ends ignored. */
  static RateBuckets of(long[] endNanos, long instant, long bucketNanos, int before, int after) {
    int[] counts = new int[before + after];
    for (long end : endNanos) {
      long index = Math.floorDiv(end - instant, bucketNanos) + before;
      if (index >= 0 && index < counts.length) {
        counts[(int) index]++;
      }
    }
    return new RateBuckets(bucketNanos, before, counts);
  }

  long bucketNanos() {
    return bucketNanos;
  }

  /** Calls per second in bucket {@code offset} counted from the instant (negative: before it). */
  double perSecond(int offset) {
    return counts[before + offset] / seconds(1);
  }

  /** The mean rate over the buckets before the instant. */
  double baseline() {
    long sum = 0;
    for (int i = 0; i < before; i++) {
      sum += counts[i];
    }
    return sum / seconds(before);
  }

  /** The mean rate over the last {@code buckets} buckets: the rate the run settled at after the instant. */
  double settled(int buckets) {
    long sum = 0;
    for (int i = counts.length - buckets; i < counts.length; i++) {
      sum += counts[i];
    }
    return sum / seconds(buckets);
  }

  /**
   * Nanoseconds from the instant to the start of the first bucket after it that opens {@code sustain} buckets in a
   * row each at {@code fraction} of the baseline or more: the rate came back and stayed. 0 when it never dipped below
   * for a whole bucket; -1 when it had not come back by the last bucket.
   */
  long recoveryNanos(double fraction, int sustain) {
    double floor = fraction * baseline() * seconds(1);
    int run = 0;
    for (int i = before; i < counts.length; i++) {
      run = counts[i] >= floor ? run + 1 : 0;
      if (run == sustain) {
        return (i - sustain + 1 - before) * bucketNanos;
      }
    }
    return -1;
  }

  /** The lowest bucket rate in the {@code buckets} buckets from the instant on. */
  double lowestAfter(int buckets) {
    int lowest = Integer.MAX_VALUE;
    for (int i = before; i < Math.min(counts.length, before + buckets); i++) {
      lowest = Math.min(lowest, counts[i]);
    }
    return lowest / seconds(1);
  }

  /** How many buckets before the instant fell below {@code fraction} of the baseline: the noise of the steady state. */
  int belowBefore(double fraction) {
    double floor = fraction * baseline() * seconds(1);
    int below = 0;
    for (int i = 0; i < before; i++) {
      below += counts[i] < floor ? 1 : 0;
    }
    return below;
  }

  private double seconds(int buckets) {
    return buckets * bucketNanos / 1e9;
  }
}
