package dev.concierge.client.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.concierge.client.ConnectionClosedException;
import dev.concierge.client.RequestTimeoutException;
import dev.concierge.client.ServerErrorException;
import dev.concierge.client.transport.McpTransport;
import dev.concierge.client.transport.SendOptions;
import dev.concierge.client.transport.TransportListener;
import dev.concierge.protocol.ErrorCodes;
import dev.concierge.protocol.Json;
import dev.concierge.protocol.JsonRpcMessage;
import dev.concierge.protocol.JsonRpcNotification;
import dev.concierge.protocol.JsonRpcRequest;
import dev.concierge.protocol.JsonRpcResponse;
import dev.concierge.protocol.RequestId;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The session alone, over a transport that records what it is given; time is the test's own. */
class McpSessionTest {
  private final ManualScheduler scheduler = new ManualScheduler();
  private final RecordingTransport transport = new RecordingTransport();
  private final List<JsonRpcNotification> notifications = new CopyOnWriteArrayList<>();
  private McpSession session;
  private CompletableFuture<JsonNode> nextAnswer = CompletableFuture.completedFuture(Json.object().put("ok", true));

  @BeforeEach
  void start() {
    session = new McpSession("s", transport, scheduler, new McpSession.Inbound() {
      @Override
      public CompletableFuture<JsonNode> onRequest(JsonRpcRequest request) {
        if (request.method().equals("explode")) {
          throw new IllegalStateException("secret internals");
        }
        return nextAnswer;
      }

      @Override
      public void onNotification(JsonRpcNotification notification) {
        notifications.add(notification);
      }

      @Override
      public void onMalformed(String reason) {}

      @Override
      public void onClosed(Throwable cause) {}
    }, scheduler::nanoTime);
    session.start();
  }

  private static RequestOptions timeout(long seconds, long capSeconds, RequestOptions.ProgressSink progress) {
    return new RequestOptions(Duration.ofSeconds(seconds), Duration.ofSeconds(capSeconds), SendOptions.NONE, progress);
  }

  @Test
  void responsesAreCorrelatedById() {
    CompletableFuture<JsonNode> a = session.request("a", null, timeout(10, 10, null));
    CompletableFuture<JsonNode> b = session.request("b", null, timeout(10, 10, null));
    transport.deliver(JsonRpcResponse.success(transport.request(1).id(), Json.object().put("v", "b")));
    transport.deliver(JsonRpcResponse.success(transport.request(0).id(), Json.object().put("v", "a")));
    assertThat(a.join().get("v").asText()).isEqualTo("a");
    assertThat(b.join().get("v").asText()).isEqualTo("b");
  }

  @Test
  void anErrorResponseBecomesAServerErrorWithTheServersCode() {
    CompletableFuture<JsonNode> f = session.request("x", null, timeout(10, 10, null));
    transport.deliver(JsonRpcResponse.failure(transport.request(0).id(),
        new dev.concierge.protocol.JsonRpcError(-32602, "bad", null)));
    assertThat(f).failsWithin(Duration.ZERO).withThrowableThat().havingCause()
        .isInstanceOfSatisfying(ServerErrorException.class, e -> assertThat(e.code()).isEqualTo(-32602));
  }

  @Test
  void aTimeoutFailsTheRequestAndTellsTheServer() {
    CompletableFuture<JsonNode> f = session.request("slow", null, timeout(5, 60, null));
    scheduler.advance(4, TimeUnit.SECONDS);
    assertThat(f).isNotDone();
    scheduler.advance(2, TimeUnit.SECONDS);
    assertThat(f).failsWithin(Duration.ZERO).withThrowableThat().havingCause()
        .isInstanceOf(RequestTimeoutException.class);
    JsonRpcNotification cancel = (JsonRpcNotification) transport.sent.get(1);
    assertThat(cancel.method()).isEqualTo("notifications/cancelled");
    assertThat(RequestId.fromJson(cancel.params().get("requestId"))).isEqualTo(transport.request(0).id());
  }

