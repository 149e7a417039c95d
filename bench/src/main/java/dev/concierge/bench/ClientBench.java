package dev.concierge.bench;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

/**
 * Echo-call benchmark of Concierge against other MCP clients, all talking to {@code server-everything} in one run:
 * stdio (Concierge, official Java SDK, LangChain4j, TypeScript SDK, plus a bare loop on the pipes) and Streamable
 * HTTP (the same, with a bare {@code HttpClient} loop). Not a test: nothing here runs in the build.
 *
 * <pre>
 * java -cp bench/target/concierge-bench.jar dev.concierge.bench.ClientBench [--calls N] [--concurrent-calls M]
 *     [--threads T] [--warmup W] [--rounds R] [--only stdio|http] [--clients concierge,sdk,...] [--repo DIR]
 *     [--out docs/BENCHMARKS.md]
 * </pre>
 *
 * <p>Each client gets its own server process. With {@code --rounds R > 1} every client runs R times (interleaved
 * with the others, which spreads background noise) and its best round by calls/s counts. Prints Markdown on stdout,
 * progress on stderr; {@code --out} also writes the report file (keeping any notes below {@link #NOTES_MARKER}).
 */
public final class ClientBench {
  static final String NOTES_MARKER = "<!-- notes below this line are kept when the benchmark rewrites this file -->";

  private final Options options;
  private final Everything everything;
  private final TsSdkBench ts;
  private final Load load;
  private final Map<String, Result> best = new LinkedHashMap<>();

  private ClientBench(Options options) {
    this.options = options;
    this.everything = new Everything(options.repo);
    this.ts = new TsSdkBench(everything, options.repo);
    this.load = new Load(options.calls, options.concurrentCalls, options.threads, options.warmup,
        options.warmupSeconds);
  }

  public static void main(String[] args) throws Exception {
    Options options = Options.parse(args);
    Runtime.getRuntime().addShutdownHook(new Thread(Processes::killChildren, "bench-cleanup"));
    ClientBench bench = new ClientBench(options);
    List<Result> results = bench.runAll();
    String report = bench.render(results, String.join(" ", args));
    System.out.print(report);
    if (options.out != null) {
      bench.write(options.out, report);
      System.err.println("wrote " + options.out);
    }
    Processes.killChildren();
  }

  private List<Result> runAll() {
    String sdk = "Java SDK " + version("io.modelcontextprotocol.sdk", "mcp-core");
    String l4j = "LangChain4j " + version("dev.langchain4j", "langchain4j-mcp");
    String tsName = Report.TS_PREFIX + " " + tsPackageVersion("sdk");
    for (int round = 1; round <= options.rounds; round++) {
      if (options.rounds > 1) {
        System.err.println("round " + round + " of " + options.rounds);
      }
      if (options.only == null || options.only.equals("stdio")) {
        List<String> cmd = everything.stdioCommand();
        measure("stdio", Report.OURS, () -> ConciergeEcho.stdio(cmd));
        measure("stdio", sdk, () -> JavaSdkEcho.stdio(cmd));
        measure("stdio", l4j, () -> LangChain4jEcho.stdio(cmd));
        measureTs("stdio", tsName, null);
        measure("stdio", Report.BARE_STDIO, () -> new BareStdioEcho(cmd));
      }
      if (options.only == null || options.only.equals("http")) {
        measureHttp(Report.OURS, ConciergeEcho::http);
        measureHttp(sdk, JavaSdkEcho::http);
        measureHttp(l4j, LangChain4jEcho::http);
        measureHttp(Report.BARE, BareHttpEcho::new);
        if (options.wants(tsName)) {
          try (Everything.HttpServer server = everything.startHttp()) {
            measureTs("http", tsName, server.url());
          } catch (IOException e) {
            keep(Result.failed("http", tsName, e));
          }
        }
      }
    }
    return new ArrayList<>(best.values());
  }

  private interface Opener {
    EchoClient open() throws Exception;
  }

  private interface UrlOpener {
    EchoClient open(String url) throws Exception;
  }

  private void measureHttp(String name, UrlOpener opener) {
    if (!options.wants(name)) {
      return;
    }
    try (Everything.HttpServer server = everything.startHttp()) {
      measure("http", name, () -> opener.open(server.url()));
    } catch (IOException e) {
      System.err.printf("%-5s %-28s ", "http", name);
      keep(Result.failed("http", name, e));
    }
  }

  private void measure(String transport, String name, Opener opener) {
    if (!options.wants(name)) {
      return;
    }
    System.err.printf("%-5s %-28s ", transport, name);
    Result result;
    try (EchoClient client = opener.open()) {
      result = load.run(transport, name, client);
    } catch (Exception e) {
      result = Result.failed(transport, name, e);
    }
    leftovers(name);
    keep(result);
  }

  private void measureTs(String transport, String name, String url) {
    if (!options.wants(name)) {
      return;
    }
    System.err.printf("%-5s %-28s ", transport, name);
    List<String> target = new ArrayList<>();
    target.add(transport);
    if (url == null) {
      target.addAll(everything.stdioCommand());
    } else {
      target.add(url);
    }
    Result result;
    try {
      result = ts.run(transport, name, options.calls, options.concurrentCalls, options.threads, options.warmup,
          options.warmupSeconds, target);
    } catch (Exception e) {
      result = Result.failed(transport, name, e);
    }
    keep(result);
  }

