package dev.concierge.client.eras;

import static org.assertj.core.api.Assertions.assertThat;

import dev.concierge.client.CallContext;
import dev.concierge.client.MultiServerMCPClient;
import dev.concierge.client.ServerConfig;
import dev.concierge.client.ServerStatus;
import dev.concierge.protocol.Json;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * A pinned {@code protocol} skips detection: the client speaks exactly that version, or fails saying why. The HTTP
 * peers are shared by the class; every test has its own client.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class PinnedVersionTest {
  private TsPeer.Running v1;
  private TsPeer.Running v2;
  private JavaSdkPeerServer java;

  @BeforeAll
  void startPeers() throws Exception {
    v1 = TsPeer.V1.startHttp();
    v2 = TsPeer.V2.startHttp();
    java = JavaSdkPeerServer.startHttp();
  }

  @AfterAll
  void stopPeers() throws Exception {
    for (AutoCloseable peer : new AutoCloseable[] {v1, v2, java}) {
      if (peer != null) {
        peer.close();
      }
    }
  }

  @Test
  void aLegacyServerPinnedTo20250326NegotiatesThatVersionOnStdio() {
    expectLegacy(TsPeer.V1.stdio("v1").protocol("2025-03-26"), "2025-03-26");
  }

  @Test
  void aLegacyServerPinnedTo20250326NegotiatesThatVersionOverHttp() {
    // 2025-03-26 predates the MCP-Protocol-Version header: the session id alone carries the requests.
    expectLegacy(v1.config("v1").protocol("2025-03-26"), "2025-03-26");
  }

  @Test
  void theJavaSdkPinnedToOlderVersionsNegotiatesThem() {
    expectLegacy(ServerConfig.http("java", java.endpoint().toString()).protocol("2025-03-26"), "2025-03-26");
    List<String> command = JavaSdkPeerServer.stdioCommand();
    expectLegacy(ServerConfig.stdio("java", command.get(0), command.subList(1, command.size()).toArray(String[]::new))
        .protocol("2025-06-18"), "2025-06-18");
  }

  @Test
  void aDualEraServerPinnedToLegacyServesTheLegacyEraWithServerToClientElicitation() {
    withClient(TsPeer.V2.stdio("v2").protocol("2025-11-25"), (client, status) -> {
      assertThat(status.era()).isEqualTo("legacy");
      assertThat(status.protocolVersion()).isEqualTo("2025-11-25");
      // The SDK bridges its MRTR tool into a real elicitation/create request on a 2025 connection.
      assertThat(client.callTool("v2__ask-name", Json.object(), CallContext.EMPTY, null).text())
          .isEqualTo("Hello, " + EraEvents.NAME + "!");
    });
    expectLegacy(v2.config("v2").protocol("2025-11-25"), "2025-11-25");
  }

  @Test
  void aModernServerPinnedTo20260728IsUsedWithoutProbingLegacy() {
    List<String> command = ModernTestServer.stdioCommand();
    withClient(ServerConfig.stdio("modern", command.get(0), command.subList(1, command.size()).toArray(String[]::new))
        .protocol("2026-07-28"), (client, status) -> {
          assertThat(status.era()).isEqualTo("modern");
          assertThat(client.callTool("modern__echo", Map.of("message", "pinned")).text()).isEqualTo("Echo: pinned");
        });
  }

  @Test
  void aLegacyServerPinnedTo20260728FailsInsteadOfFallingBack() {
    try (MultiServerMCPClient client = MultiServerMCPClient.builder()
        .server(TsPeer.V1.stdio("v1").protocol("2026-07-28").build()).build()) {
      ServerStatus status = client.start().get(0);
      assertThat(status.connected()).isFalse();
      assertThat(status.error()).isNotBlank();
    }
  }

  private void expectLegacy(ServerConfig.Builder config, String version) {
    withClient(config, (client, status) -> {
      assertThat(status.era()).isEqualTo("legacy");
      assertThat(status.protocolVersion()).isEqualTo(version);
      String echo = status.name() + "__echo";
      assertThat(client.callTool(echo, Map.of("message", version)).text()).isEqualTo("Echo: " + version);
    });
  }

  private static void withClient(ServerConfig.Builder config, java.util.function.BiConsumer<MultiServerMCPClient,
      ServerStatus> test) {
    EraEvents events = new EraEvents();
    try (MultiServerMCPClient client = events.install(MultiServerMCPClient.builder()).server(config.build()).build()) {
      ServerStatus status = client.start().get(0);
      assertThat(status.error()).isNull();
      test.accept(client, status);
    }
  }
}
