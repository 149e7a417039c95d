package dev.concierge.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.concierge.client.ServerConfig;
import dev.concierge.gateway.Gateway;
import dev.concierge.gateway.GatewayConfig;
import dev.concierge.gateway.ToolViews;
import dev.concierge.gateway.auth.Principal;
import dev.concierge.protocol.Json;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The gateway benchmark: the same echo call made directly and through a front, side by side in one run.
 * <ul>
 *   <li>stdio upstream (server-everything, started as {@link Everything#stdioCommand()}): direct over stdio; through
 *   Concierge's gateway, once as a 2026-07-28 client (what the client negotiates by itself) and once pinned to
 *   2025-11-25 (the gateway's legacy session path, which supergateway speaks too); through supergateway
 *   ({@code --stateful}, Streamable HTTP) and mcp-proxy, both fronting the same stdio command. Every HTTP front is
 *   called by the same client (Concierge's {@code MultiServerMCPClient}), so only the front differs.</li>
 *   <li>fast Java HTTP upstream ({@link EchoUpstream}): direct and through the gateway, in both eras, and a bare
 *   {@code HttpClient} loop as the floor of one HTTP exchange; the report gives what the gateway adds to p50 and
 *   p99, one caller and {@code --threads} callers, each from the lowest of the rounds.</li>
 * </ul>
 *
 * <pre>
 * java -cp bench/target/concierge-bench.jar dev.concierge.bench.GatewayBench [--calls N] [--concurrent-calls M]
 *     [--threads T] [--warmup W] [--rounds R] [--only stdio|http] [--clients NAME,...] [--repo DIR]
 * </pre>
 *
 * <p>{@code --only} picks the upstream, {@code --clients} rows by name fragment ({@code direct}, {@code negotiates},
 * {@code pinned}, {@code supergateway}, {@code mcp-proxy}, {@code bare}). With {@code --rounds R > 1} every row runs R
 * times, interleaved, and its best round by calls/s counts, sequential and concurrent separately (as in
 * {@link ClientBench}). Prints Markdown on stdout, progress on stderr. The peers come from {@code bench/node}
 * ({@code bin/bench gateway} installs them); a row whose peer is missing is reported as failed, naming the fix.
 */
public final class GatewayBench {
  static final String LEGACY = "2025-11-25";
  private static final String DIRECT = "direct";
  private static final String VIA_MODERN = "Concierge gateway, client negotiates";
  private static final String VIA_LEGACY = "Concierge gateway, client pinned " + LEGACY;
  private static final String DIRECT_LEGACY = "direct, client pinned " + LEGACY;
  private static final String BARE = "bare HttpClient direct, " + LEGACY + " (floor)";
  private static final double THROUGHPUT_TARGET = 0.8;
  private static final double ADDED_P50_TARGET_MS = 0.3;

  private final Options options;
  private final Everything everything;
  private final Load load;
  private final Path peers;
  private final String supergateway;
  private final String mcpProxy;
  private final Map<String, Result> best = new LinkedHashMap<>();
  private final Map<String, String> protocols = new LinkedHashMap<>();
  /** Per row, the lowest of each latency over the rounds: 1-caller p50, p99, concurrent p50, p99. */
  private final Map<String, double[]> lowest = new LinkedHashMap<>();

  private GatewayBench(Options options) {
    this.options = options;
    this.everything = new Everything(options.repo);
    this.load = new Load(options.calls, options.concurrentCalls, options.threads, options.warmup,
        options.warmupSeconds);
    this.peers = options.repo.resolve("bench/node/node_modules").toAbsolutePath().normalize();
    this.supergateway = "supergateway " + peerVersion("supergateway") + " --stateful";
    this.mcpProxy = "mcp-proxy " + peerVersion("mcp-proxy");
  }

  public static void main(String[] args) throws Exception {
    Options options = Options.parse(args);
    if (options.out != null) {
      throw new IllegalArgumentException("--out is for ClientBench; the gateway report goes to stdout");
    }
    Runtime.getRuntime().addShutdownHook(new Thread(Processes::killChildren, "bench-cleanup"));
    GatewayBench bench = new GatewayBench(options);
    for (int round = 1; round <= options.rounds; round++) {
      System.err.println("round " + round + " of " + options.rounds);
      bench.round();
    }
    System.out.print(bench.render(String.join(" ", args)));
    Processes.killChildren();
  }

  private void round() throws Exception {
    if (options.only == null || options.only.equals("stdio")) {
      List<String> cmd = everything.stdioCommand();
      ServerConfig upstream = ServerConfig.stdio("everything", cmd.get(0), cmd.subList(1, cmd.size())
          .toArray(String[]::new)).prefix("").build();
      measure("stdio", DIRECT, () -> ConciergeEcho.stdio(cmd));
      viaGateway("stdio", VIA_MODERN, upstream, null);
      viaGateway("stdio", VIA_LEGACY, upstream, LEGACY);
      String command = String.join(" ", cmd);
      front(supergateway, "supergateway/dist/index.js", port -> List.of("--stdio", command,
          "--outputTransport", "streamableHttp", "--stateful", "--port", port));
      front(mcpProxy, "mcp-proxy/dist/bin/mcp-proxy.mjs", port -> {
        List<String> args = new ArrayList<>(List.of("--port", port, "--host", "127.0.0.1", "--"));
        args.addAll(cmd);
        return args;
      });
    }
    if (options.only == null || options.only.equals("http")) {
      try (EchoUpstream upstream = new EchoUpstream()) {
        ServerConfig config = ServerConfig.http("echo", upstream.url()).prefix("").build();
        measure("http", BARE, () -> new BareHttpEcho(upstream.url()));
        measure("http", DIRECT, () -> ConciergeEcho.http(upstream.url(), null));
        viaGateway("http", VIA_MODERN, config, null);
        measure("http", DIRECT_LEGACY, () -> ConciergeEcho.http(upstream.url(), LEGACY));
        viaGateway("http", VIA_LEGACY, config, LEGACY);
      }
    }
  }

  /** A fresh gateway in front of {@code upstream} (its own upstream connection, so its own stdio process). */
  private void viaGateway(String upstreamKind, String name, ServerConfig upstream, String pinned) {
    if (!options.wants(name)) {
      return;
    }
    try (Gateway gateway = Gateway.builder(new GatewayConfig(List.of(upstream), ToolViews.OPEN,
        Duration.ofSeconds(60), Set.of(), Set.of(), null, null)).listen("127.0.0.1", 0)
        .authenticator(authorization -> Principal.LOCAL).start()) {
      measure(upstreamKind, name, () -> ConciergeEcho.http(gateway.url().toString(), pinned));
    } catch (Exception e) {
      keep(Result.failed(upstreamKind, name, e));
    }
  }

  private interface Args {
    List<String> of(String port);
  }

  /** Starts a peer front (Node, as the server) on a free port, waits until it answers HTTP, measures, kills it. */
  private void front(String name, String script, Args args) {
    if (!options.wants(name)) {
      return;
    }
    Path main = peers.resolve(script);
    if (!Files.isRegularFile(main)) {
      keep(Result.failed("stdio", name, new IllegalStateException("not installed: " + main
          + " (cd bench/node && npm ci)")));
      return;
    }
    Process process = null;
    try {
      String port = String.valueOf(freePort());
      List<String> command = new ArrayList<>(List.of(everything.node().toString(), main.toString()));
      command.addAll(args.of(port));
      process = new ProcessBuilder(command).redirectOutput(ProcessBuilder.Redirect.DISCARD)
          .redirectError(ProcessBuilder.Redirect.DISCARD).start();
      String url = "http://127.0.0.1:" + port + "/mcp";
      awaitHttp(url);
      measure("stdio", name, () -> ConciergeEcho.http(url, null));
    } catch (Exception e) {
      keep(Result.failed("stdio", name, e));
    } finally {
      if (process != null) {
        Processes.kill(process.toHandle());
      }
    }
  }

  private interface Factory {
    EchoClient open() throws Exception;
  }

  private void measure(String upstreamKind, String name, Factory factory) {
    if (!options.wants(name)) {
      return;
    }
    System.err.printf("  %-5s %-46s ", upstreamKind, name);
    Result result;
    try (EchoClient client = factory.open()) {
      if (client instanceof ConciergeEcho concierge) {
        protocols.put(upstreamKind + "/" + name, concierge.protocolVersion());
      } else {
        protocols.put(upstreamKind + "/" + name, LEGACY);
      }
      result = load.run(upstreamKind, name, client);
    } catch (Exception e) {
      result = Result.failed(upstreamKind, name, e);
    }
    keep(result);
  }

  /** Keeps the better of this round and earlier ones, per batch (as ClientBench does); prints the round as progress. */
  private void keep(Result result) {
    System.err.println(result.ok()
        ? String.format(Locale.ROOT, "1 caller %6.0f/s p50 %.3f ms | %d callers %6.0f/s p50 %.3f ms",
            result.sequential().callsPerSec(), result.sequential().p50Ms(), options.threads,
            result.concurrent().callsPerSec(), result.concurrent().p50Ms())
        : "FAILED " + result.failure());
    if (result.ok()) {
      double[] now = {result.sequential().p50Ms(), result.sequential().p99Ms(), result.concurrent().p50Ms(),
          result.concurrent().p99Ms()};
      lowest.merge(result.transport() + "/" + result.client(), now, (a, b) -> new double[] {Math.min(a[0], b[0]),
          Math.min(a[1], b[1]), Math.min(a[2], b[2]), Math.min(a[3], b[3])});
    }
    best.merge(result.transport() + "/" + result.client(), result, (old, now) -> !now.ok() ? old : !old.ok() ? now
        : new Result(now.transport(), now.client(), better(old.sequential(), now.sequential()),
            better(old.concurrent(), now.concurrent()), null));
  }

  private static Stats better(Stats a, Stats b) {
    return b.callsPerSec() > a.callsPerSec() ? b : a;
  }

  private String render(String args) {
    String way = options.threads + " callers";
    StringBuilder md = new StringBuilder();
    md.append("Command: `bin/bench gateway").append(args.isEmpty() ? "" : " " + args).append("` (")
        .append(Runtime.getRuntime().availableProcessors()).append(" cores, Java ")
        .append(System.getProperty("java.version")).append(", ").append(LocalDate.now()).append("; each row: ")
        .append(options.warmup).append('+').append(options.warmup).append(" warm-up calls, ").append(options.calls)
        .append(" calls from 1 caller, ").append(options.concurrentCalls).append(" from ").append(way)
        .append(" sharing one client").append(options.rounds > 1 ? "; best of " + options.rounds + " rounds" : "")
        .append(")\n\n");
    for (String kind : List.of("stdio", "http")) {
      List<Result> rows = best.values().stream().filter(r -> r.transport().equals(kind)).toList();
      if (rows.isEmpty()) {
        continue;
      }
      md.append(kind.equals("stdio") ? "stdio upstream (server-everything):\n\n"
          : "Java HTTP upstream (EchoUpstream):\n\n");
      md.append("| path | protocol | 1 caller calls/s | p50 ms | p99 ms | ").append(way)
          .append(" calls/s | p50 ms | p99 ms | vs direct, 1 caller | vs direct, ").append(way)
          .append(" |\n|---|---|---:|---:|---:|---:|---:|---:|---:|---:|\n");
      for (Result r : rows) {
        if (!r.ok()) {
          md.append("| ").append(r.client()).append(" | failed: ").append(r.failure().replace('|', '/'))
              .append(" |||||||||\n");
          continue;
        }
        Result direct = direct(r);
        md.append(String.format(Locale.ROOT, "| %s | %s | %.0f | %.3f | %.3f | %.0f | %.3f | %.3f | %s | %s |%n",
            r.client().startsWith("Concierge") ? "**" + r.client() + "**" : r.client(),
            protocols.getOrDefault(kind + "/" + r.client(), "?"), r.sequential().callsPerSec(),
            r.sequential().p50Ms(), r.sequential().p99Ms(), r.concurrent().callsPerSec(), r.concurrent().p50Ms(),
            r.concurrent().p99Ms(), direct == null ? "" : times(r.sequential(), direct.sequential()),
            direct == null ? "" : times(r.concurrent(), direct.concurrent())));
      }
      for (Result r : rows) {
        if (r.ok()) {
          failures(md, r.client() + ", 1 caller", r.sequential());
          failures(md, r.client() + ", " + way, r.concurrent());
        }
      }
      md.append('\n');
      if (kind.equals("stdio")) {
        throughputTargets(md, way);
      } else {
        addedLatency(md, way);
      }
    }
    return md.toString();
  }

  /** The direct row a row is compared with: the same upstream, the same downstream protocol where there is one. */
  private Result direct(Result r) {
    String name = r.transport().equals("http") && r.client().contains(LEGACY) ? DIRECT_LEGACY : DIRECT;
    Result direct = best.get(r.transport() + "/" + name);
    return direct == null || !direct.ok() ? null : direct;
  }

  private void throughputTargets(StringBuilder md, String way) {
    Result direct = best.get("stdio/" + DIRECT);
    if (direct == null || !direct.ok()) {
      return;
    }
    for (String name : List.of(VIA_MODERN, VIA_LEGACY)) {
      Result via = best.get("stdio/" + name);
      if (via != null && via.ok()) {
        double ratio = via.concurrent().callsPerSec() / direct.concurrent().callsPerSec();
        md.append(String.format(Locale.ROOT, "Target: %s ≥ %.1f× direct at %s: %.2f× (%s).%n", name,
            THROUGHPUT_TARGET, way, ratio, ratio >= THROUGHPUT_TARGET ? "met" : "**missed**"));
      }
    }
    md.append('\n');
  }

  /**
   * What the gateway adds, against the direct row of the same downstream protocol. Each latency is the lowest of the
   * rounds (rather than the one of the fastest round), so that one noisy round on either side does not decide it.
   */
  private void addedLatency(StringBuilder md, String way) {
    StringBuilder rows = new StringBuilder();
    for (String[] pair : new String[][] {{VIA_MODERN, DIRECT}, {VIA_LEGACY, DIRECT_LEGACY}}) {
      double[] via = lowest.get("http/" + pair[0]);
      double[] direct = lowest.get("http/" + pair[1]);
      if (via == null || direct == null) {
        continue;
      }
      double added = via[0] - direct[0];
      String cell = " | %.3f → %.3f (%+.3f)";
      rows.append(String.format(Locale.ROOT, "| %s" + cell + cell + cell + cell + " | %s |%n",
          protocols.getOrDefault("http/" + pair[0], "?"),
          direct[0], via[0], added, direct[1], via[1], via[1] - direct[1], direct[2], via[2], via[2] - direct[2],
          direct[3], via[3], via[3] - direct[3], added <= ADDED_P50_TARGET_MS ? "met" : "**missed**"));
    }
    if (rows.length() > 0) {
      md.append("Added by the gateway in front of the Java HTTP upstream: direct → through the gateway (added), ms, "
          + "same downstream protocol; each figure the lowest of the rounds:\n\n")
          .append("| downstream protocol | 1 caller p50 | 1 caller p99 | ").append(way).append(" p50 | ").append(way)
          .append(String.format(Locale.ROOT, " p99 | target: added p50 ≤ %.1f ms (1 caller) |%n",
              ADDED_P50_TARGET_MS))
          .append("|---|---:|---:|---:|---:|---|\n").append(rows).append('\n');
    }
  }

  private static String times(Stats via, Stats direct) {
    return String.format(Locale.ROOT, "%.2f×", via.callsPerSec() / direct.callsPerSec());
  }

  /** Failed calls are left out of the figures; say so, with the first error, under the table. */
  private static void failures(StringBuilder md, String what, Stats s) {
    if (s.failed() > 0) {
      md.append("\n").append(what).append(": ").append(s.failed()).append(" calls failed, first with `")
          .append(String.valueOf(s.firstError()).replace('`', '\'')).append("`; figures count successful calls only.")
          .append('\n');
    }
  }

  private String peerVersion(String name) {
    try {
      JsonNode json = Json.parse(Files.readString(peers.resolve(name).resolve("package.json")));
      return json.path("version").asText("?");
    } catch (IOException | RuntimeException e) {
      return "?";
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  private static void awaitHttp(String url) throws InterruptedException {
    HttpClient http = HttpClient.newHttpClient();
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (System.nanoTime() < deadline) {
      try {
        http.send(HttpRequest.newBuilder(URI.create(url)).GET().timeout(Duration.ofSeconds(2)).build(),
            HttpResponse.BodyHandlers.discarding());
        return;
      } catch (IOException e) {
        Thread.sleep(200);
      }
    }
    throw new IllegalStateException("nothing answered at " + url);
  }
}
