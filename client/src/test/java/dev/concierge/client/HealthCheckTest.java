package dev.concierge.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.concierge.client.testing.EverythingServer;
import dev.concierge.protocol.Json;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A server that hangs (SIGSTOP: alive, silent) is found by the health check instead of by every call's timeout. */
class HealthCheckTest {
  private final String marker = EverythingServer.newMarker();

  @AfterEach
  void cleanUp() {
    signal("CONT");
    EverythingServer.killStdio(marker);
  }

  @Test
  void aHungServerIsDroppedItsCallsFailAndTheNextCallReconnects() throws Exception {
    try (MultiServerMCPClient client = MultiServerMCPClient.builder()
        .server(EverythingServer.stdio("everything", marker, null).requestTimeout(Duration.ofMinutes(5)).build())
        .healthCheckInterval(Duration.ofSeconds(1))
        .build()) {
      assertThat(client.start()).allMatch(ServerStatus::connected);
      signal("STOP");
      CompletableFuture<?> call = client.callToolAsync("everything__echo", Json.object().put("message", "x"),
          CallContext.EMPTY, null);
      assertThatThrownBy(() -> call.get(60, TimeUnit.SECONDS)).hasCauseInstanceOf(ConnectionClosedException.class);
      signal("CONT");
      // The next call reconnects (a fresh process); should a slow machine have failed a second ping meanwhile, the
      // reconnect backoff may refuse a call or two first, which is also what a user would see.
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      String echoed = null;
      while (echoed == null) {
        try {
          echoed = client.callTool("everything__echo", java.util.Map.of("message", "back")).text();
        } catch (ConnectionClosedException e) {
          if (System.nanoTime() > deadline) {
            throw e;
          }
          Thread.sleep(100);
        }
      }
      assertThat(echoed).isEqualTo("Echo: back");
    }
  }

  private void signal(String name) {
    List<ProcessHandle> servers = ProcessHandle.current().descendants()
        .filter(p -> p.info().commandLine().map(l -> l.contains(marker)).orElse(false)).toList();
    for (ProcessHandle p : servers) {
      try {
        new ProcessBuilder("kill", "-" + name, String.valueOf(p.pid())).start().waitFor();
      } catch (IOException e) {
        throw new IllegalStateException(e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
