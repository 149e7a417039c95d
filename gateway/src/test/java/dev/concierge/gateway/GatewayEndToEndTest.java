package dev.concierge.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.concierge.client.CallContext;
import dev.concierge.client.McpClientException;
import dev.concierge.client.MultiServerMCPClient;
import dev.concierge.client.ServerConfig;
import dev.concierge.client.everything.ClientEvents;
import dev.concierge.client.testing.EverythingServer;
import dev.concierge.gateway.auth.Principal;
import dev.concierge.protocol.Json;
import dev.concierge.protocol.model.CallToolResult;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * The gateway between our own client (as a downstream of either era) and server-everything (a legacy upstream over
 * stdio): questions the upstream asks during a call reach the downstream that made it (as requests on its stream for
 * a legacy client, as {@code input_required} for a 2026-07-28 one), progress comes through, and an upstream that dies
 * mid-call fails that call only.
 */
class GatewayEndToEndTest {
  private static final Duration WAIT = Duration.ofSeconds(20);
  private static final String MARKER = EverythingServer.newMarker();
  static Gateway gateway;

  @BeforeAll
  static void start() throws Exception {
    GatewayConfig config = new GatewayConfig(List.of(EverythingServer.stdio("everything", MARKER, null).build()),
        ToolViews.OPEN, Duration.ofSeconds(60), Set.of(), Set.of(), null, null);
    gateway = Gateway.builder(config).listen("127.0.0.1", 0).authenticator(authorization -> Principal.LOCAL).start();
  }

  @AfterAll
  static void stop() {
    gateway.close();
  }

  private static MultiServerMCPClient client(String version, ClientEvents events) {
    return GatewayClients.client(gateway, version, events);
  }


  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"2025-11-25", "2026-07-28"})
  void elicitationOfALegacyUpstreamIsAnsweredByTheDownstream(String version) {
    ClientEvents events = new ClientEvents();
    try (MultiServerMCPClient client = client(version, events)) {
      assertThat(client.servers().get(0).protocolVersion()).isEqualTo(version);
      CallToolResult result = client.callTool("everything__trigger-elicitation-request", Map.of());
      assertThat(result.isError()).isFalse();
      assertThat(result.text()).contains("- Name: " + ClientEvents.ELICITED_NAME);
      assertThat(events.elicitations).hasSize(1);
    }
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"2025-11-25", "2026-07-28"})
  void samplingOfALegacyUpstreamIsAnsweredByTheDownstream(String version) {
    ClientEvents events = new ClientEvents();
    try (MultiServerMCPClient client = client(version, events)) {
      CallToolResult result = client.callTool("everything__trigger-sampling-request",
          Map.of("prompt", "ping", "maxTokens", 20));
      assertThat(result.isError()).isFalse();
      assertThat(result.text()).contains(ClientEvents.SAMPLED_TEXT);
    }
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"2025-11-25", "2026-07-28"})
  void progressOfALongCallReachesTheDownstream(String version) {
    ClientEvents events = new ClientEvents();
    try (MultiServerMCPClient client = client(version, events)) {
      CallContext context = CallContext.forUser("progress-" + UUID.randomUUID());
      CallToolResult result = client.callTool("everything__trigger-long-running-operation",
          Json.object().put("duration", 0.3).put("steps", 3), context, null);
      assertThat(result.text()).startsWith("Long running operation completed.");
      assertThat(events.progress).filteredOn(p -> p.origin().context().equals(context))
          .extracting(ClientEvents.Progress::progress).containsExactly(1.0, 2.0, 3.0);
    }
  }

  @Test
  void aForgedRequestStateIsRefused() throws Exception {
    String body = """
        {"jsonrpc":"2.0","id":7,"method":"tools/call","params":{"name":"everything__echo",
         "arguments":{"message":"x"},"requestState":"eyJmb3JnZWQiOnRydWV9.AAAA","inputResponses":{},
         "_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28",
                  "io.modelcontextprotocol/clientCapabilities":{}}}}""";
    HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(gateway.url())
        .header("Content-Type", "application/json").header("Accept", "application/json, text/event-stream")
        .header("MCP-Protocol-Version", "2026-07-28").header("Mcp-Method", "tools/call")
        .header("Mcp-Name", "everything__echo")
        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(Json.parse(response.body()).at("/error/code").asInt()).isEqualTo(-32602);
    assertThat(response.body()).contains("requestState").doesNotContain("Exception");
  }

  @Test
  void anUpstreamKilledMidCallFailsThatCallAndTheGatewayKeepsServing() {
    ClientEvents events = new ClientEvents();
    try (MultiServerMCPClient client = client(null, events)) {
      CompletableFuture<CallToolResult> slow = client.callToolAsync("everything__trigger-long-running-operation",
          Json.object().put("duration", 30).put("steps", 30), CallContext.EMPTY, null);
      ClientEvents.eventually(() -> !events.progress.isEmpty(), WAIT, "the slow call to start");
      assertThat(EverythingServer.killStdio(MARKER)).isPositive();
      Throwable failure = slow.handle((r, e) -> e != null ? e : new AssertionError("no error: " + r.toJson())).join();
      assertThat(failure).isInstanceOf(java.util.concurrent.CompletionException.class)
          .hasCauseInstanceOf(McpClientException.class);
      CallToolResult echo = client.callTool("everything__echo", Map.of("message", "still here"));
      assertThat(echo.text()).contains("Echo: still here");
    }
  }
}
