package dev.concierge.gateway.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.concierge.context.LocalStateStore;
import dev.concierge.gateway.auth.Principal;
import dev.concierge.protocol.Json;
import dev.concierge.protocol.JsonRpcMessage;
import dev.concierge.protocol.JsonRpcNotification;
import dev.concierge.protocol.JsonRpcRequest;
import dev.concierge.protocol.McpMethods;
import dev.concierge.protocol.RequestId;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Two engines on one state store stand for two gateway nodes: a legacy session's requests came through both, its GET
 * stream is held by the second, and the first hears from its upstream that something changed. The client must hear
 * it on its stream.
 */
class NotificationsAcrossNodesTest {
  private final LocalStateStore state = new LocalStateStore(null);
  private final ServerEngine first = engine();
  private final ServerEngine second = engine();

  private ServerEngine engine() {
    McpHandler handler = new McpHandler() {
      @Override
      public ServerDescription describe(Principal principal) {
        return new ServerDescription("nodes", "1", null, null);
      }

      @Override
      public CompletableFuture<ObjectNode> handle(Exchange exchange) {
        return CompletableFuture.completedFuture(Json.object());
      }
    };
    return new ServerEngine(handler, EngineSettings.defaults(new byte[32]), System::currentTimeMillis, state);
  }

  @AfterEach
  void stop() throws Exception {
    first.shutdown();
    second.shutdown();
    state.close();
  }

  @Test
  void listChangedAndResourceUpdatesReachTheStreamAnotherNodeHolds() {
    ObjectNode params = Json.object().put("protocolVersion", "2025-11-25");
    params.putObject("capabilities");
    params.putObject("clientInfo").put("name", "test").put("version", "1");
    DownstreamSession opened = first.initialize(Principal.LOCAL,
        new JsonRpcRequest(RequestId.of(1), McpMethods.INITIALIZE, params), true).session();
    opened.subscriptions().add("test://watched");
    DownstreamSession onSecond = second.session(opened.id(), Principal.LOCAL);
    assertThat(onSecond).isNotNull();
    List<JsonRpcMessage> stream = new CopyOnWriteArrayList<>();
    second.takeOverStream(onSecond, stream::add);

    first.listChanged(McpMethods.NOTIFICATION_TOOLS_LIST_CHANGED, p -> true);
    first.resourceUpdated("test://watched", p -> true);

    assertThat(stream).extracting(m -> ((JsonRpcNotification) m).method())
        .containsExactly(McpMethods.NOTIFICATION_TOOLS_LIST_CHANGED, McpMethods.NOTIFICATION_RESOURCES_UPDATED);
  }
}
