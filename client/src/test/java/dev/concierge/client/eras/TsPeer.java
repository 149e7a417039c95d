package dev.concierge.client.eras;

import dev.concierge.client.ServerConfig;
import dev.concierge.client.testing.EverythingServer;
import dev.concierge.client.testing.NodePeers;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The TypeScript SDK peers of {@code testing/node/peers}: {@link #V1} (SDK 1.x, legacy era only) and {@link #V2}
 * (SDK v2, 2026-07-28 plus the legacy fallback). Stdio: the client spawns {@code node <script> stdio}. HTTP:
 * {@link #startHttp} runs {@code node <script> http} with {@code PORT=0} and reads the port from its
 * {@code listening 127.0.0.1:<port>} line on stderr.
 */
enum TsPeer {
  V1("server-v1.mjs"), V2("server-v2.mjs");

  private static final Pattern LISTENING = Pattern.compile("listening 127\\.0\\.0\\.1:(\\d+)");
  private static final long START_SECONDS = 30;

  private final String script;

  TsPeer(String script) {
    this.script = script;
  }

  Path script() {
    return NodePeers.dir().resolve("peers").resolve(script);
  }

  /** A stdio config: the client starts {@code node <script> stdio} itself. */
  ServerConfig.Builder stdio(String name) {
    return ServerConfig.stdio(name, NodePeers.node().toString(), script().toString(), "stdio");
  }

  /** Starts the peer over Streamable HTTP on a free loopback port. */
  Running startHttp() {
    ProcessBuilder builder = new ProcessBuilder(NodePeers.node().toString(), script().toString(), "http")
        .redirectOutput(ProcessBuilder.Redirect.DISCARD);
    builder.environment().put("PORT", "0");
    Process process;
    try {
      process = builder.start();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    CompletableFuture<Integer> port = new CompletableFuture<>();
    StringBuilder stderr = new StringBuilder();
    Thread reader = new Thread(() -> {
      try (BufferedReader in = new BufferedReader(
          new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8))) {
        for (String line = in.readLine(); line != null; line = in.readLine()) {
          Matcher m = LISTENING.matcher(line);
          if (m.find()) {
            port.complete(Integer.parseInt(m.group(1)));
          } else if (stderr.length() < 10_000) {
            stderr.append(line).append('\n');
          }
        }
      } catch (IOException e) {
        // the process is gone
      }
      port.completeExceptionally(new IllegalStateException(script + " exited before listening:\n" + stderr));
    }, "ts-peer-stderr-" + process.pid());
    reader.setDaemon(true);
    reader.start();
    try {
      return new Running(process, URI.create("http://127.0.0.1:" + port.get(START_SECONDS, TimeUnit.SECONDS) + "/mcp"));
    } catch (InterruptedException | ExecutionException | TimeoutException e) {
      EverythingServer.killTree(process.toHandle());
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      throw new IllegalStateException(script + " did not start: " + e + "\n" + stderr, e);
    }
  }

  /** A peer running over HTTP; closing kills its process tree. */
  record Running(Process process, URI endpoint) implements AutoCloseable {
    ServerConfig.Builder config(String name) {
      return ServerConfig.http(name, endpoint.toString());
    }

    @Override
    public void close() {
      EverythingServer.killTree(process.toHandle());
    }
  }
}
