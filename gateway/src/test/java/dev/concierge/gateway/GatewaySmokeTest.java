package dev.concierge.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.concierge.client.MultiServerMCPClient;
import dev.concierge.client.NamedTool;
import dev.concierge.client.ServerConfig;
import dev.concierge.client.testing.EverythingServer;
import dev.concierge.gateway.auth.Principal;
import dev.concierge.protocol.model.CallToolResult;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class GatewaySmokeTest {
  static Gateway gateway;

  @BeforeAll
  static void start() throws Exception {
    GatewayConfig config = new GatewayConfig(List.of(EverythingServer.stdio("everything", null, null).build()),
        ToolViews.OPEN, GatewayConfig.DEFAULT_UPSTREAM_TIMEOUT, java.util.Set.of(), java.util.Set.of(), null, null);
    gateway = Gateway.builder(config).listen("127.0.0.1", 0).authenticator(authorization -> Principal.LOCAL).start();
  }

  @AfterAll
  static void stop() {
    gateway.close();
  }

  @Test
  void modernClientListsAndCalls() {
    check(ServerConfig.http("gw", gateway.url().toString()).prefix("").build(), "2026-07-28");
  }

  @Test
  void legacyClientListsAndCalls() {
    check(ServerConfig.http("gw", gateway.url().toString()).prefix("").protocol("2025-11-25").build(), "2025-11-25");
  }

  private static void check(ServerConfig server, String version) {
    try (MultiServerMCPClient client = MultiServerMCPClient.builder().server(server).build()) {
      client.start();
      assertThat(client.servers().get(0).error()).isNull();
      assertThat(client.servers().get(0).protocolVersion()).isEqualTo(version);
      assertThat(client.listTools().items()).extracting(NamedTool::name).contains("everything__echo");
      CallToolResult result = client.callTool("everything__echo", Map.of("message", "hi"));
      assertThat(result.toJson().toString()).contains("Echo: hi");
    }
  }
}
