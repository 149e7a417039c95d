package dev.concierge.client.eras;

import static org.assertj.core.api.Assertions.assertThat;

import dev.concierge.client.CallContext;
import dev.concierge.client.NamedTool;
import dev.concierge.protocol.Json;
import dev.concierge.protocol.McpMethods;
import dev.concierge.protocol.model.CallToolResult;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * The 2026-07-28 part of the contract: change notifications arrive on the {@code subscriptions/listen} stream the
 * client opens by itself, and a {@code tools/list_changed} makes the next listing ask the server again. Peers offer
 * {@code add-tool}, which adds {@code added-N} and announces it once a listen stream is open.
 */
abstract class AbstractModernPeerTest extends AbstractEraContractTest {
  @Override
  protected String expectedEra() {
    return "modern";
  }

  @Override
  protected String expectedVersion() {
    return "2026-07-28";
  }

  @Test
  void concurrentCallsThatNeedInputEachGetTheirOwnElicitation() {
    // MRTR puts every input request inside the answer to its own call: no guessing which call a request is for.
    List<String> users = List.of("ann", "ben", "cy");
    List<CompletableFuture<CallToolResult>> calls = users.stream()
        .map(u -> client.callToolAsync("ask-name", Json.object(), CallContext.forUser(u), null)).toList();
    calls.forEach(c -> assertThat(c.join().text()).startsWith("Hello, " + EraEvents.NAME + "!"));
    assertThat(events.elicitations).filteredOn(e -> users.contains(e.origin().context().userId()))
        .extracting(e -> e.origin().context().userId()).containsExactlyInAnyOrderElementsOf(users)
        .hasSize(users.size());
    assertThat(events.elicitations).filteredOn(e -> users.contains(e.origin().context().userId()))
        .allSatisfy(e -> assertThat(e.origin().name()).isEqualTo("ask-name"));
  }

  @Test
  void aListChangedNotificationOnTheListenStreamRefreshesTheToolList() {
    assertThat(client.listTools().items()).extracting(NamedTool::name).noneMatch(n -> n.startsWith("added-"));
    long before = events.changesOf(McpMethods.NOTIFICATION_TOOLS_LIST_CHANGED);
    String added = client.callTool("add-tool", Map.of()).text().substring("added ".length());
    EraEvents.await(() -> events.changesOf(McpMethods.NOTIFICATION_TOOLS_LIST_CHANGED) > before,
        "notifications/tools/list_changed");
    assertThat(events.changes).filteredOn(c -> c.what().equals(McpMethods.NOTIFICATION_TOOLS_LIST_CHANGED))
        .allSatisfy(c -> assertThat(c.server()).isEqualTo(SERVER));
    assertThat(client.listTools().items()).extracting(NamedTool::name).contains(added);
    assertThat(client.callTool(added, Map.of("message", "new")).text()).isEqualTo("Echo: new");
  }
}
