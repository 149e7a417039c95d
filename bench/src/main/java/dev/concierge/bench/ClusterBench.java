package dev.concierge.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The cluster benchmark: {@code concierge serve} nodes on one PostgreSQL behind a round-robin TCP balancer
 * ({@link TcpBalancer}), each node in front of the same fast upstream ({@link EchoUpstream}, in this process), called
 * by Concierge's {@code MultiServerMCPClient} through the balancer.
 * <ul>
 *   <li>Throughput: the echo call with the balancer over one node and over all of them, one caller and
 *   {@code --threads} callers sharing one client, in each downstream era (2026-07-28; 2025-11-25, whose sessions
 *   are records in the database — read once by each node that meets one, touched at most every 10 s), measured by
 *   {@link Load}.</li>
 *   <li>Failover, per era: steady load from {@code --threads} callers over all nodes ({@link SteadyLoad}: each call
 *   with a deadline, retried once), one node killed with SIGKILL, then started again under the same load; what the
 *   callers saw and how the rate came back ({@link FailoverResult}).</li>
 * </ul>
 *
 * <pre>
 * java -cp bench/target/concierge-bench.jar dev.concierge.bench.ClusterBench --store jdbc:postgresql://HOST/DB?user=U
 *     [--nodes 3] [--threads 8] [--calls 500] [--concurrent-calls 2000] [--warmup 500] [--node-warmup 10]
 *     [--rounds 2] [--eras 2026-07-28,2025-11-25] [--before 5] [--after 8] [--bucket-ms 250] [--call-timeout 5]
 *     [--jar cli/target/concierge.jar] [--node-java-opts '-XX:+UseSerialGC'] [--no-failover] [--keep]
 * </pre>
 *
 * <p>Each run makes a fresh schema in the database and drops it at the end ({@code --keep} leaves it). Every process
 * it started is ended on the way out, on failure too. Prints Markdown on stdout, progress on stderr.
 */
public final class ClusterBench {
  private final ClusterOptions options;
  private final Cluster cluster;
  private final Load load;
  /** Per (nodes, era): the best of the rounds, each batch judged on its own, as the other benchmarks keep them. */
  private final Map<String, ClusterReport.Row> rows = new LinkedHashMap<>();
  private final List<FailoverResult> failovers = new ArrayList<>();

  private ClusterBench(ClusterOptions options, Cluster cluster) {
    this.options = options;
    this.cluster = cluster;
    this.load = new Load(options.calls, options.concurrentCalls, options.threads, options.warmup,
        0); // a count only: the cluster bench's rounds are interleaved and short by design
  }

  public static void main(String[] args) throws Exception {
    ClusterOptions options = ClusterOptions.parse(args);
    Runtime.getRuntime().addShutdownHook(new Thread(Processes::killChildren, "bench-cleanup")); // also on Ctrl-C
    long started = System.nanoTime();
    String loadAtStart = ProcessFigures.loadAverage();
    String markdown;
    System.err.println("cluster bench: starting " + options.nodes + " nodes");
    try (Cluster cluster = Cluster.start(options)) {
      ClusterBench bench = new ClusterBench(options, cluster);
      bench.warmUp();
      for (int round = 1; round <= options.rounds; round++) {
        System.err.println("round " + round + " of " + options.rounds);
        for (String era : options.eras) {
          bench.row(1, era);
          bench.row(options.nodes, era);
        }
      }
      if (options.failover) {
        for (int e = 0; e < options.eras.size(); e++) {
          // A different victim per era, so that each kill takes a node that has run (and compiled) for a while.
          bench.failover(options.eras.get(e), Math.floorMod(options.nodes - 1 - e, options.nodes));
        }
      }
      markdown = new ClusterReport(options, List.copyOf(bench.rows.values()), bench.failovers, cluster.everStarted(),
          cluster.postgresVersion, loadAtStart, ProcessFigures.loadAverage()).render(String.join(" ", args));
    }
    System.out.print(markdown);
    System.err.printf(Locale.ROOT, "cluster bench: done in %.1f min%n", (System.nanoTime() - started) / 60e9);
  }

  /**
   * Untimed calls through every node, so that no row measures a node whose JIT compiler is still busy: without it the
   * first row's extra nodes would be colder than the one node that every 1-node row has been warming.
   */
  private void warmUp() throws Exception {
    cluster.route(cluster.nodes.size());
    for (String era : options.eras) {
      System.err.printf("  warm-up through every node, %s, %d ms%n", era,
          options.nodeWarmupSeconds * 1000L / options.eras.size());
      try (ConciergeEcho client = ConciergeEcho.http(cluster.url(), era, cluster.token)) {
        SteadyLoad steady = SteadyLoad.start(client, options.threads, Duration.ofSeconds(options.callTimeoutSeconds));
        Thread.sleep(options.nodeWarmupSeconds * 1000L / options.eras.size());
        steady.stop();
      }
    }
  }

