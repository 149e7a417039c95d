package dev.concierge.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.concierge.client.testing.EverythingServer;
import dev.concierge.gateway.auth.AuthException;
import dev.concierge.gateway.auth.Principal;
import dev.concierge.gateway.mcp.EngineSettings;
import dev.concierge.protocol.Json;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The gateway's HTTP edge with raw requests: authentication and its challenge, protected resource metadata, DNS
 * rebinding checks, per-principal tool views, limits, and bad input — each refused with the right status and
 * JSON-RPC error, and nothing internal on the wire.
 */
class GatewayHttpTest {
  private static final String MODERN_META = """
      "_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28","io.modelcontextprotocol/clientCapabilities":{}}""";
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  static Gateway gateway;

  @BeforeAll
  static void start() throws Exception {
    ToolViews views = new ToolViews(List.of(
        new ToolViews.Rule(Set.of(), Set.of("readers"), List.of("everything__echo", "everything__get-sum"), null),
        new ToolViews.Rule(Set.of("mallory"), null, null, List.of("*"))));
    GatewayConfig config = new GatewayConfig(List.of(EverythingServer.stdio("everything", null, null).build()),
        views, Duration.ofSeconds(30), Set.of(), Set.of(), null, null);
    byte[] key = new byte[32];
    gateway = Gateway.builder(config).listen("127.0.0.1", 0)
        .authenticator(GatewayHttpTest::authenticate)
        .engine(new EngineSettings(2, Duration.ofMinutes(5), Duration.ofMinutes(1), 4, key))
        .limits(64 * 1024, 4)
        .start();
  }

  /** "Bearer user[:group]" stands in for a real credential check (the auth package has its own tests). */
  private static Principal authenticate(String authorization) throws AuthException {
    if (authorization == null) {
      throw new AuthException(401, null, "credentials required");
    }
    if (!authorization.startsWith("Bearer ") || authorization.contains("bad")) {
      throw new AuthException(401, "invalid_token", "token not recognised");
    }
    String[] parts = authorization.substring(7).split(":");
    return new Principal("t1", parts[0], parts.length > 1 ? Set.of(parts[1]) : Set.of());
  }

  @AfterAll
  static void stop() {
    gateway.close();
  }

  @Test
  void noTokenGetsAChallengeNamingTheResourceMetadata() throws Exception {
    HttpResponse<String> response = post(null, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"server/discover\",\"params\":{"
        + MODERN_META + "}}", Map.of());
    assertThat(response.statusCode()).isEqualTo(401);
    String challenge = response.headers().firstValue("WWW-Authenticate").orElseThrow();
    assertThat(challenge).startsWith("Bearer resource_metadata=\"http://127.0.0.1:")
        .contains("/.well-known/oauth-protected-resource/mcp\"");
    HttpResponse<String> wrong = post("Bearer bad-token", "{}", Map.of());
    assertThat(wrong.statusCode()).isEqualTo(401);
    assertThat(wrong.headers().firstValue("WWW-Authenticate").orElseThrow()).contains("error=\"invalid_token\"");
    assertThat(wrong.body()).doesNotContain("bad-token");
  }

