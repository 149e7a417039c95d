package dev.concierge.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.concierge.client.MultiServerMCPClient;
import dev.concierge.client.NamedTool;
import dev.concierge.client.ServerConfig;
import dev.concierge.client.everything.ClientEvents;
import dev.concierge.context.EmbeddedStore;
import dev.concierge.context.MemoryStore;
import dev.concierge.gateway.auth.AuthException;
import dev.concierge.gateway.auth.Principal;
import dev.concierge.gateway.fixture.FixtureHandler;
import dev.concierge.gateway.fixture.FixtureServer;
import dev.concierge.protocol.Json;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.eclipse.jetty.server.Server;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The user's memory through the gateway: the built-in {@code memory} server, context injected into another server's
 * call (the fixture echoes the {@code _meta} it received), calls captured as episodes, and users kept apart.
 */
class GatewayMemoryTest {
  @TempDir
  static Path dir;
  static Server fixtureHttp;
  static MemoryStore memories;
  static Gateway gateway;

  @BeforeAll
  static void start() throws Exception {
    fixtureHttp = FixtureServer.http(FixtureServer.engine(new FixtureHandler()), 0);
    GatewayConfig config = new GatewayConfig(List.of(ServerConfig.http("fixture",
        fixtureHttp.getURI().resolve("/mcp").toString()).build()), ToolViews.OPEN, Duration.ofSeconds(30), Set.of(),
        Set.of(), null, null, Map.of("fixture", new MemoryPolicy("relevant", 400, true)));
    memories = EmbeddedStore.open(dir, null);
    gateway = Gateway.builder(config).listen("127.0.0.1", 0).authenticator(GatewayMemoryTest::user)
        .memory(memories).start();
  }

  private static Principal user(String authorization) throws AuthException {
    if (authorization == null) {
      throw new AuthException(401, null, "who?");
    }
    return new Principal("acme", authorization.substring("Bearer ".length()), Set.of());
  }

  @AfterAll
  static void stop() throws Exception {
    gateway.close();
    memories.close();
    try {
      fixtureHttp.stop();
    } catch (java.util.concurrent.TimeoutException e) {
      // stopped anyway
    }
  }

  private static MultiServerMCPClient session(String user) {
    MultiServerMCPClient client = MultiServerMCPClient.builder().server(ServerConfig.http("gw",
        gateway.url().toString()).prefix("").header("Authorization", "Bearer " + user).build()).build();
    client.start();
    assertThat(client.servers().get(0).error()).isNull();
    return client;
  }

  @Test
  void aFactRememberedInOneSessionReachesAnotherServersCallInAnother() {
    try (MultiServerMCPClient first = session("alice")) {
      assertThat(first.listTools().items()).extracting(NamedTool::name)
          .contains("memory__remember", "memory__recall", "memory__forget", "memory__list", "fixture__test_echo_meta");
      assertThat(first.callTool("memory__remember", Map.of("text", "Alice's favourite city is Lisbon",
          "kind", "preference")).text()).startsWith("Remembered");
    }
    try (MultiServerMCPClient second = session("alice")) {
      String echoed = second.callTool("fixture__test_echo_meta", Map.of("topic", "favourite city")).text();
      JsonNode context = Json.parse(echoed).path(MemoryContext.META_KEY);
      assertThat(context.path("profile").toString()).contains("Lisbon");
      // The episode is recorded after the answer went out.
      ClientEvents.eventually(() -> second.callTool("memory__recall", Map.of("query", "test_echo_meta favourite"))
          .text().contains("Used fixture tool test_echo_meta"), Duration.ofSeconds(10), "the captured episode");
    }
  }

  @Test
  void aMemorysContextFindsItWithoutBecomingItsTextAndBadContextIsRefused() {
    try (MultiServerMCPClient erin = session("erin")) {
      String id = erin.callTool("memory__remember", Map.of("text", "Erin: count me in",
          "context", "Frank: pottery class on Saturday, who is coming?")).structuredContent().path("id").asText();
      String recalled = erin.callTool("memory__recall", Map.of("query", "pottery")).text();
      assertThat(recalled).contains("count me in").doesNotContain("Saturday");
      assertThat(erin.readResource("gw", "memory://memories/" + id, dev.concierge.client.CallContext.EMPTY)
          .contents().get(0).text()).contains("\"context\"").contains("pottery class");

      Throwable refused = org.assertj.core.api.Assertions.catchThrowable(() -> erin.callTool("memory__remember",
          Map.of("text", "Erin likes jazz", "context", 42)));
      assertThat(refused).isInstanceOf(dev.concierge.client.McpClientException.class)
          .hasMessageContaining("\"context\" must be a string");
      assertThat(((dev.concierge.client.McpClientException) refused).code()).isEqualTo(-32602);
      assertThat(erin.callTool("memory__recall", Map.of("query", "jazz")).text())
          .isEqualTo("Nothing relevant is remembered.");
    }
  }

  @Test
  void noUserSeesAnothersMemories() {
    String id;
    try (MultiServerMCPClient carol = session("carol")) {
      id = carol.callTool("memory__remember", Map.of("text", "Carol's locker code is 9931"))
          .structuredContent().path("id").asText();
      assertThat(carol.readResource("gw", "memory://profile", dev.concierge.client.CallContext.EMPTY).contents()
          .get(0).text()).contains("9931");
      assertThat(carol.readResource("gw", "memory://memories/" + id, dev.concierge.client.CallContext.EMPTY)
          .contents().get(0).text()).contains("9931");
    }
    try (MultiServerMCPClient dave = session("dave")) {
      assertThat(dave.readResource("gw", "memory://profile", dev.concierge.client.CallContext.EMPTY).contents()
          .get(0).text()).doesNotContain("9931");
      String other = id;
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> dave.readResource("gw", "memory://memories/" + other,
          dev.concierge.client.CallContext.EMPTY)).hasMessageContaining("Resource not found");
      assertThat(dave.callTool("memory__recall", Map.of("query", "locker code")).text())
          .isEqualTo("Nothing relevant is remembered.");
      String echoed = dave.callTool("fixture__test_echo_meta", Map.of("topic", "locker code")).text();
      assertThat(echoed).doesNotContain("9931");
    }
  }
}