  /** Keeps the better of this round and earlier ones; prints the round's figures as progress. */
  private void keep(Result result) {
    System.err.println(result.ok()
        ? String.format(Locale.ROOT, "seq %6.0f/s p50 %.3f ms | concurrent %6.0f/s p50 %.3f ms",
            result.sequential().callsPerSec(), result.sequential().p50Ms(), result.concurrent().callsPerSec(),
            result.concurrent().p50Ms())
        : "FAILED " + result.failure());
    String key = result.transport() + "/" + result.client();
    best.merge(key, result, (old, now) -> !now.ok() ? old : !old.ok() ? now : new Result(now.transport(),
        now.client(), better(old.sequential(), now.sequential()), better(old.concurrent(), now.concurrent()), null));
  }

  private static Stats better(Stats a, Stats b) {
    return b.callsPerSec() > a.callsPerSec() ? b : a;
  }

  /** A client that leaves its server running after close is reported, then the process is killed. */
  private static void leftovers(String client) {
    List<ProcessHandle> alive = ProcessHandle.current().children().toList();
    if (!alive.isEmpty()) {
      try {
        // Some clients end their server asynchronously; give them a moment before calling it a leak.
        TimeUnit.SECONDS.sleep(2);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      List<ProcessHandle> still = ProcessHandle.current().children().filter(ProcessHandle::isAlive)
          .filter(p -> p.info().commandLine().map(c -> c.contains("stdio")).orElse(false)).toList();
      if (!still.isEmpty()) {
        System.err.println("  (" + client + " left " + still.size() + " server process(es) running; killed)");
        still.forEach(Processes::kill);
      }
    }
  }

  private String render(List<Result> results, String args) {
    Report report = new Report(results, options.threads);
    String command = "java -cp bench/target/concierge-bench.jar dev.concierge.bench.ClientBench"
        + (args.isEmpty() ? "" : " " + args);
    StringBuilder md = new StringBuilder("# Benchmarks\n\n");
    md.append("Echo calls (`tools/call echo`) against `@modelcontextprotocol/server-everything` ")
        .append(tsPackageVersion("server-everything")).append(", every client measured in the same run, each with ")
        .append("its own server process. Each client is warmed up (sequential, then concurrent: batches of ")
        .append(options.warmup).append(" calls until ").append(String.format(Locale.ROOT, "%.0f", options.warmupSeconds))
        .append(" s have passed, each), then makes ")
        .append(options.calls).append(" sequential calls and ").append(options.concurrentCalls).append(" calls from ")
        .append(options.threads).append(" threads sharing one client (the TS SDK: ").append(options.threads)
        .append(" async loops on one client).")
        .append(options.rounds > 1 ? " Best of " + options.rounds + " interleaved rounds per cell." : "")
        .append(" Latency is per call, p50/p99 nearest-rank.\n\n");
    md.append("Produced by\n\n```\n").append(command)
        .append("\n```\n\n(`bin/bench` builds the jar if needed and runs this command; extra arguments are passed on.)\n\n");
    md.append("Machine: ").append(Runtime.getRuntime().availableProcessors()).append(" cores, ")
        .append(System.getProperty("os.name")).append(' ').append(System.getProperty("os.arch")).append(", Java ")
        .append(System.getProperty("java.version")).append(", Node ").append(nodeVersion()).append(", ")
        .append(LocalDate.now()).append(". A shared, noisy machine: differences under about 15% are within ")
        .append("run-to-run noise; compare ratios from the same run, not absolute figures across runs.\n\n");
    md.append("## Targets\n\nThroughput of Concierge divided by the peer's (sequential and ").append(options.threads)
        .append("-way):\n\n")
        .append(report.targets()).append('\n');
    md.append("## Results\n\n");
    md.append(report.tables("stdio", "stdio"));
    md.append(report.tables("http", "Streamable HTTP"));
    return md.toString();
  }

  private void write(Path out, String report) throws IOException {
    String notes = "";
    if (Files.isRegularFile(out)) {
      String old = Files.readString(out, StandardCharsets.UTF_8);
      int at = old.indexOf(NOTES_MARKER);
      if (at >= 0) {
        notes = old.substring(at);
      }
    }
    Path parent = out.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    Files.writeString(out, report + (notes.isEmpty() ? NOTES_MARKER + "\n" : notes), StandardCharsets.UTF_8);
  }

  /** A dependency's version from the pom.properties Maven puts in its jar (kept by the shaded jar). */
  private static String version(String group, String artifact) {
    try (InputStream in = ClientBench.class.getResourceAsStream(
        "/META-INF/maven/" + group + "/" + artifact + "/pom.properties")) {
      if (in == null) {
        return "?";
      }
      Properties p = new Properties();
      p.load(in);
      return p.getProperty("version", "?");
    } catch (IOException e) {
      return "?";
    }
  }

  private String tsPackageVersion(String name) {
    try {
      String json = Files.readString(options.repo.resolve("testing/node/node_modules/@modelcontextprotocol/" + name
          + "/package.json"));
      return dev.concierge.protocol.Json.parse(json).path("version").asText("?");
    } catch (IOException | RuntimeException e) {
      return "?";
    }
  }

  private String nodeVersion() {
    try {
      Process p = new ProcessBuilder(everything.node().toString(), "--version").start();
      String v = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
      p.waitFor(10, TimeUnit.SECONDS);
      return v;
    } catch (IOException e) {
      return "?";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "?";
    }
  }
}
