package dev.concierge.client.eras;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.concierge.client.CallContext;
import dev.concierge.client.McpClientException;
import dev.concierge.client.MultiServerMCPClient;
import dev.concierge.client.NamedTool;
import dev.concierge.client.ServerConfig;
import dev.concierge.client.ServerErrorException;
import dev.concierge.client.ServerStatus;
import dev.concierge.protocol.Json;
import dev.concierge.protocol.McpMethods;
import dev.concierge.protocol.model.CallToolResult;
import dev.concierge.protocol.model.GetPromptResult;
import dev.concierge.protocol.model.ReadResourceResult;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * What a {@link MultiServerMCPClient} in {@code protocol: auto} must do with any peer, whatever its era: detect the era
 * and agree on a version, call tools, answer an elicitation for the right call (an MRTR input request on a 2026-07-28
 * server, a server-to-client request on a legacy one), relay progress, read resources and render prompts. Subclasses
 * name the peer and transport; every peer offers {@code echo}, {@code ask-name}, {@code slow}, the resource
 * {@code test://greeting}, the template {@code test://item/{id}} and the prompt {@code greet}.
 *
 * <p>One peer and one client per class, exposed without prefix; tests do not depend on one another's order.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 90, unit = TimeUnit.SECONDS)
abstract class AbstractEraContractTest {
  static final String SERVER = "peer";

  protected final EraEvents events = new EraEvents();
  protected MultiServerMCPClient client;
  protected List<ServerStatus> startStatuses;

  /** Starts what the peer needs (an HTTP server) and says how to reach it under the name {@link #SERVER}. */
  protected abstract ServerConfig.Builder startPeer() throws Exception;

  /** Stops what {@link #startPeer} started. */
  protected void stopPeer() throws Exception {}

  /** {@code "modern"} or {@code "legacy"}. */
  protected abstract String expectedEra();

  protected abstract String expectedVersion();

  /** {@code "stdio"} or {@code "http"}. */
  protected abstract String expectedTransport();

  @BeforeAll
  void startClient() throws Exception {
    ServerConfig config = startPeer().prefix("").build();
    client = events.install(MultiServerMCPClient.builder()).server(config).build();
    startStatuses = client.start();
  }

  @AfterAll
  void stopClient() throws Exception {
    try {
      if (client != null) {
        client.close();
      }
    } finally {
      stopPeer();
    }
  }

  @Test
  void detectsTheEraAndAgreesOnAVersion() {
    assertThat(startStatuses).singleElement().satisfies(s -> {
      assertThat(s.error()).isNull();
      assertThat(s.connected()).isTrue();
      assertThat(s.era()).isEqualTo(expectedEra());
      assertThat(s.protocolVersion()).isEqualTo(expectedVersion());
      assertThat(s.transport()).isEqualTo(expectedTransport());
    });
  }

  @Test
  void listsAndCallsTools() {
    assertThat(client.listTools().items()).extracting(NamedTool::name).contains("echo", "ask-name", "slow");
    CallToolResult result = client.callTool("echo", Map.of("message", "hi"));
    assertThat(result.isError()).isFalse();
    assertThat(result.text()).isEqualTo("Echo: hi");
  }

  @Test
  void answersAnElicitationForTheCallThatNeedsIt() {
    CallContext alice = CallContext.forUser("alice");
    CallToolResult result = client.callTool("ask-name", Json.object(), alice, null);
    assertThat(result.text()).startsWith("Hello, " + EraEvents.NAME + "!");
    assertThat(events.elicitations).last().satisfies(e -> {
      assertThat(e.origin().server()).isEqualTo(SERVER);
      assertThat(e.origin().method()).isEqualTo(McpMethods.TOOLS_CALL);
      assertThat(e.origin().name()).isEqualTo("ask-name");
      assertThat(e.origin().context().userId()).isEqualTo("alice");
      assertThat(e.params().path("message").asText()).isEqualTo("Your name?");
    });
  }

  @Test
  void relaysProgressOfACall() {
    CallToolResult result = client.callTool("slow", Map.of("steps", 3));
    assertThat(result.text()).isEqualTo("done after 3 steps");
    // Progress of a call arrives before its result, on the same stream or pipe.
    assertThat(events.progress).filteredOn(p -> "slow".equals(p.origin().name()))
        .extracting(EraEvents.Progress::progress).containsSubsequence(1.0, 2.0, 3.0);
    assertThat(events.progress).filteredOn(p -> "slow".equals(p.origin().name()))
        .allSatisfy(p -> assertThat(p.origin().server()).isEqualTo(SERVER));
  }

  @Test
  void readsResourcesAndRendersPrompts() {
    ReadResourceResult item = client.readResource(SERVER, "test://item/7", CallContext.EMPTY);
    assertThat(item.contents()).singleElement().satisfies(c -> assertThat(c.text()).isEqualTo("Item 7"));
    ReadResourceResult greeting = client.readResource("test://greeting", CallContext.EMPTY);
    assertThat(greeting.contents().get(0).text()).isEqualTo("Hello from a resource");
    GetPromptResult prompt = client.getPrompt("greet", Map.of("who", "Ann"), CallContext.EMPTY);
    assertThat(prompt.messages()).singleElement()
        .satisfies(m -> assertThat(m.content().text()).isEqualTo("Say hello to Ann"));
  }

  @Test
  void aServerErrorIsTypedAndLeavesTheClientUsable() {
    Throwable error = catchThrowable(() -> client.readResource(SERVER, "test://nope", CallContext.EMPTY));
    assertThat(error).isInstanceOf(McpClientException.class);
    assertThat(((McpClientException) error).server()).isEqualTo(SERVER);
    if (error instanceof ServerErrorException e) {
      assertThat(e.getMessage()).containsIgnoringCase("not found");
    }
    assertThat(client.callTool("echo", Map.of("message", "still here")).text()).isEqualTo("Echo: still here");
  }
}
