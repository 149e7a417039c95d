package dev.concierge.bench;

import java.time.LocalDate;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/** Renders the cluster benchmark as Markdown: throughput by node count, the 3-to-1 ratios, and the failovers. */
final class ClusterReport {
  /** One throughput row: its best batches over the rounds, and the connections each node took in its last round. */
  record Row(int nodes, String era, Result result, List<Integer> connections, String loadAverage) {}

  private final ClusterOptions options;
  private final List<Row> rows;
  private final List<FailoverResult> failovers;
  private final List<GatewayNode> started;
  private final String postgresVersion;
  private final String loadAtStart;
  private final String loadAtEnd;
  private final String way;

  ClusterReport(ClusterOptions options, List<Row> rows, List<FailoverResult> failovers, List<GatewayNode> started,
      String postgresVersion, String loadAtStart, String loadAtEnd) {
    this.options = options;
    this.rows = rows;
    this.failovers = failovers;
    this.started = started;
    this.postgresVersion = postgresVersion;
    this.loadAtStart = loadAtStart;
    this.loadAtEnd = loadAtEnd;
    this.way = options.threads + " callers";
  }

  String render(String args) {
    StringBuilder md = new StringBuilder();
    md.append("Command: `bin/bench cluster ").append(args.replaceAll("password=[^& ]*", "password=…"))
        .append("` (").append(Runtime.getRuntime().availableProcessors()).append(" cores, Java ")
        .append(System.getProperty("java.version")).append(", PostgreSQL ").append(postgresVersion).append(", ")
        .append(LocalDate.now()).append("; each row: ").append(options.warmup).append('+').append(options.warmup)
        .append(" warm-up calls, ").append(options.calls).append(" calls from 1 caller, ")
        .append(options.concurrentCalls).append(" from ").append(way).append(" sharing one client; each batch the ")
        .append("best of ").append(options.rounds).append(" rounds, 1 node and ").append(options.nodes)
        .append(" nodes interleaved)\n\n");
    md.append("Machine load average (1 / 5 / 15 min): ").append(loadAtStart).append(" at the start, ")
        .append(loadAtEnd).append(" at the end. Everything shares these cores: the nodes (one JVM each, ")
        .append(String.join(" ", options.nodeJavaOptions)).append("), PostgreSQL, and the benchmark's JVM, which ")
        .append("runs the echo upstream, the TCP balancer and the clients.\n\n");
    throughput(md);
    startUps(md);
    if (!failovers.isEmpty()) {
      failover(md);
    }
    return md.toString();
  }

  private void throughput(StringBuilder md) {
    md.append("Throughput through the balancer (calls/s of successful calls; latency in ms):\n\n")
        .append("| nodes | protocol | 1 caller calls/s | p50 | p99 | ").append(way)
        .append(" calls/s | p50 | p99 | connections per node | load average |\n")
        .append("|---:|---|---:|---:|---:|---:|---:|---:|---|---|\n");
    List<Row> sorted = rows.stream().sorted((a, b) -> a.era().equals(b.era()) ? Integer.compare(a.nodes(), b.nodes())
        : Integer.compare(options.eras.indexOf(a.era()), options.eras.indexOf(b.era()))).toList();
    for (Row row : sorted) {
      Result r = row.result();
      if (!r.ok()) {
        md.append("| ").append(row.nodes()).append(" | ").append(row.era()).append(" | failed: ")
            .append(r.failure().replace('|', '/')).append(" |||||||\n");
        continue;
      }
      md.append(String.format(Locale.ROOT, "| %d | %s | %.0f | %.2f | %.2f | %.0f | %.2f | %.2f | %s | %s |%n",
          row.nodes(), row.era(), r.sequential().callsPerSec(), r.sequential().p50Ms(), r.sequential().p99Ms(),
          r.concurrent().callsPerSec(), r.concurrent().p50Ms(), r.concurrent().p99Ms(),
          row.connections().stream().map(String::valueOf).collect(Collectors.joining(" / ")), row.loadAverage()));
    }
    for (Row row : sorted) {
      if (row.result().ok()) {
        Report.failures(md, row.nodes() + " nodes, " + row.era() + ", 1 caller", row.result().sequential());
        Report.failures(md, row.nodes() + " nodes, " + row.era() + ", " + way, row.result().concurrent());
      }
    }
    md.append("\n| protocol | ").append(options.nodes).append(" nodes / 1 node, 1 caller | ").append(options.nodes)
        .append(" nodes / 1 node, ").append(way).append(" |\n|---|---:|---:|\n");
    for (String era : options.eras) {
      Result one = find(1, era);
      Result many = find(options.nodes, era);
      if (one != null && many != null) {
        md.append(String.format(Locale.ROOT, "| %s | %.2f× | %.2f× |%n", era,
            many.sequential().callsPerSec() / one.sequential().callsPerSec(),
            many.concurrent().callsPerSec() / one.concurrent().callsPerSec()));
      }
    }
    md.append('\n');
  }

  private Result find(int nodes, String era) {
    return rows.stream().filter(r -> r.nodes() == nodes && r.era().equals(era) && r.result().ok())
        .map(Row::result).findFirst().orElse(null);
  }

  private void startUps(StringBuilder md) {
    md.append("Node start-up (a cold JVM on the shared machine; from the process's start), listening / `/readyz` 200: ")
        .append(started.stream().map(n -> String.format(Locale.ROOT, "%s %.1f / %.1f s", n.name, n.listeningSeconds,
            n.readySeconds)).collect(Collectors.joining(", "))).append(".\n\n");
  }

