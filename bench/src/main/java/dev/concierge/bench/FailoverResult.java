package dev.concierge.bench;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What one failover run showed: the calls of the measured window (from {@code --before} seconds before the kill to
 * the end of the load), the rate around the kill in buckets, and the killed node's restart.
 *
 * @param era the downstream protocol the client pinned
 * @param victim the killed node's name
 * @param exitedMs when the killed JVM was gone (its exit seen by this JVM), ms after the SIGKILL
 * @param calls calls started in the measured window
 * @param retriedOk calls whose first attempt failed and whose retry succeeded
 * @param failedTwice calls that failed on both attempts
 * @param overDeadline attempts that ran their whole deadline
 * @param hung attempts that outlived the client's own deadline
 * @param firstFailureMs when the first failed attempt ended, ms after the kill (NaN: none failed)
 * @param lastFailureMs when the last failed attempt ended, ms after the kill
 * @param errors each distinct first-attempt error with how many calls it ended
 * @param p50BeforeMs median latency of the calls before the kill
 * @param maxBeforeMs the slowest call before the kill
 * @param maxAroundKillMs the slowest call in flight at the kill or started within a second after it (retry included)
 * @param buckets the completion rate around the kill
 * @param connectionsBefore connections each node took while the load warmed up and ran before the kill
 * @param connectionsAfter connections each node took after the kill (the killed one's slot: none, it refused)
 * @param restart the killed node started again under the same load, or {@code null} when that failed
 * @param restartError why the restart failed, or {@code null}
 */
record FailoverResult(String era, String victim, double exitedMs, int calls, int retriedOk, int failedTwice, int overDeadline,
    int hung, double firstFailureMs, double lastFailureMs, Map<String, Integer> errors, double p50BeforeMs,
    double maxBeforeMs, double maxAroundKillMs, RateBuckets buckets, List<Integer> connectionsBefore,
    List<Integer> connectionsAfter, GatewayNode restart, String restartError) {
  /** Back to this fraction of the rate before the kill... */
  static final double RECOVERED = 0.9;
  /** ...for this long in a row: a single good bucket in a dip is not a recovery. */
  static final long SUSTAIN_NANOS = 1_000_000_000L;

  static FailoverResult of(String era, String victim, List<SteadyLoad.Call> all, long measureFrom, long kill,
      double exitedMs, ClusterOptions options, List<Integer> connectionsBefore, List<Integer> connectionsAfter,
      GatewayNode restart, String restartError) {
    List<SteadyLoad.Call> calls = all.stream().filter(c -> c.startNanos() >= measureFrom).toList();
    List<SteadyLoad.Call> failed = calls.stream().filter(c -> c.firstError() != null).toList();
    Map<String, Integer> errors = new LinkedHashMap<>();
    failed.forEach(c -> errors.merge(c.firstError(), 1, Integer::sum));
    // When attempts failed, relative to the kill: a failed retry ends the call, a successful one followed a failure.
    double firstFailureMs = failed.stream().mapToLong(c -> c.firstEndNanos() - kill).min().orElse(0) / 1e6;
    double lastFailureMs = failed.stream().mapToLong(c -> (c.ok() ? c.firstEndNanos() : c.endNanos()) - kill)
        .max().orElse(0) / 1e6;
    long[] before = calls.stream().filter(c -> c.endNanos() < kill).mapToLong(SteadyLoad.Call::latencyNanos)
        .sorted().toArray();
    long aroundKill = calls.stream().filter(c -> c.endNanos() >= kill && c.startNanos() <= kill + 1_000_000_000L)
        .mapToLong(SteadyLoad.Call::latencyNanos).max().orElse(0);
    long bucket = options.bucketMs * 1_000_000L;
    long[] succeeded = calls.stream().filter(SteadyLoad.Call::ok).mapToLong(SteadyLoad.Call::endNanos).toArray();
    RateBuckets buckets = RateBuckets.of(succeeded, kill, bucket, (int) (options.beforeSeconds * 1e9 / bucket),
        (int) (options.afterSeconds * 1e9 / bucket));
    return new FailoverResult(era, victim, exitedMs, calls.size(), (int) failed.stream().filter(SteadyLoad.Call::ok).count(),
        (int) calls.stream().filter(c -> !c.ok()).count(), calls.stream().mapToInt(SteadyLoad.Call::overDeadline).sum(),
        calls.stream().mapToInt(SteadyLoad.Call::hung).sum(), failed.isEmpty() ? Double.NaN : firstFailureMs,
        failed.isEmpty() ? Double.NaN : lastFailureMs, errors,
        before.length == 0 ? Double.NaN : Stats.rank(before, 0.5) / 1e6, Arrays.stream(before).max().orElse(0) / 1e6,
        aroundKill / 1e6, buckets, connectionsBefore, connectionsAfter, restart, restartError);
  }

  /** Milliseconds from the kill until the rate was back to {@link #RECOVERED} of before and stayed; -1: not seen. */
  double recoveryMs() {
    long nanos = buckets.recoveryNanos(RECOVERED, (int) Math.max(1, SUSTAIN_NANOS / buckets.bucketNanos()));
    return nanos < 0 ? -1 : nanos / 1e6;
  }
}