  @Test
  void progressRestartsTheTimeoutUpToTheHardCap() {
    List<Double> seen = new CopyOnWriteArrayList<>();
    CompletableFuture<JsonNode> f = session.request("long", null, timeout(5, 12, (p, t, m) -> seen.add(p)));
    JsonNode token = transport.request(0).params().get("_meta").get("progressToken");
    for (int i = 1; i <= 2; i++) {
      scheduler.advance(4, TimeUnit.SECONDS);
      ObjectNode progress = Json.object().put("progress", i);
      progress.set("progressToken", token);
      transport.deliver(new JsonRpcNotification("notifications/progress", progress));
    }
    scheduler.advance(3, TimeUnit.SECONDS); // t=11: would have timed out at 5 without progress
    assertThat(f).isNotDone();
    assertThat(seen).containsExactly(1.0, 2.0);
    scheduler.advance(1, TimeUnit.SECONDS); // t=12: the hard cap
    assertThat(f).failsWithin(Duration.ZERO).withThrowableThat().havingCause()
        .isInstanceOf(RequestTimeoutException.class);
  }

  @Test
  void cancellingTheFutureCancelsOnTheServer() {
    CompletableFuture<JsonNode> f = session.request("x", null, timeout(10, 10, null));
    f.cancel(true);
    assertThat(transport.sent).hasSize(2);
    assertThat(((JsonRpcNotification) transport.sent.get(1)).method()).isEqualTo("notifications/cancelled");
  }

  @Test
  void aDeadTransportFailsEveryPendingRequestAtOnce() {
    CompletableFuture<JsonNode> a = session.request("a", null, timeout(10, 10, null));
    CompletableFuture<JsonNode> b = session.request("b", null, timeout(10, 10, null));
    transport.listener.onClosed(new ConnectionClosedException("s", "process exited with code 1", null));
    assertThat(a).failsWithin(Duration.ZERO).withThrowableThat().havingCause()
        .isInstanceOf(ConnectionClosedException.class).withMessageContaining("code 1");
    assertThat(b).isCompletedExceptionally();
    assertThat(session.request("c", null, timeout(10, 10, null))).isCompletedExceptionally();
  }

  @Test
  void serverRequestsAreAnsweredAndFailuresNeverLeakInternals() {
    transport.deliver(new JsonRpcRequest(RequestId.of("p"), "ping", null));
    transport.deliver(new JsonRpcRequest(RequestId.of("s"), "sampling/createMessage", null));
    transport.deliver(new JsonRpcRequest(RequestId.of("e"), "explode", null));
    assertThat(transport.responseTo("p").result()).isEqualTo(Json.object());
    assertThat(transport.responseTo("s").result().get("ok").asBoolean()).isTrue();
    JsonRpcResponse failed = transport.responseTo("e");
    assertThat(failed.error().code()).isEqualTo(ErrorCodes.INTERNAL_ERROR);
    assertThat(failed.error().message()).doesNotContain("secret");
  }

  @Test
  void aServerRequestTheServerCancelsGetsNoAnswer() {
    nextAnswer = new CompletableFuture<>();
    transport.deliver(new JsonRpcRequest(RequestId.of(9), "elicitation/create", null));
    ObjectNode cancel = Json.object();
    cancel.set("requestId", RequestId.of(9).toJson());
    transport.deliver(new JsonRpcNotification("notifications/cancelled", cancel));
    assertThat(nextAnswer).isCancelled();
    assertThat(transport.sent).isEmpty();
  }

  @Test
  void otherNotificationsGoUp() {
    transport.deliver(new JsonRpcNotification("notifications/tools/list_changed", null));
    assertThat(notifications).extracting(JsonRpcNotification::method)
        .containsExactly("notifications/tools/list_changed");
  }

  /** Records what the session sends and lets the test play the server. */
  private static final class RecordingTransport implements McpTransport {
    final List<JsonRpcMessage> sent = new CopyOnWriteArrayList<>();
    TransportListener listener;

    @Override
    public void start(TransportListener l) {
      this.listener = l;
    }

    @Override
    public CompletableFuture<Void> send(JsonRpcMessage message, SendOptions options) {
      sent.add(message);
      return CompletableFuture.completedFuture(null);
    }

    void deliver(JsonRpcMessage message) {
      listener.onMessage(message);
    }

    JsonRpcRequest request(int index) {
      return (JsonRpcRequest) sent.stream().filter(m -> m instanceof JsonRpcRequest).toList().get(index);
    }

    JsonRpcResponse responseTo(String id) {
      return sent.stream().filter(m -> m instanceof JsonRpcResponse r && r.id().equals(RequestId.of(id)))
          .map(m -> (JsonRpcResponse) m).findFirst().orElseThrow();
    }

    @Override
    public String describe() {
      return "recording";
    }

    @Override
    public void close() {}
  }
}