  /** One row: a fresh client (so fresh connections) through the balancer over the first {@code nodes} nodes. */
  private void row(int nodes, String era) {
    cluster.route(nodes);
    cluster.takeConnectionCounts();
    String name = nodes + (nodes == 1 ? " node" : " nodes");
    System.err.printf("  %-8s %-10s ", name, era);
    Result result;
    try (ConciergeEcho client = ConciergeEcho.http(cluster.url(), era, cluster.token)) {
      if (!era.equals(client.protocolVersion())) {
        throw new IllegalStateException("pinned " + era + " but the client agreed " + client.protocolVersion());
      }
      result = load.run(name, era, client);
    } catch (Exception e) {
      result = Result.failed(name, era, e);
    }
    List<Integer> connections = cluster.takeConnectionCounts().subList(0, nodes);
    System.err.println(result.ok()
        ? String.format(Locale.ROOT, "1 caller %5.0f/s p50 %.2f ms | %d callers %5.0f/s p50 %.2f ms | connections %s",
            result.sequential().callsPerSec(), result.sequential().p50Ms(), options.threads,
            result.concurrent().callsPerSec(), result.concurrent().p50Ms(), connections)
        : "FAILED " + result.failure());
    ClusterReport.Row now = new ClusterReport.Row(nodes, era, result, connections, ProcessFigures.loadAverage());
    rows.merge(nodes + "/" + era, now, ClusterBench::better);
  }

  private static ClusterReport.Row better(ClusterReport.Row old, ClusterReport.Row now) {
    if (!now.result().ok() || !old.result().ok()) {
      return now.result().ok() ? now : old;
    }
    Result a = old.result();
    Result b = now.result();
    Stats sequential = b.sequential().callsPerSec() > a.sequential().callsPerSec() ? b.sequential() : a.sequential();
    Stats concurrent = b.concurrent().callsPerSec() > a.concurrent().callsPerSec() ? b.concurrent() : a.concurrent();
    return new ClusterReport.Row(now.nodes(), now.era(), new Result(b.transport(), b.client(), sequential, concurrent,
        null), now.connections(), now.loadAverage());
  }

  /**
   * Steady load over every node: {@code --before} seconds of warm-up, {@code --before} seconds measured, SIGKILL to
   * the victim, {@code --after} seconds measured, then the victim's slot restarted while the load goes on.
   */
  private void failover(String era, int victimIndex) throws Exception {
    cluster.route(cluster.nodes.size());
    GatewayNode victim = cluster.nodes.get(victimIndex);
    System.err.printf("  failover %s: %d callers over %d nodes, killing %s after %d s%n", era, options.threads,
        cluster.nodes.size(), victim.name, 2 * options.beforeSeconds);
    try (ConciergeEcho client = ConciergeEcho.http(cluster.url(), era, cluster.token)) {
      cluster.takeConnectionCounts();
      SteadyLoad steady = SteadyLoad.start(client, options.threads, Duration.ofSeconds(options.callTimeoutSeconds));
      List<SteadyLoad.Call> calls;
      long measureFrom;
      long kill;
      double exitedMs;
      List<Integer> connectionsBefore;
      List<Integer> connectionsAfter;
      GatewayNode restarted = null;
      String restartError = null;
      try {
        Thread.sleep(options.beforeSeconds * 1000L); // untimed: the client and the nodes warm up
        measureFrom = System.nanoTime();
        Thread.sleep(options.beforeSeconds * 1000L);
        connectionsBefore = cluster.takeConnectionCounts();
        kill = System.nanoTime();
        victim.kill();
        exitedMs = (System.nanoTime() - kill) / 1e6;
        sleepUntil(kill + options.afterSeconds * 1_000_000_000L);
        connectionsAfter = cluster.takeConnectionCounts();
        try {
          restarted = cluster.restart(victimIndex);
        } catch (Exception e) {
          restartError = SteadyLoad.describe(e);
        }
      } finally {
        calls = steady.stop();
      }
      FailoverResult result = FailoverResult.of(era, victim.name, calls, measureFrom, kill, exitedMs, options,
          connectionsBefore, connectionsAfter, restarted, restartError);
      System.err.printf(Locale.ROOT, "    %d calls, %d retried and succeeded, %d failed twice, %d hung; back to 90%%"
          + " after %.0f ms%n", result.calls(), result.retriedOk(), result.failedTwice(), result.hung(),
          result.recoveryMs());
      failovers.add(result);
    }
  }

  private static void sleepUntil(long nanoTime) throws InterruptedException {
    long left = nanoTime - System.nanoTime();
    if (left > 0) {
      Thread.sleep(left / 1_000_000, (int) (left % 1_000_000));
    }
  }
}
