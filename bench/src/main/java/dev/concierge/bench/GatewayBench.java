package dev.concierge.bench;

import dev.concierge.client.ServerConfig;
import dev.concierge.gateway.Gateway;
import dev.concierge.gateway.GatewayConfig;
import dev.concierge.gateway.ToolViews;
import dev.concierge.gateway.auth.Principal;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The gateway benchmark: the same echo call made directly and through a gateway, side by side in one run.
 * <ul>
 *   <li>stdio upstream (server-everything): direct over stdio; through Concierge's gateway; through supergateway
 *   ({@code --stateful}) and mcp-proxy, both fronting the same stdio command. Every HTTP front is called by the same
 *   client (Concierge's {@code MultiServerMCPClient}, 2025-11-25 sessions), so only the front differs.</li>
 *   <li>fast Java HTTP upstream ({@link EchoUpstream}): direct, and through the gateway — the added latency.</li>
 * </ul>
 *
 * <pre>
 * java -cp bench/target/concierge-bench.jar dev.concierge.bench.GatewayBench [--calls N] [--concurrent-calls M]
 *     [--threads T] [--warmup W] [--rounds R] [--repo DIR]
 * </pre>
 *
 * Prints Markdown on stdout (best round by calls/s per row), progress on stderr.
 */
public final class GatewayBench {
  private final Options options;
  private final Everything everything;
  private final Load load;
  private final Path peers;
  private final Map<String, Result> best = new LinkedHashMap<>();

  private GatewayBench(Options options) {
    this.options = options;
    this.everything = new Everything(options.repo);
    this.load = new Load(options.calls, options.concurrentCalls, options.threads, options.warmup);
    this.peers = options.repo.resolve("bench/node/node_modules").toAbsolutePath();
  }

  public static void main(String[] args) throws Exception {
    Options options = Options.parse(args);
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
    List<String> cmd = everything.stdioCommand();
    measure("stdio direct", () -> ConciergeEcho.stdio(cmd));
    try (Gateway gateway = gateway(ServerConfig.stdio("everything", cmd.get(0),
        cmd.subList(1, cmd.size()).toArray(String[]::new)).prefix("").build())) {
      measure("stdio via Concierge gateway", () -> ConciergeEcho.http(gateway.url().toString()));
    }
    if (Files.isDirectory(peers.resolve("supergateway"))) {
      int port = freePort();
      List<String> sg = new ArrayList<>(List.of(everything.node().toString(),
          peers.resolve("supergateway/dist/index.js").toString(), "--stdio", String.join(" ", cmd),
          "--outputTransport", "streamableHttp", "--stateful", "--port", String.valueOf(port)));
      measureFront("stdio via supergateway --stateful", sg, "http://127.0.0.1:" + port + "/mcp");
    }
    if (Files.isDirectory(peers.resolve("mcp-proxy"))) {
      int port = freePort();
      List<String> mp = new ArrayList<>(List.of(everything.node().toString(),
          peers.resolve("mcp-proxy/dist/bin/mcp-proxy.mjs").toString(), "--port", String.valueOf(port),
          "--host", "127.0.0.1", "--"));
      mp.addAll(cmd);
      measureFront("stdio via mcp-proxy", mp, "http://127.0.0.1:" + port + "/mcp");
    }
    try (EchoUpstream upstream = new EchoUpstream()) {
      measure("Java HTTP direct", () -> ConciergeEcho.http(upstream.url()));
      try (Gateway gateway = gateway(ServerConfig.http("echo", upstream.url()).prefix("").build())) {
        measure("Java HTTP via Concierge gateway", () -> ConciergeEcho.http(gateway.url().toString()));
      }
    }
  }

  private static Gateway gateway(ServerConfig upstream) throws Exception {
    return Gateway.builder(new GatewayConfig(List.of(upstream), ToolViews.OPEN, Duration.ofSeconds(60), Set.of(),
        Set.of(), null, null)).listen("127.0.0.1", 0).authenticator(authorization -> Principal.LOCAL).start();
  }

  /** Starts a peer front as a process, waits until it answers HTTP, measures through it, kills it. */
  private void measureFront(String name, List<String> command, String url) throws Exception {
    Process process = new ProcessBuilder(command).redirectOutput(ProcessBuilder.Redirect.DISCARD)
        .redirectError(ProcessBuilder.Redirect.DISCARD).start();
    try {
      awaitHttp(url);
      measure(name, () -> ConciergeEcho.http(url));
    } finally {
      Processes.kill(process.toHandle());
    }
  }

  private interface Factory {
    EchoClient open() throws Exception;
  }

  private void measure(String name, Factory factory) {
    System.err.println("  " + name);
    Result result;
    try (EchoClient client = factory.open()) {
      result = load.run("", name, client);
    } catch (Exception e) {
      result = Result.failed("", name, e);
    }
    Result previous = best.get(name);
    if (previous == null || previous.failure() != null
        || (result.failure() == null && result.concurrent().callsPerSec() > previous.concurrent().callsPerSec())) {
      best.put(name, result);
    }
  }

  private String render(String args) {
    StringBuilder md = new StringBuilder();
    md.append("Command: `bin/bench gateway ").append(args).append("`\n\n");
    md.append("| path | 1 caller: calls/s | p50 ms | p99 ms | ").append(options.threads)
        .append(" callers: calls/s | p50 ms | p99 ms | throughput vs direct (").append(options.threads)
        .append(" callers) |\n|---|---:|---:|---:|---:|---:|---:|---:|\n");
    for (Result r : best.values()) {
      if (r.failure() != null) {
        md.append("| ").append(r.client()).append(" | failed: ").append(r.failure()).append(" |||||||\n");
        continue;
      }
      Result direct = best.get(r.client().startsWith("stdio") ? "stdio direct" : "Java HTTP direct");
      String ratio = direct == null || direct.failure() != null ? "" : String.format(Locale.ROOT, "%.2f×",
          r.concurrent().callsPerSec() / direct.concurrent().callsPerSec());
      md.append(String.format(Locale.ROOT, "| %s | %.0f | %.3f | %.3f | %.0f | %.3f | %.3f | %s |%n", r.client(),
          r.sequential().callsPerSec(), r.sequential().p50Ms(), r.sequential().p99Ms(),
          r.concurrent().callsPerSec(), r.concurrent().p50Ms(), r.concurrent().p99Ms(), ratio));
    }
    Result direct = best.get("Java HTTP direct");
    Result via = best.get("Java HTTP via Concierge gateway");
    if (direct != null && via != null && direct.failure() == null && via.failure() == null) {
      md.append(String.format(Locale.ROOT, "%nAdded by the gateway in front of the Java HTTP upstream: p50 %+.3f ms "
          + "(1 caller), %+.3f ms (%d callers); p99 %+.3f ms (1 caller).%n",
          via.sequential().p50Ms() - direct.sequential().p50Ms(), via.concurrent().p50Ms() - direct.concurrent().p50Ms(),
          options.threads, via.sequential().p99Ms() - direct.sequential().p99Ms()));
    }
    return md.toString();
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
