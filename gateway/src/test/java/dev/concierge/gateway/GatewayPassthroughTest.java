package dev.concierge.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.concierge.client.CallContext;
import dev.concierge.client.MultiServerMCPClient;
import dev.concierge.client.ServerConfig;
import dev.concierge.client.everything.ClientEvents;
import dev.concierge.gateway.auth.Principal;
import dev.concierge.gateway.fixture.FixtureHandler;
import dev.concierge.gateway.fixture.FixtureServer;
import dev.concierge.protocol.Json;
import dev.concierge.protocol.McpMethods;
import dev.concierge.protocol.model.CallToolResult;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.eclipse.jetty.server.Server;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What flows through the gateway besides calls, for downstream clients of both eras, with the Java fixture (a
 * 2026-07-28 server) upstream: list changes and resource updates fan in to the clients that listen, and a client
 * that cancels its call cancels the upstream's.
 */
class GatewayPassthroughTest {
  private static final Duration WAIT = Duration.ofSeconds(15);
  static FixtureHandler fixture;
  static Server fixtureHttp;
  static Gateway gateway;

  @BeforeAll
  static void start() throws Exception {
    fixture = new FixtureHandler();
    fixtureHttp = FixtureServer.http(FixtureServer.engine(fixture), 0);
    GatewayConfig config = new GatewayConfig(List.of(ServerConfig.http("fixture",
        fixtureHttp.getURI().resolve("/mcp").toString()).build()), ToolViews.OPEN, Duration.ofSeconds(30), Set.of(),
        Set.of(), null, null);
    gateway = Gateway.builder(config).listen("127.0.0.1", 0).authenticator(a -> Principal.LOCAL)
        .keepAlive(Duration.ofMillis(200)).start();
  }

  @AfterAll
  static void stop() throws Exception {
    gateway.close();
    try {
      fixtureHttp.stop();
    } catch (java.util.concurrent.TimeoutException e) {
      // stopped anyway
    }
  }

  private static MultiServerMCPClient client(String version, ClientEvents events) {
    return GatewayClients.client(gateway, version, events);
  }


  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"2025-11-25", "2026-07-28"})
  void listChangesReachTheDownstream(String version) {
    ClientEvents events = new ClientEvents();
    try (MultiServerMCPClient client = client(version, events)) {
      client.listTools();
      ClientEvents.eventually(() -> {
        client.callTool("fixture__test_trigger_tool_change", Map.of());
        return events.changes.stream().anyMatch(c -> c.what().equals(McpMethods.NOTIFICATION_TOOLS_LIST_CHANGED));
      }, WAIT, "tools/list_changed through the gateway");
    }
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"2025-11-25", "2026-07-28"})
  void resourceUpdatesReachASubscribedDownstream(String version) {
    ClientEvents events = new ClientEvents();
    try (MultiServerMCPClient client = client(version, events)) {
      client.subscribe("gw", "test://watched-resource");
      ClientEvents.eventually(() -> {
        client.callTool("fixture__test_trigger_resource_update", Map.of());
        return events.changes.stream().anyMatch(c -> "test://watched-resource".equals(c.uri()));
      }, WAIT, "resources/updated through the gateway");
    }
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"2025-11-25", "2026-07-28"})
  void cancellingADownstreamCallCancelsTheUpstreamCall(String version) {
    ClientEvents events = new ClientEvents();
    try (MultiServerMCPClient client = client(version, events)) {
      String tag = "cancel-" + version;
      CompletableFuture<CallToolResult> call = client.callToolAsync("fixture__test_wait_for_cancel",
          Json.object().put("tag", tag), CallContext.EMPTY, null);
      ClientEvents.eventually(() -> fixture.started().contains(tag), WAIT, "the upstream call to start");
      call.cancel(true);
      ClientEvents.eventually(() -> fixture.cancelled().contains(tag), WAIT, "the upstream call to be cancelled");
    }
  }
}
