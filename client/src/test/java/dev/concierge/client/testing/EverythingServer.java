package dev.concierge.client.testing;

import dev.concierge.client.ServerConfig;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The reference server {@code @modelcontextprotocol/server-everything} as a test peer, on any of its three transports.
 *
 * <p>Stdio: the client under test spawns it, so this class only builds the {@link ServerConfig} ({@link #stdio}); a
 * {@linkplain #newMarker() marker} argument (ignored by the server) lets a test find and {@link #killStdio kill} that
 * process tree. HTTP ({@link Mode#STREAMABLE_HTTP} at {@code /mcp}, {@link Mode#SSE} at {@code /sse}): {@link #start}
 * launches it with {@code PORT=0} behind the loopback preload and reads the port it got from stderr;
 * {@link #restart()} brings it back on the same port, {@link #close()} kills the process tree.
 *
 * <p>Optionally every JSON-RPC request the server parses is appended, one JSON line each, to a capture file (see
 * {@link #capturePreload()}): the only way to see what really went over the wire, e.g. a {@code _meta} entry.
 */
public final class EverythingServer implements AutoCloseable {
  /** The HTTP transports of server-everything. */
  public enum Mode {
    STREAMABLE_HTTP("streamableHttp", "/mcp"), SSE("sse", "/sse");

    private final String argument;
    private final String path;

    Mode(String argument, String path) {
      this.argument = argument;
      this.path = path;
    }
  }

  /** Environment variable naming the capture file for {@link #capturePreload()}. */
  public static final String CAPTURE_ENV = "CONCIERGE_CAPTURE_FILE";

  private static final Duration START_TIMEOUT = Duration.ofSeconds(30);
  private static final Duration STOP_GRACE = Duration.ofSeconds(5);
  private static final Pattern LISTENING = Pattern.compile("^\\[force-loopback] listening 127\\.0\\.0\\.1:(\\d+)");
  private static final int STDERR_TAIL_LINES = 50;
  private static final String CAPTURE_JS = String.join("\n",
      "'use strict';",
      "// Appends every JSON-RPC request or notification the server parses to $" + CAPTURE_ENV + ", one per line.",
      "// JSON.parse is what all three everything transports use on what they read.",
      "const fs = require('fs');",
      "const file = process.env." + CAPTURE_ENV + ";",
      "if (file) {",
      "  const parse = JSON.parse;",
      "  JSON.parse = function (text, reviver) {",
      "    const value = parse.call(this, text, reviver);",
      "    try {",
      "      for (const m of Array.isArray(value) ? value : [value]) {",
      "        if (m && typeof m === 'object' && m.jsonrpc === '2.0' && typeof m.method === 'string') {",
      "          fs.appendFileSync(file, JSON.stringify(m) + '\\n');",
      "        }",
      "      }",
      "    } catch (e) { /* a capture problem must never break the server */ }",
      "    return value;",
      "  };",
      "}",
      "");
  private static volatile Path capturePreload;

  private final Mode mode;
  private final Path captureFile;
  private final Deque<String> stderrTail = new ArrayDeque<>();
  private volatile Process process;
  private volatile int port;

  private EverythingServer(Mode mode, Path captureFile) {
    this.mode = mode;
    this.captureFile = captureFile;
  }

  /** {@code dist/index.js} of the installed server-everything. */
  public static Path script() {
    return NodePeers.module("@modelcontextprotocol/server-everything/dist/index.js");
  }

  /** A fresh argument to tag one stdio server's command line with, for {@link #killStdio}. */
  public static String newMarker() {
    return "--concierge-test-marker=" + UUID.randomUUID();
  }

  /**
   * A stdio config for server-everything: {@code node [--require capture] index.js stdio <marker>}.
   *
   * @param marker from {@link #newMarker()}, or {@code null}
   * @param captureFile where to record the requests the server reads, or {@code null}
   */
  public static ServerConfig.Builder stdio(String name, String marker, Path captureFile) {
    List<String> args = new ArrayList<>();
    if (captureFile != null) {
      args.addAll(List.of("--require", capturePreload().toString()));
    }
    args.addAll(List.of(script().toString(), "stdio"));
    if (marker != null) {
      args.add(marker);
    }
    ServerConfig.Builder builder = ServerConfig.stdio(name, NodePeers.node().toString()).args(args);
    if (captureFile != null) {
      builder.env(CAPTURE_ENV, captureFile.toString());
    }
    return builder;
  }

  /**
   * Kills (SIGKILL, no grace) every process this JVM started whose command line holds {@code marker}, and their
   * descendants, as a crash would; returns how many processes were found. Waits until they are gone.
   */
  public static int killStdio(String marker) {
    List<ProcessHandle> found = ProcessHandle.current().descendants()
        .filter(p -> p.info().commandLine().map(line -> line.contains(marker)).orElse(false))
        .toList();
    found.forEach(EverythingServer::killTree);
    return found.size();
  }

  /** Starts server-everything on {@code mode} on a free loopback port; waits until it listens. */
  public static EverythingServer start(Mode mode) {
    return start(mode, null);
  }

  /** Like {@link #start(Mode)}, recording every request the server reads in {@code captureFile}. */
  public static EverythingServer start(Mode mode, Path captureFile) {
    EverythingServer server = new EverythingServer(Objects.requireNonNull(mode), captureFile);
    server.launch(0);
    return server;
  }

  public Mode mode() {
    return mode;
  }

  public int port() {
    return port;
  }

  /** The URL a client is configured with: {@code http://127.0.0.1:PORT/mcp} or {@code .../sse}. */
  public String url() {
    return "http://127.0.0.1:" + port + mode.path;
  }

  /** The process, while running (for a test that wants its pid). */
  public ProcessHandle handle() {
    Process p = process;
    return p == null ? null : p.toHandle();
  }

  /** Kills the process tree at once (SIGKILL), as a crash would; every session it held is gone. */
  public void kill() {
    Process p = process;
    process = null;
    if (p != null) {
      killTree(p.toHandle());
    }
  }

  /** Kills the server and starts a new one on the same port (a new server: no session survives). */
  public void restart() {
    kill();
    relaunch();
  }

  /** Starts a new server on the port of the one that was {@linkplain #kill() killed}. */
  public void relaunch() {
    if (process != null) {
      throw new IllegalStateException("server-everything is still running on port " + port);
    }
    launch(port);
  }

  /** The last lines the server wrote on stderr, for assertion messages. */
  public String stderrTail() {
    synchronized (stderrTail) {
      return String.join("\n", stderrTail);
    }
  }

  @Override
  public void close() {
    kill();
  }

  /**
   * The preload recording parsed JSON-RPC messages in {@code $CONCIERGE_CAPTURE_FILE}; written once per JVM to a
   * temporary file (it lives in this test jar, not in {@code testing/node}).
   */
  public static synchronized Path capturePreload() {
    if (capturePreload == null) {
      try {
        Path file = Files.createTempFile("concierge-capture-", ".cjs");
        file.toFile().deleteOnExit();
        Files.writeString(file, CAPTURE_JS);
        capturePreload = file;
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return capturePreload;
  }

  private void launch(int requestedPort) {
    // A port just freed by kill() may be refused for a moment; a restart retries briefly.
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    IllegalStateException last = null;
    for (int attempt = 0; attempt < 20 && System.nanoTime() < deadline; attempt++) {
      try {
        launchOnce(requestedPort, deadline);
        return;
      } catch (IllegalStateException e) {
        last = e;
        if (requestedPort == 0) {
          break;
        }
        sleep(250);
      }
    }
    throw last != null ? last : new IllegalStateException("server-everything did not start");
  }

  private void launchOnce(int requestedPort, long deadline) {
    List<String> command = new ArrayList<>(List.of(NodePeers.node().toString(),
        "--require", NodePeers.forceLoopback().toString()));
    if (captureFile != null) {
      command.addAll(List.of("--require", capturePreload().toString()));
    }
    command.addAll(List.of(script().toString(), mode.argument));
    ProcessBuilder builder = new ProcessBuilder(command)
        .redirectOutput(ProcessBuilder.Redirect.DISCARD) // it logs every request on stdout
        .redirectInput(ProcessBuilder.Redirect.PIPE);
    builder.environment().put("PORT", Integer.toString(requestedPort));
    if (captureFile != null) {
      builder.environment().put(CAPTURE_ENV, captureFile.toString());
    }
    Process started;
    try {
      started = builder.start();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    CompletableFuture<Integer> listening = new CompletableFuture<>();
    Thread reader = new Thread(() -> drainStderr(started, listening), "everything-stderr-" + started.pid());
    reader.setDaemon(true);
    reader.start();
    started.onExit().thenRun(() -> listening.completeExceptionally(
        new IllegalStateException("server-everything exited with " + started.exitValue())));
    try {
      int bound = listening.get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      this.port = bound;
      this.process = started;
    } catch (InterruptedException e) {
      killTree(started.toHandle());
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while starting server-everything");
    } catch (ExecutionException | TimeoutException e) {
      killTree(started.toHandle());
      throw new IllegalStateException("server-everything " + mode.argument + " did not start: "
          + (e.getCause() != null ? e.getCause().getMessage() : "timeout") + "\n" + stderrTail());
    }
  }

  private void drainStderr(Process p, CompletableFuture<Integer> listening) {
    try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getErrorStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = in.readLine()) != null) {
        synchronized (stderrTail) {
          stderrTail.addLast(line);
          if (stderrTail.size() > STDERR_TAIL_LINES) {
            stderrTail.removeFirst();
          }
        }
        Matcher m = LISTENING.matcher(line);
        if (m.find()) {
          listening.complete(Integer.parseInt(m.group(1)));
        }
      }
    } catch (IOException e) {
      // the process is gone; onExit reports it
    }
  }

  /** SIGKILL to a process and every descendant (children first are found before the parent dies), then waits. */
  public static void killTree(ProcessHandle root) {
    List<ProcessHandle> all = new ArrayList<>(root.descendants().toList());
    all.add(0, root);
    all.forEach(ProcessHandle::destroyForcibly);
    long deadline = System.nanoTime() + STOP_GRACE.toNanos();
    for (ProcessHandle p : all) {
      try {
        p.onExit().get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (ExecutionException | TimeoutException e) {
        // a zombie grandchild (no reaping init) counts as gone: it holds no socket
      }
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