  @Test
  void protectedResourceMetadataIsServed() throws Exception {
    URI uri = gateway.url().resolve("/.well-known/oauth-protected-resource/mcp");
    HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(uri).GET().build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).isEqualTo(200);
    JsonNode doc = Json.parse(response.body());
    assertThat(doc.path("resource").asText()).isEqualTo(gateway.url().toString());
    assertThat(doc.path("bearer_methods_supported").get(0).asText()).isEqualTo("header");
  }

  @Test
  void probesNeedNoTokenAndTellNothingElse() throws Exception {
    for (String path : java.util.List.of("/healthz", "/readyz")) {
      HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(gateway.url().resolve(path))
          .header("Origin", "https://elsewhere.example").GET().build(), HttpResponse.BodyHandlers.ofString());
      assertThat(response.statusCode()).isEqualTo(200);
      assertThat(response.body()).isEqualTo("ok\n");
    }
  }

  @Test
  void foreignHostOrOriginIsRefused() throws Exception {
    String body = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"server/discover\",\"params\":{" + MODERN_META + "}}";
    Map<String, String> evil = new java.util.HashMap<>(modernHeaders("server/discover", null));
    evil.put("Origin", "https://evil.example");
    assertThat(post("Bearer alice", body, evil).statusCode()).isEqualTo(403);
    Map<String, String> local = new java.util.HashMap<>(modernHeaders("server/discover", null));
    local.put("Origin", "http://localhost:1234");
    HttpResponse<String> allowed = post("Bearer alice", body, local);
    assertThat(allowed.statusCode()).isEqualTo(200);
    assertThat(allowed.headers().firstValue("Access-Control-Allow-Origin")).hasValue("http://localhost:1234");
  }

  @Test
  void aToolOutsideThePrincipalsViewIsNeitherListedNorCallable() throws Exception {
    assertThat(toolNames("Bearer rita:readers")).containsExactlyInAnyOrder("everything__echo", "everything__get-sum");
    assertThat(toolNames("Bearer mallory")).isEmpty();
    assertThat(toolNames("Bearer alice")).contains("everything__echo", "everything__trigger-long-running-operation");
    HttpResponse<String> call = post("Bearer rita:readers", """
        {"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"everything__get-tiny-image","arguments":{},
        """ + MODERN_META + "}}", modernHeaders("tools/call", "everything__get-tiny-image"));
    assertThat(Json.parse(call.body()).at("/error/code").asInt()).isEqualTo(-32602);
    assertThat(Json.parse(call.body()).at("/error/message").asText()).isEqualTo("Unknown tool: everything__get-tiny-image");
  }

  @Test
  void badInputGetsAJsonRpcErrorAndNoStackTrace() throws Exception {
    HttpResponse<String> malformed = post("Bearer alice", "{\"jsonrpc\":", Map.of());
    assertThat(malformed.statusCode()).isEqualTo(400);
    assertThat(Json.parse(malformed.body()).at("/error/code").asInt()).isEqualTo(-32700);
    HttpResponse<String> batch = post("Bearer alice", "[{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}]", Map.of());
    assertThat(Json.parse(batch.body()).at("/error/code").asInt()).isEqualTo(-32600);
    HttpResponse<String> huge = post("Bearer alice", "{\"x\":\"" + "a".repeat(70_000) + "\"}", Map.of());
    assertThat(huge.statusCode()).isEqualTo(413);
    HttpResponse<String> noSession = post("Bearer alice", "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\"}",
        Map.of());
    assertThat(noSession.statusCode()).isEqualTo(400);
    HttpResponse<String> unknownSession = post("Bearer alice", "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\"}",
        Map.of("Mcp-Session-Id", "0123456789abcdef0123456789abcdef"));
    assertThat(unknownSession.statusCode()).isEqualTo(404);
    for (HttpResponse<String> r : List.of(malformed, batch, huge, noSession, unknownSession)) {
      assertThat(r.body()).doesNotContain("Exception").doesNotContain("\tat ");
    }
  }

  @Test
  void aSessionIsServedOnlyToItsOwnPrincipalAndTheSessionCapHolds() throws Exception {
    String init = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{\"protocolVersion\":\"2025-11-25\","
        + "\"capabilities\":{},\"clientInfo\":{\"name\":\"t\",\"version\":\"1\"}}}";
    HttpResponse<String> first = post("Bearer carol", init, Map.of());
    String session = first.headers().firstValue("Mcp-Session-Id").orElseThrow();
    assertThat(session).matches("[!-~]+");
    HttpResponse<String> stolen = post("Bearer dave", "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/list\"}",
        Map.of("Mcp-Session-Id", session));
    assertThat(stolen.statusCode()).isEqualTo(404);
    assertThat(post("Bearer carol", init, Map.of()).statusCode()).isEqualTo(200);
    HttpResponse<String> third = post("Bearer carol", init, Map.of());
    assertThat(third.statusCode()).isEqualTo(400);
    assertThat(third.body()).contains("Too many open sessions");
  }

  private static List<String> toolNames(String authorization) throws Exception {
    HttpResponse<String> response = post(authorization, "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/list\","
        + "\"params\":{" + MODERN_META + "}}", modernHeaders("tools/list", null));
    assertThat(response.statusCode()).isEqualTo(200);
    JsonNode tools = Json.parse(response.body()).at("/result/tools");
    return StreamSupport.stream(tools.spliterator(), false).map(t -> t.get("name").asText()).toList();
  }

  private static Map<String, String> modernHeaders(String method, String name) {
    return name == null ? Map.of("MCP-Protocol-Version", "2026-07-28", "Mcp-Method", method)
        : Map.of("MCP-Protocol-Version", "2026-07-28", "Mcp-Method", method, "Mcp-Name", name);
  }

  private static HttpResponse<String> post(String authorization, String body, Map<String, String> headers)
      throws Exception {
    HttpRequest.Builder builder = HttpRequest.newBuilder(gateway.url()).header("Content-Type", "application/json")
        .header("Accept", "application/json, text/event-stream").POST(HttpRequest.BodyPublishers.ofString(body));
    if (authorization != null) {
      builder.header("Authorization", authorization);
    }
    headers.forEach(builder::header);
    return HTTP.send(builder.build(), HttpResponse.BodyHandlers.ofString());
  }
}
