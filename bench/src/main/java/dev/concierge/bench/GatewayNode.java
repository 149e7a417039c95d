package dev.concierge.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One {@code concierge serve} process. The CLI jar is run by this JVM's own {@code java} rather than through
 * {@code bin/concierge}, so that the {@link Process} is the gateway's JVM itself: a SIGKILL reaches the gateway, not
 * a wrapper that would leave it running. Its stdout and stderr go to files in the run's directory; stdout is read
 * for the listening line, and both are quoted when the node fails to start.
 */
final class GatewayNode implements AutoCloseable {
  private static final String LISTENING = "Concierge gateway listening on ";
  private static final Duration START_LIMIT = Duration.ofSeconds(90);
  private static final HttpClient PROBE = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  /** What every node is started with; only the name (and so the log files) differs. */
  record Launcher(Path jar, List<String> javaOptions, Path config, String store, String token, Path logs) {
    GatewayNode start(String name) throws IOException, InterruptedException {
      List<String> command = new ArrayList<>();
      command.add(ProcessHandle.current().info().command().orElse("java"));
      command.addAll(javaOptions);
      command.addAll(List.of("-jar", jar.toString(), "serve", "--config", config.toString(), "--host", "127.0.0.1",
          "--port", "0", "--store", store, "--auth", "local", "--memory", "off"));
      Path out = logs.resolve(name + "-stdout.txt");
      Path err = logs.resolve(name + "-stderr.txt");
      ProcessBuilder builder = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
      builder.environment().put("CONCIERGE_TOKEN", token); // the same on every node, as a database store requires
      long started = System.nanoTime();
      Process process = builder.start();
      try {
        URI base = awaitListening(process, out, err);
        long listening = System.nanoTime();
        awaitReady(process, base, err);
        return new GatewayNode(name, process, base, (listening - started) / 1e9, (System.nanoTime() - started) / 1e9);
      } catch (IOException | InterruptedException | RuntimeException e) {
        Processes.kill(process.toHandle());
        throw e;
      }
    }
  }

  final String name;
  private final Process process;
  private final URI base;
  /** Seconds from the process's start until it printed its address, and until {@code /readyz} answered 200. */
  final double listeningSeconds;
  final double readySeconds;

  private GatewayNode(String name, Process process, URI base, double listeningSeconds, double readySeconds) {
    this.name = name;
    this.process = process;
    this.base = base;
    this.listeningSeconds = listeningSeconds;
    this.readySeconds = readySeconds;
  }

  InetSocketAddress address() {
    return new InetSocketAddress(base.getHost(), base.getPort());
  }

  /** SIGKILL, as a crashed machine or the OOM killer would end it: no shutdown hook, no goodbye to anyone. */
  void kill() throws InterruptedException {
    process.destroyForcibly();
    if (!process.waitFor(10, TimeUnit.SECONDS)) {
      throw new IllegalStateException(name + " (pid " + process.pid() + ") outlived SIGKILL");
    }
  }

  /** Stops the node the polite way (SIGTERM, then SIGKILL after 5 s), whatever state it is in. */
  @Override
  public void close() {
    Processes.kill(process.toHandle());
  }

  private static URI awaitListening(Process process, Path out, Path err) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + START_LIMIT.toNanos();
    while (System.nanoTime() < deadline) {
      for (String line : Files.readAllLines(out)) {
        if (line.startsWith(LISTENING)) {
          return URI.create(line.substring(LISTENING.length()).split(" ")[0]).resolve("/");
        }
      }
      if (!process.isAlive()) {
        throw new IllegalStateException("a node exited with " + process.exitValue() + ": " + Files.readString(err));
      }
      Thread.sleep(20);
    }
    throw new IllegalStateException("a node printed no address within " + START_LIMIT + ": " + Files.readString(err));
  }

  /** Polls {@code /readyz}, which answers 200 once the node reaches the database: when a balancer may send traffic. */
  private static void awaitReady(Process process, URI base, Path err) throws IOException, InterruptedException {
    HttpRequest probe = HttpRequest.newBuilder(base.resolve("/readyz")).timeout(Duration.ofSeconds(2)).GET().build();
    long deadline = System.nanoTime() + START_LIMIT.toNanos();
    while (System.nanoTime() < deadline && process.isAlive()) {
      try {
        if (PROBE.send(probe, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
          return;
        }
      } catch (IOException e) {
        // not accepting yet
      }
      Thread.sleep(20);
    }
    throw new IllegalStateException("a node listening at " + base + " never became ready: " + Files.readString(err));
  }
}