  private void failover(StringBuilder md) {
    md.append(String.format(Locale.ROOT, "Failover: %s over %d nodes, each call with a %d s deadline and retried "
        + "once on failure; %d s of warm-up, %d s measured, SIGKILL to one node's JVM, %d s measured, then the node "
        + "started again under the same load. Rates in %d ms buckets of successful calls.%n%n", way, options.nodes,
        options.callTimeoutSeconds, options.beforeSeconds, options.beforeSeconds, options.afterSeconds,
        options.bucketMs, options.bucketMs));
    md.append("| |").append(column(f -> " " + f.era())).append("\n|---|")
        .append(failovers.stream().map(f -> "---:|").collect(Collectors.joining())).append('\n');
    line(md, "node killed (SIGKILL)", FailoverResult::victim);
    line(md, "killed JVM gone, ms after the SIGKILL", f -> String.format(Locale.ROOT, "%.0f", f.exitedMs()));
    line(md, "connections per node before the kill", f -> joined(f.connectionsBefore()));
    line(md, "calls/s before the kill (mean of " + options.beforeSeconds + " s)",
        f -> String.format(Locale.ROOT, "%.0f", f.buckets().baseline()));
    int settle = (int) Math.max(1, 2000 / options.bucketMs);
    line(md, "calls/s on the survivors (last " + settle * options.bucketMs / 1000.0 + " s before the restart)",
        f -> String.format(Locale.ROOT, "%.0f", f.buckets().settled(settle)));
    line(md, "calls (from " + options.beforeSeconds + " s before the kill to the end of the restart)",
        f -> String.valueOf(f.calls()));
    line(md, "failed once, succeeded on retry", f -> String.valueOf(f.retriedOk()));
    line(md, "**failed twice**", f -> String.valueOf(f.failedTwice()));
    line(md, "attempts that ran their whole " + options.callTimeoutSeconds + " s deadline",
        f -> String.valueOf(f.overDeadline()));
    line(md, "attempts past the client's own deadline (hung)", f -> String.valueOf(f.hung()));
    line(md, "failed attempts ended, ms after the kill", f -> Double.isNaN(f.firstFailureMs()) ? "none"
        : String.format(Locale.ROOT, "%+.0f to %+.0f", f.firstFailureMs(), f.lastFailureMs()));
    line(md, "latency before the kill, p50 / max ms",
        f -> String.format(Locale.ROOT, "%.2f / %.0f", f.p50BeforeMs(), f.maxBeforeMs()));
    line(md, "max latency, calls in flight at the kill or started ≤ 1 s after (retry included), ms",
        f -> String.format(Locale.ROOT, "%.0f", f.maxAroundKillMs()));
    line(md, String.format(Locale.ROOT, "back to ≥ %.0f%% of the rate before, for %d s in a row",
        FailoverResult.RECOVERED * 100, FailoverResult.SUSTAIN_NANOS / 1_000_000_000L), f -> f.recoveryMs() < 0
        ? "not within " + options.afterSeconds + " s" : String.format(Locale.ROOT, "%.0f ms", f.recoveryMs()));
    int twoSeconds = (int) Math.max(1, 2000 / options.bucketMs);
    line(md, "lowest bucket in the 2 s after the kill, calls/s",
        f -> String.format(Locale.ROOT, "%.0f", f.buckets().lowestAfter(twoSeconds)));
    line(md, "buckets below 90% before the kill (the steady state's own noise)", f -> f.buckets()
        .belowBefore(FailoverResult.RECOVERED) + " of " + options.beforeSeconds * 1000 / options.bucketMs);
    line(md, "new connections per node after the kill", f -> joined(f.connectionsAfter()));
    line(md, "killed node started again: listening / ready", f -> f.restart() == null ? "failed: " + f.restartError()
        : String.format(Locale.ROOT, "%.1f / %.1f s", f.restart().listeningSeconds, f.restart().readySeconds));
    md.append('\n');
    for (FailoverResult f : failovers) {
      md.append("Rate around the kill, ").append(f.era()).append(", calls/s per ").append(options.bucketMs)
          .append(" ms from −1 s to +3 s (`|` is the kill): ").append(timeline(f.buckets())).append('\n');
      for (Map.Entry<String, Integer> e : f.errors().entrySet()) {
        md.append("- first attempts failed with `").append(e.getKey().replace('`', '\'')).append("`: ")
            .append(e.getValue()).append('\n');
      }
      md.append('\n');
    }
  }

  private String timeline(RateBuckets buckets) {
    int perSecond = (int) Math.max(1, 1000 / options.bucketMs);
    StringBuilder line = new StringBuilder();
    for (int i = -Math.min(perSecond, options.beforeSeconds * perSecond);
        i < Math.min(3 * perSecond, options.afterSeconds * perSecond); i++) {
      line.append(i == 0 ? "| " : "").append(String.format(Locale.ROOT, "%.0f ", buckets.perSecond(i)));
    }
    return line.toString().trim();
  }

  private String column(Function<FailoverResult, String> cell) {
    return failovers.stream().map(f -> cell.apply(f) + " |").collect(Collectors.joining());
  }

  private void line(StringBuilder md, String label, Function<FailoverResult, String> cell) {
    md.append("| ").append(label).append(" |").append(column(f -> " " + cell.apply(f))).append('\n');
  }

  private static String joined(List<Integer> counts) {
    return counts.stream().map(String::valueOf).collect(Collectors.joining(" / "));
  }
}
