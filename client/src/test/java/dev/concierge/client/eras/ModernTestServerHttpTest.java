package dev.concierge.client.eras;

import static org.assertj.core.api.Assertions.assertThat;

import dev.concierge.client.MultiServerMCPClient;
import dev.concierge.client.ServerConfig;
import dev.concierge.client.ServerStatus;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;

/** {@link ModernTestServer} over Streamable HTTP (Jetty, in process). */
class ModernTestServerHttpTest extends AbstractModernTestServerTest {
  private ModernTestServer server;

  @Override
  protected ServerConfig.Builder startPeer() throws Exception {
    server = ModernTestServer.startHttp();
    return ServerConfig.http(SERVER, server.endpoint().toString());
  }

  @Override
  protected void stopPeer() throws Exception {
    if (server != null) {
      server.close();
    }
  }

  @Override
  protected String expectedTransport() {
    return "http";
  }

  @Override
  protected boolean listsToolsWithInvalidHeaderAnnotations() {
    return false;
  }

  @Override
  protected String expectedRegionHeader(String value) {
    return value.chars().allMatch(c -> c >= 0x20 && c < 0x7f) ? value
        : "=?base64?" + Base64.getEncoder().encodeToString(value.getBytes(StandardCharsets.UTF_8)) + "?=";
  }

  @Test
  void aClientPinnedToALegacyVersionIsToldWhichVersionsTheServerSpeaks() {
    try (MultiServerMCPClient pinned = MultiServerMCPClient.builder()
        .server(ServerConfig.http("pinned", server.endpoint().toString()).protocol("2025-11-25").build()).build()) {
      ServerStatus status = pinned.start().get(0);
      assertThat(status.connected()).isFalse();
      assertThat(status.error()).contains("2026-07-28");
    }
  }

  @Test
  void closingTheClientEndsItsListenStream() throws Exception {
    try (ModernTestServer own = ModernTestServer.startHttp()) { // the shared one may still be retiring old streams
      MultiServerMCPClient other = MultiServerMCPClient.builder()
          .server(ServerConfig.http("other", own.endpoint().toString()).build()).build();
      assertThat(other.start().get(0).era()).isEqualTo("modern");
      EraEvents.await(() -> own.openListenStreams() == 1, "the client's listen stream");
      other.close();
      EraEvents.await(() -> own.openListenStreams() == 0, "the server to notice the closed listen stream");
    }
  }

  @Test
  void theListenStreamIsReopenedWhenTheServerEndsIt() throws Exception {
    ModernTestServer first = ModernTestServer.startHttp();
    int port = first.endpoint().getPort();
    EraEvents own = new EraEvents();
    try (MultiServerMCPClient other = own.install(MultiServerMCPClient.builder())
        .server(ServerConfig.http("restarted", first.endpoint().toString()).prefix("").build()).build()) {
      assertThat(other.start().get(0).era()).isEqualTo("modern");
      EraEvents.await(() -> first.openListenStreams() == 1, "the client's listen stream");
      first.close(); // ends the stream gracefully, as a server shutting down should
      try (ModernTestServer second = ModernTestServer.startHttp(port)) {
        EraEvents.await(() -> second.openListenStreams() == 1, "the client to listen again");
        other.callTool("add-tool", java.util.Map.of());
        EraEvents.await(() -> own.changesOf(dev.concierge.protocol.McpMethods.NOTIFICATION_TOOLS_LIST_CHANGED) > 0,
            "tools/list_changed from the restarted server");
      }
    }
  }
}
