package dev.concierge.gateway.auth;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.concierge.client.testing.EverythingServer;
import dev.concierge.gateway.Gateway;
import dev.concierge.gateway.GatewayConfig;
import dev.concierge.gateway.ToolViews;
import dev.concierge.protocol.Json;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The real authenticators at the gateway's edge: what each refusal looks like on the wire. */
class GatewayAuthTest {
  private static final String DISCOVER = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"server/discover\",\"params\":"
      + "{\"_meta\":{\"io.modelcontextprotocol/protocolVersion\":\"2026-07-28\","
      + "\"io.modelcontextprotocol/clientCapabilities\":{}}}}";

  private static Gateway gateway(Authenticator authenticator) throws Exception {
    GatewayConfig config = new GatewayConfig(List.of(EverythingServer.stdio("everything", null, null).build()),
        ToolViews.OPEN, Duration.ofSeconds(30), Set.of(), Set.of(), null, null);
    return Gateway.builder(config).listen("127.0.0.1", 0).authenticator(authenticator).start();
  }

  private static HttpResponse<String> discover(Gateway gateway, String authorization) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(gateway.url()).header("Content-Type", "application/json")
        .header("Accept", "application/json, text/event-stream").header("MCP-Protocol-Version", "2026-07-28")
        .header("Mcp-Method", "server/discover").POST(HttpRequest.BodyPublishers.ofString(DISCOVER));
    if (authorization != null) {
      b.header("Authorization", authorization);
    }
    return HttpClient.newHttpClient().send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void jwtRefusalsAreChallengesThatLeakNothing(@TempDir Path dir) throws Exception {
    Path jwks = JwtMint.write(dir.resolve("jwks.json"), JwtMint.jwks(JwtMint.rsaJwk("rsa-1", JwtMint.RSA),
        JwtMint.ecJwk("ec-1", JwtMint.EC)));
    JwtSettings settings = new JwtSettings(jwks.toString(), "https://idp.example", "https://gateway.example/mcp",
        null, null, null, null, null);
    try (Gateway gateway = gateway(new JwtAuthenticator(settings))) {
      long now = System.currentTimeMillis() / 1000;
      ObjectNode claims = Json.object().put("iss", "https://idp.example").put("aud", "https://gateway.example/mcp")
          .put("sub", "alice").put("exp", now + 300);
      String good = JwtMint.sign("RS256", "rsa-1", JwtMint.RSA.getPrivate(), claims);
      assertThat(discover(gateway, "Bearer " + good).statusCode()).isEqualTo(200);
      String expired = JwtMint.sign("RS256", "rsa-1", JwtMint.RSA.getPrivate(), claims.deepCopy().put("exp",
          now - 3600));
      String foreign = JwtMint.sign("ES256", "ec-1", JwtMint.EC.getPrivate(),
          claims.deepCopy().put("aud", "https://another.example/mcp"));
      for (String token : List.of(expired, foreign)) {
        HttpResponse<String> refused = discover(gateway, "Bearer " + token);
        assertThat(refused.statusCode()).isEqualTo(401);
        assertThat(refused.headers().firstValue("WWW-Authenticate").orElseThrow())
            .contains("resource_metadata=").contains("error=\"invalid_token\"");
        assertThat(refused.body()).doesNotContain(token).doesNotContain("Exception");
      }
      assertThat(discover(gateway, null).statusCode()).isEqualTo(401);
    }
  }

  @Test
  void aRevokedApiKeyIsRefused(@TempDir Path dir) throws Exception {
    FileKeyStore keys = new FileKeyStore(dir);
    KeyStore.Issued issued = keys.add("acme", "bob", Set.of(), null);
    try (Gateway gateway = gateway(new ApiKeyAuthenticator(keys))) {
      assertThat(discover(gateway, "Bearer " + issued.key()).statusCode()).isEqualTo(200);
      keys.revoke(issued.info().id());
      HttpResponse<String> refused = discover(gateway, "Bearer " + issued.key());
      assertThat(refused.statusCode()).isEqualTo(401);
      assertThat(refused.body()).contains("unknown or revoked").doesNotContain(issued.key());
    }
  }
}
