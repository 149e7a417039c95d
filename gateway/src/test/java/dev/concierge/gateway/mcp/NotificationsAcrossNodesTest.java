package dev.concierge.gateway.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.concierge.context.LocalStateStore;
import dev.concierge.gateway.auth.Principal;
import dev.concierge.protocol.Json;
import dev.concierge.protocol.JsonRpcMessage;
import dev.concierge.protocol.JsonRpcNotification;
import dev.concierge.protocol.JsonRpcRequest;
import dev.concierge.protocol.JsonRpcResponse;
import dev.concierge.protocol.McpMethods;
import dev.concierge.protocol.RequestId;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Two engines on one state store stand for two gateway nodes serving one legacy session: its requests come through
 * both, its GET stream is held by one. Each engine's handler records what it asked its upstreams to subscribe to.
 */
class NotificationsAcrossNodesTest {
  private static final String URI = "test://watched";

  private final LocalStateStore state = new LocalStateStore(null);
  private final Node first = new Node();
  private final Node second = new Node();

  /** One node: an engine whose handler records its upstream subscriptions. */
  private final class Node {
    final List<String> upstream = new CopyOnWriteArrayList<>();
    final ServerEngine engine = new ServerEngine(new McpHandler() {
      @Override
      public ServerDescription describe(Principal principal) {
        ObjectNode caps = Json.object();
        caps.putObject("resources").put("subscribe", true);
        return new ServerDescription("nodes", "1", null, caps);
      }

      @Override
      public CompletableFuture<ObjectNode> handle(Exchange exchange) {
        return CompletableFuture.completedFuture(Json.object());
      }

      @Override
      public void subscribed(Principal principal, String uri) {
        upstream.add(uri);
      }

      @Override
      public void unsubscribed(Principal principal, String uri) {
        upstream.remove(uri);
      }
    }, EngineSettings.defaults(new byte[32]), System::currentTimeMillis, state);

    DownstreamSession copy(String id) {
      return engine.session(id, Principal.LOCAL);
    }

    void call(DownstreamSession session, String method, ObjectNode params) {
      engine.request(Principal.LOCAL, session, new JsonRpcRequest(RequestId.of(method.hashCode()), method, params),
          new Channel() {
            @Override
            public void interim(JsonRpcMessage message) {}

            @Override
            public void complete(JsonRpcResponse response) {
              assertThat(response.error()).as(method).isNull();
            }
          }).run();
    }
  }

  @AfterEach
  void stop() throws Exception {
    first.engine.shutdown();
    second.engine.shutdown();
    state.close();
  }

  private String open() {
    ObjectNode params = Json.object().put("protocolVersion", "2025-11-25");
    params.putObject("capabilities");
    params.putObject("clientInfo").put("name", "test").put("version", "1");
    return first.engine.initialize(Principal.LOCAL,
        new JsonRpcRequest(RequestId.of(1), McpMethods.INITIALIZE, params), true).session().id();
  }

  @Test
  void theNodeHoldingTheStreamHoldsTheUpstreamSubscriptionsWhereverTheSubscribeCameIn() {
    String id = open();
    List<JsonRpcMessage> stream = new CopyOnWriteArrayList<>();
    assertThat(second.engine.attachStream(second.copy(id), stream::add)).isTrue();

    first.call(first.copy(id), McpMethods.RESOURCES_SUBSCRIBE, Json.object().put("uri", URI));
    assertThat(first.upstream).isEmpty();
    assertThat(second.upstream).containsExactly(URI); // told through the store; it holds the stream

    second.engine.resourceUpdated(URI, p -> true);
    assertThat(stream).extracting(m -> ((JsonRpcNotification) m).method())
        .containsExactly(McpMethods.NOTIFICATION_RESOURCES_UPDATED);

    // The stream resumes on the first node (the second died, or the connection broke): the subscriptions follow it.
    List<JsonRpcMessage> resumed = new CopyOnWriteArrayList<>();
    first.engine.takeOverStream(first.copy(id), resumed::add);
    assertThat(first.upstream).containsExactly(URI);
    assertThat(second.upstream).isEmpty();

    second.call(second.copy(id), McpMethods.RESOURCES_UNSUBSCRIBE, Json.object().put("uri", URI));
    assertThat(first.upstream).isEmpty();
  }

  @Test
  void anUpdateHeardByANodeThatLostTheStreamIsPassedToItsHolder() {
    String id = open();
    DownstreamSession onFirst = first.copy(id);
    onFirst.subscriptions().add(URI);
    List<JsonRpcMessage> stream = new CopyOnWriteArrayList<>();
    second.engine.takeOverStream(second.copy(id), stream::add);

    first.engine.resourceUpdated(URI, p -> true);

    assertThat(stream).extracting(m -> ((JsonRpcNotification) m).method())
        .containsExactly(McpMethods.NOTIFICATION_RESOURCES_UPDATED);
  }
}
