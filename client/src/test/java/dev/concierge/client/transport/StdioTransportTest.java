package dev.concierge.client.transport;

import static dev.concierge.client.transport.RecordingListener.WAIT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.concierge.client.ConnectionClosedException;
import dev.concierge.client.EnvExpander;
import dev.concierge.client.ServerConfig;
import dev.concierge.client.TransportException;
import dev.concierge.protocol.Json;
import dev.concierge.protocol.JsonRpcMessage;
import dev.concierge.protocol.JsonRpcRequest;
import dev.concierge.protocol.JsonRpcResponse;
import dev.concierge.protocol.RequestId;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class StdioTransportTest {
  private final List<StdioTransport> transports = new ArrayList<>();
  private final List<Long> grandchildren = new ArrayList<>();
  private final RecordingListener listener = new RecordingListener();

  @AfterEach
  void leaveNoProcessBehind() {
    for (StdioTransport transport : transports) {
      transport.close();
      Process process = transport.process();
      if (process != null) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
      }
    }
    grandchildren.forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
  }

  @Test
  void requestAndResponseMakeARoundTrip() throws Exception {
    StdioTransport transport = start(b -> b);

    assertThat(transport.send(request(1, "echo", Json.object().put("text", "héllo ✓")), SendOptions.NONE))
        .succeedsWithin(WAIT);
    JsonRpcResponse response = listener.awaitResponse();

    assertThat(response.id()).isEqualTo(RequestId.of(1));
    assertThat(response.result().path("echo").path("text").asText()).isEqualTo("héllo ✓");
    assertThat(transport.describe()).startsWith("stdio: ").contains(StdioScriptServer.class.getName());
    assertThat(listener.malformed).isEmpty();
  }

  @ParameterizedTest(name = "lines of {0} bytes, callers waiting: {1}")
  @CsvSource({"4096, false", "1000, true"}) // waiting callers may write on their own thread while the pipe has room
  void concurrentSendsFromEightThreadsArriveAsWholeLines(int padBytes, boolean callerWaits) throws Exception {
    StdioTransport transport = start(b -> b);
    int threads = 8;
    int perThread = 50;
    String padding = "p".repeat(padBytes); // long lines, so interleaved writes would tear them
    SendOptions options = new SendOptions(null, Map.of(), callerWaits);
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    CountDownLatch go = new CountDownLatch(1);
    List<CompletableFuture<Void>> sends = new ArrayList<>();
    try {
      List<java.util.concurrent.Future<List<CompletableFuture<Void>>>> workers = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int first = t * perThread;
        workers.add(pool.submit(() -> {
          go.await();
          List<CompletableFuture<Void>> mine = new ArrayList<>();
          for (int id = first; id < first + perThread; id++) {
            mine.add(transport.send(request(id, "echo", Json.object().put("n", id).put("pad", padding)), options));
          }
          return mine;
        }));
      }
      go.countDown();
      for (var worker : workers) {
        sends.addAll(worker.get(WAIT.toMillis(), TimeUnit.MILLISECONDS));
      }
    } finally {
      pool.shutdownNow();
    }

    assertThat(CompletableFuture.allOf(sends.toArray(CompletableFuture[]::new))).succeedsWithin(WAIT);
    Set<Long> ids = new HashSet<>();
    for (int i = 0; i < threads * perThread; i++) {
      JsonRpcResponse response = listener.awaitResponse();
      assertThat(response.result().path("echo").path("n").asLong()).isEqualTo(response.id().value());
      ids.add(response.result().path("echo").path("n").asLong());
    }
    assertThat(ids).hasSize(threads * perThread);
    assertThat(listener.malformed).isEmpty();
  }

  @ParameterizedTest(name = "callers waiting: {0}")
  @CsvSource({"false", "true"}) // a waiting caller writes itself only while the pipe surely has room
  void sendNeverBlocksOnAServerThatDoesNotReadStdin(boolean callerWaits) throws Exception {
    StdioTransport transport = start(b -> b.shutdownGrace(Duration.ofMillis(300)), "--sleep");
    String padding = "p".repeat(100);
    SendOptions options = new SendOptions(null, Map.of(), callerWaits);
    ExecutorService sender = Executors.newSingleThreadExecutor();
    List<CompletableFuture<Void>> sends;
    try {
      // About 2 MB of small lines, far more than any pipe buffer holds.
      sends = sender.submit(() -> {
        List<CompletableFuture<Void>> mine = new ArrayList<>();
        for (int id = 0; id < 20_000; id++) {
          mine.add(transport.send(request(id, "echo", Json.object().put("pad", padding)), options));
        }
        return mine;
      }).get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    } finally {
      sender.shutdownNow();
    }

    assertThat(sends.get(sends.size() - 1)).isNotDone();
    transport.close();
    assertThat(sends.get(sends.size() - 1)).failsWithin(WAIT);
  }

  @Test
  void garbageLinesAreReportedBrieflyAndTheNextMessageStillArrives() throws Exception {
    StdioTransport transport = start(b -> b);

    transport.send(request(7, "garbage", null), SendOptions.NONE);

    assertThat(listener.awaitResponse().id()).isEqualTo(RequestId.of(7));
    assertThat(listener.malformed).hasSize(3); // the blank line is skipped silently
    assertThat(listener.malformed.get(0)).contains("not JSON-RPC", "this is not json").hasSizeLessThanOrEqualTo(320);
    assertThat(listener.malformed.get(1)).contains("[1,2,3]");
    assertThat(listener.malformed.get(2)).contains("\"jsonrpc\" must be \"2.0\"");
  }

  @Test
  void oversizeLineIsSkippedAndTheNextMessageStillArrives() throws Exception {
    StdioTransport transport = start(b -> b.maxLineBytes(1024));

    transport.send(request(1, "oversize", Json.object().put("bytes", 100_000)), SendOptions.NONE);

    assertThat(listener.awaitResponse().id()).isEqualTo(RequestId.of(1));
    assertThat(listener.malformed).containsExactly("line over 1024 bytes");
  }

  @Test
  void stderrFloodDoesNotBlockTheServerAndOnlyItsTailIsKept() throws Exception {
    StdioTransport transport = start(b -> b.stderrCapacity(4096));

    transport.send(request(1, "stderr", Json.object().put("bytes", 2_000_000).put("marker", "the-end")), SendOptions.NONE);

    assertThat(listener.awaitResponse().id()).isEqualTo(RequestId.of(1));
    // stderr and stdout are separate pipes: the marker may trail the response by a moment
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (!transport.stderrTail().contains("the-end") && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertThat(transport.stderrTail()).endsWith("the-end\n");
    assertThat(transport.stderrTail().getBytes(StandardCharsets.UTF_8)).hasSizeLessThanOrEqualTo(4096);
  }

  @ParameterizedTest
  @CsvSource({"3, crashed with exit code 3", "0, exited with code 0"})
  void processExitMidStreamClosesWithTheExitCodeAndStderr(int code, String expected) throws Exception {
    StdioTransport transport = start(b -> b);

    transport.send(request(1, "exit", Json.object().put("code", code).put("stderr", "fatal: boom")), SendOptions.NONE);

    Throwable cause = listener.awaitClosed().orElseThrow();
    assertThat(cause).isInstanceOf(ConnectionClosedException.class)
        .hasMessageContaining(expected).hasMessageContaining("fatal: boom");
    assertThat(cause.getMessage()).hasSizeLessThanOrEqualTo(500);
    assertThat(transport.exitCode()).isEqualTo(code);
    assertThat(transport.send(request(2, "echo", null), SendOptions.NONE))
        .failsWithin(WAIT).withThrowableOfType(java.util.concurrent.ExecutionException.class)
        .withCauseInstanceOf(TransportException.class);
    transport.close();
    assertThat(listener.closedCalls).hasValue(1);
  }

  @Test
  void exitIsReportedEvenWhileAChildOfTheServerKeepsStdoutOpen() throws Exception {
    StdioTransport transport = start(b -> b.shutdownGrace(Duration.ofMillis(300)));
    spawnGrandchild(transport, true);

    transport.send(request(1, "exit", Json.object().put("code", 1).put("stderr", "bye")), SendOptions.NONE);

    assertThat(listener.awaitClosed().orElseThrow()).hasMessageContaining("crashed with exit code 1");
  }

  @Test
  void closeStopsAServerThatIgnoresStdinEofAndSigtermAndItsChildren() throws Exception {
    StdioTransport transport =
        start(b -> b.shutdownGrace(Duration.ofMillis(300)), "--ignore-stdin-eof", "--ignore-term");
    ProcessHandle grandchild = spawnGrandchild(transport);

    long began = System.nanoTime();
    transport.close();

    assertThat(Duration.ofNanos(System.nanoTime() - began)).isLessThan(WAIT);
    assertThat(transport.process().isAlive()).isFalse();
    assertThat(ProcessTree.isRunning(grandchild)).isFalse();
    assertThat(listener.awaitClosed()).isEmpty();
    assertThat(transport.exitCode()).isNotNull();
  }

  @Test
  void closeStopsChildrenLeftBehindByAServerThatExitsOnStdinEof() throws Exception {
    StdioTransport transport = start(b -> b.shutdownGrace(Duration.ofMillis(300)));
    ProcessHandle grandchild = spawnGrandchild(transport);

    transport.close();

    assertThat(transport.exitCode()).isZero();
    assertThat(ProcessTree.isRunning(grandchild)).isFalse();
  }

  @Test
  void closeIsIdempotentAndSafeFromAListenerCallback() throws Exception {
    StdioTransport transport = start(b -> b);
    listener.onEachMessage = message -> transports.get(0).close();

    transport.send(request(1, "echo", null), SendOptions.NONE);

    assertThat(listener.awaitClosed()).isEmpty();
    transport.close();
    assertThat(transport.process().isAlive()).isFalse();
    assertThat(listener.closedCalls).hasValue(1);
    assertThat(transport.send(request(2, "echo", null), SendOptions.NONE)).isCompletedExceptionally();
  }

  @Test
  void commandArgsAndEnvAreExpandedAndTheParentEnvironmentIsInherited() throws Exception {
    Map<String, String> parent = new HashMap<>(System.getenv());
    parent.put("CONCIERGE_GREETING", "hi");
    parent.put("CONCIERGE_PARENT_ONLY", "inherited");
    List<String> command = StdioScriptServer.javaCommand("${CONCIERGE_GREETING}-arg", "${CONCIERGE_UNSET:-fallback}");
    ServerConfig config = ServerConfig.stdio("script", command.get(0))
        .args(command.subList(1, command.size()))
        .env("MESSAGE", "${CONCIERGE_GREETING} there")
        .build();
    StdioTransport transport = track(StdioTransport.builder(config).environment(parent).build());
    transport.start(listener);

    transport.send(request(1, "args", null), SendOptions.NONE);
    transport.send(request(2, "env", Json.object().put("name", "MESSAGE")), SendOptions.NONE);
    transport.send(request(3, "env", Json.object().put("name", "CONCIERGE_PARENT_ONLY")), SendOptions.NONE);

    assertThat(listener.awaitResponse().result().path("args").toString()).contains("\"hi-arg\"", "\"fallback\"");
    assertThat(listener.awaitResponse().result().path("value").asText()).isEqualTo("hi there");
    assertThat(listener.awaitResponse().result().path("value").asText()).isEqualTo("inherited");
    assertThat(transport.describe()).contains("${CONCIERGE_GREETING}-arg").doesNotContain("hi-arg");
  }

  @Test
  void envExpanderFollowsShellRulesAndNamesAMissingVariable() {
    Map<String, String> env = Map.of("A", "x", "EMPTY", "");

    assertThat(EnvExpander.expand("${A}/${A}", env)).isEqualTo("x/x");
    assertThat(EnvExpander.expand("${B:-d e}|${EMPTY:-e}|${A:-f}", env)).isEqualTo("d e|e|x");
    assertThat(EnvExpander.expand("$A ${ $5 ${A", env)).isEqualTo("$A ${ $5 ${A");
    assertThat(EnvExpander.expand("${EMPTY}", env)).isEmpty();
    assertThatThrownBy(() -> EnvExpander.expand("--token=${SECRET_TOKEN}", env))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'SECRET_TOKEN' is not set");
  }

  @Test
  void startFailsWithConnectionClosedWhenTheCommandDoesNotExist() {
    StdioTransport transport = track(new StdioTransport(ServerConfig.stdio("missing", "/no/such/concierge-server").build()));

    assertThatThrownBy(() -> transport.start(listener)).isInstanceOf(ConnectionClosedException.class)
        .hasMessageContaining("/no/such/concierge-server");
    assertThat(transport.send(request(1, "echo", null), SendOptions.NONE)).isCompletedExceptionally();
    assertThat(listener.closedCalls).hasValue(0);
  }

  @Test
  void lineReaderBoundsLinesAndStaysUsableAfterAnOversizeOne() throws Exception {
    String input = "abcd\r\n" + "abcde\n" + "\n" + "x".repeat(20_000) + "\n" + "tail";
    BoundedLineReader reader =
        new BoundedLineReader(new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8)), 5);

    assertThat(reader.readLine()).isEqualTo("abcd"); // "abcd\r" is exactly 5 bytes
    assertThat(reader.readLine()).isEqualTo("abcde");
    assertThat(reader.readLine()).isEmpty();
    assertThatThrownBy(reader::readLine).isInstanceOf(BoundedLineReader.LineTooLongException.class)
        .hasMessage("line over 5 bytes");
    assertThat(reader.readLine()).isEqualTo("tail");
    assertThat(reader.readLine()).isNull();
  }

  @Test
  void stderrLogKeepsTheMostRecentBytesAndSummarisesTheLastLines() {
    StderrLog log = new StderrLog(16);
    byte[] text = "first line\nsecond\n\u001B[31mthird\u001B[0m\n".getBytes(StandardCharsets.UTF_8);

    log.append(text, 0, text.length);

    assertThat(log.tail()).hasSize(16).endsWith("[0m\n");
    assertThat(new StderrLog(100).lastLines(10)).isEmpty();
    StderrLog roomy = new StderrLog(100);
    roomy.append(text, 0, text.length);
    assertThat(roomy.lastLines(100)).isEqualTo("first line | second | third");
    assertThat(roomy.lastLines(14)).isEqualTo("second | third");
  }

  private StdioTransport start(UnaryOperator<StdioTransport.Builder> limits, String... flags) {
    List<String> command = StdioScriptServer.javaCommand(flags);
    ServerConfig config = ServerConfig.stdio("script", command.get(0)).args(command.subList(1, command.size())).build();
    StdioTransport transport = track(limits.apply(StdioTransport.builder(config)).build());
    transport.start(listener);
    return transport;
  }

  private StdioTransport track(StdioTransport transport) {
    transports.add(transport);
    return transport;
  }

  /** Makes the server start a child of its own; its answer also proves the server's main() is running. */
  private ProcessHandle spawnGrandchild(StdioTransport transport) throws InterruptedException {
    return spawnGrandchild(transport, false);
  }

  private ProcessHandle spawnGrandchild(StdioTransport transport, boolean inheritStdout) throws InterruptedException {
    transport.send(request(99, "spawn", Json.object().put("inheritStdout", inheritStdout)), SendOptions.NONE);
    long pid = listener.awaitResponse().result().path("pid").asLong();
    grandchildren.add(pid);
    ProcessHandle grandchild = ProcessHandle.of(pid).orElseThrow();
    assertThat(transport.process().descendants()).contains(grandchild);
    return grandchild;
  }

  private static JsonRpcMessage request(long id, String method, ObjectNode params) {
    return new JsonRpcRequest(RequestId.of(id), method, params);
  }
}
