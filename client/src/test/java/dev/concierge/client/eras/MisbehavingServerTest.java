package dev.concierge.client.eras;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.concierge.client.CallContext;
import dev.concierge.client.ConnectionClosedException;
import dev.concierge.client.McpClientException;
import dev.concierge.client.MultiServerMCPClient;
import dev.concierge.client.RequestTimeoutException;
import dev.concierge.client.ServerConfig;
import dev.concierge.client.ServerStatus;
import dev.concierge.protocol.Json;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * Bad input from a stdio server never hangs a call or breaks the client: junk lines, oversize lines and responses
 * nobody asked for are skipped; a response under the wrong id, or none at all, ends in a {@link
 * RequestTimeoutException} (and the server is told the request is cancelled); a crash fails the call with a {@link
 * ConnectionClosedException} and the next call starts a new process. The server is {@link ModernTestServer} with
 * {@code --misbehave} (tools that misbehave on purpose) or {@code --silent}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class MisbehavingServerTest {
  private static final Duration SHORT = Duration.ofSeconds(1);

  private MultiServerMCPClient client;

  @BeforeAll
  void startClient() {
    client = MultiServerMCPClient.builder().server(stdio("bad", "--misbehave").prefix("").build()).build();
    assertThat(client.start().get(0).error()).isNull();
  }

  @AfterAll
  void stopClient() {
    if (client != null) {
      client.close();
    }
  }

  @Test
  void junkLinesAndResponsesToNobodyAreSkipped() {
    assertThat(client.callTool("garbage", Map.of()).text()).isEqualTo("after garbage");
    assertUsable();
  }

  @Test
  void aLineOverTheSizeLimitIsSkippedEvenWhenItCarriesTheAnswer() {
    assertThat(client.callTool("oversize", Map.of()).text()).isEqualTo("after oversize");
    assertUsable();
  }

  @Test
  void anAnswerUnderTheWrongIdLeavesTheCallToItsTimeout() {
    Throwable error = catchThrowable(() -> client.callTool("wrong-id", Json.object(), CallContext.EMPTY, SHORT));
    assertThat(error).isInstanceOf(RequestTimeoutException.class);
    assertThat(((McpClientException) error).server()).isEqualTo("bad");
    assertUsable();
  }

  @Test
  void aCallNobodyAnswersTimesOutAndTheServerIsToldItIsCancelled() {
    int before = cancellations();
    Throwable error = catchThrowable(() -> client.callTool("hang", Json.object(), CallContext.EMPTY, SHORT));
    assertThat(error).isInstanceOf(RequestTimeoutException.class).hasMessageContaining("tools/call timed out");
    // notifications/cancelled goes down the same pipe before the next request, so the count is already up.
    assertThat(cancellations()).isGreaterThan(before);
  }

  @Test
  void aCrashFailsTheCallInFlightAndTheNextCallStartsANewProcess() {
    Throwable error = catchThrowable(() -> client.callTool("crash", Map.of()));
    assertThat(error).isInstanceOf(ConnectionClosedException.class).hasMessageContaining("exit code 3");
    assertUsable();
    assertThat(client.servers().get(0).connected()).isTrue();
  }

  @Test
  void aServerThatNeverAnswersFailsToConnectWithinItsTimeouts() {
    try (MultiServerMCPClient silent = MultiServerMCPClient.builder().probeTimeout(SHORT)
        .server(stdio("silent", "--silent").requestTimeout(Duration.ofSeconds(2)).build()).build()) {
      ServerStatus status = silent.start().get(0);
      assertThat(status.connected()).isFalse();
      assertThat(status.error()).contains("timed out");
      assertThat(catchThrowable(() -> silent.callTool("silent__echo", Map.of("message", "x"))))
          .isInstanceOf(McpClientException.class);
    }
  }

  @Test
  void aServerThatExitsMidHandshakeIsReportedWithItsExitCodeAndStderr() {
    // It reads the probe first: a process that is gone before the first write fails that write instead (see below).
    try (MultiServerMCPClient gone = MultiServerMCPClient.builder()
        .server(ServerConfig.stdio("gone", "sh", "-c", "read probe; echo bye >&2; exit 7").build()).build()) {
      ServerStatus status = gone.start().get(0);
      assertThat(status.connected()).isFalse();
      assertThat(status.error()).contains("exit code 7").contains("bye");
    }
  }

  @Test
  void aServerThatExitsAtOnceFailsToConnectWithATypedError() {
    try (MultiServerMCPClient gone = MultiServerMCPClient.builder()
        .server(ServerConfig.stdio("gone", "sh", "-c", "exit 7").build()).build()) {
      ServerStatus status = gone.start().get(0);
      assertThat(status.connected()).isFalse();
      assertThat(status.error()).contains("exit code 7").doesNotStartWith("[gone]");
      assertThat(gone.ping("gone", Duration.ofSeconds(5)).connected()).isFalse(); // retried, still typed, no hang
    }
  }

  private void assertUsable() {
    assertThat(client.callTool("echo", Map.of("message", "ok")).text()).isEqualTo("Echo: ok");
  }

  private int cancellations() {
    return Integer.parseInt(client.callTool("cancelled-count", Map.of()).text());
  }

  private static ServerConfig.Builder stdio(String name, String flag) {
    List<String> command = ModernTestServer.stdioCommand(flag);
    return ServerConfig.stdio(name, command.get(0), command.subList(1, command.size()).toArray(String[]::new));
  }
}
