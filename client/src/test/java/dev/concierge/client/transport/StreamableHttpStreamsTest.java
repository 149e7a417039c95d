package dev.concierge.client.transport;

import static dev.concierge.client.transport.HttpTestServer.AWAIT_SECONDS;
import static dev.concierge.client.transport.HttpTestServer.respond;
import static dev.concierge.client.transport.HttpTestServer.sse;
import static dev.concierge.client.transport.StreamableHttpTransportTest.LEGACY;
import static dev.concierge.client.transport.StreamableHttpTransportTest.await;
import static dev.concierge.client.transport.StreamableHttpTransportTest.echo;
import static dev.concierge.client.transport.StreamableHttpTransportTest.failureOf;
import static dev.concierge.client.transport.StreamableHttpTransportTest.request;
import static dev.concierge.client.transport.StreamableHttpTransportTest.result;
import static org.assertj.core.api.Assertions.assertThat;

import dev.concierge.client.TransportException;
import dev.concierge.protocol.ErrorCodes;
import dev.concierge.protocol.JsonRpcError;
import dev.concierge.protocol.JsonRpcMessage;
import dev.concierge.protocol.JsonRpcNotification;
import dev.concierge.protocol.JsonRpcRequest;
import dev.concierge.protocol.JsonRpcResponse;
import dev.concierge.protocol.RequestId;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The long-lived streams of {@link StreamableHttpTransport}: the legacy GET stream, resumption, modern abandon. */
class StreamableHttpStreamsTest {
  static final SendOptions MODERN = new SendOptions("2026-07-28", Map.of());
  static final JsonRpcNotification INITIALIZED = new JsonRpcNotification("notifications/initialized", null);
  static final String PROGRESS = "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/progress\",\"params\":{}}";
  /** Quick reconnects keep the tests short; nothing asserts on timing. */
  static final HttpTransportLimits QUICK =
      HttpTransportLimits.DEFAULTS.withReconnect(5, Duration.ofMillis(20), Duration.ofSeconds(2));

  private HttpTestServer server;
  private StreamableHttpTransport transport;
  private final HttpTestServer.RecordingListener listener = new HttpTestServer.RecordingListener();
  private final CountDownLatch testOver = new CountDownLatch(1);

  @BeforeEach
  void startServer() throws IOException {
    server = HttpTestServer.start();
  }

  @AfterEach
  void stopAll() {
    testOver.countDown();
    if (transport != null) {
      transport.close();
    }
    server.close();
  }

  private void open() {
    transport = new StreamableHttpTransport("test", server.uri("/mcp"), Map.of(), null, QUICK);
    transport.start(listener);
  }

  /** POST answers: initialize gets a session, requests are echoed, notifications accepted. */
  private void answerPosts(HttpTestServer.Recorded request, com.sun.net.httpserver.HttpExchange exchange)
      throws IOException {
    JsonRpcMessage message = request.message();
    if (message instanceof JsonRpcRequest) {
      respond(exchange, 200, "application/json", echo(request), "Mcp-Session-Id", "s-1");
    } else {
      respond(exchange, 202, null, null);
    }
  }

  @Test
  void standaloneStreamDeliversServerRequestsAndReconnectsWithLastEventId() throws Exception {
    AtomicInteger gets = new AtomicInteger();
    server.handle("/mcp", (exchange, request) -> {
      switch (request.method()) {
        case "POST" -> answerPosts(request, exchange);
        case "GET" -> {
          HttpTestServer.SseWriter stream = sse(exchange);
          if (gets.incrementAndGet() == 1) {
            stream.raw("retry: 50\n");
            stream.event("ev-1", "{\"jsonrpc\":\"2.0\",\"id\":\"srv-1\",\"method\":\"roots/list\"}");
            return; // the server drops the connection; the client must come back
          }
          stream.event("ev-2", "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/tools/list_changed\"}");
          testOver.await(AWAIT_SECONDS, TimeUnit.SECONDS);
        }
        default -> respond(exchange, 200, null, null);
      }
    });
    open();
    await(transport.send(request(1, "initialize"), LEGACY));
    await(transport.send(INITIALIZED, LEGACY));

    assertThat(listener.nextMessage()).isInstanceOf(JsonRpcResponse.class); // initialize
    assertThat(listener.nextMessage()).isInstanceOfSatisfying(JsonRpcRequest.class,
        r -> assertThat(r.method()).isEqualTo("roots/list"));
    assertThat(listener.nextMessage()).isInstanceOfSatisfying(JsonRpcNotification.class,
        n -> assertThat(n.method()).isEqualTo("notifications/tools/list_changed"));
    HttpTestServer.Recorded first = server.next("GET");
    assertThat(first.header("Accept")).contains("text/event-stream");
    assertThat(first.header("Mcp-Session-Id")).isEqualTo("s-1");
    assertThat(first.header("MCP-Protocol-Version")).isEqualTo("2025-11-25");
    assertThat(first.header("Last-Event-ID")).isNull();
    assertThat(server.next("GET").header("Last-Event-ID")).isEqualTo("ev-1");
    assertThat(listener.closes).as("a lost GET stream is not a dead transport").isEmpty();
  }

  @Test
  void getStreamRefusedWith405IsNotRetried() throws Exception {
    server.handle("/mcp", (exchange, request) -> {
      if (request.method().equals("POST")) {
        answerPosts(request, exchange);
      } else {
        respond(exchange, 405, null, null);
      }
    });
    open();
    await(transport.send(request(1, "initialize"), LEGACY));
    await(transport.send(INITIALIZED, LEGACY));
    server.next("GET");

    await(transport.send(request(2, "ping"), LEGACY));
    server.next(r -> r.body().contains("\"ping\""));

    assertThat(server.pending()).noneMatch(r -> r.method().equals("GET"));
    assertThat(listener.closes).isEmpty();
  }

  @Test
  void answeredExchangesAreLetGoWhetherTheAnswerCameAsAStreamOrAsJson() throws Exception {
    server.handle("/mcp", (exchange, request) -> {
      long id = ((JsonRpcRequest) request.message()).id().toJson().asLong();
      if (id % 2 == 0) {
        sse(exchange).event("e-" + id, result(id));
      } else {
        respond(exchange, 200, "application/json", result(id));
      }
    });
    open();

    for (int id = 1; id <= 4; id++) {
      await(transport.send(request(id, "tools/call"), LEGACY));
      assertThat(listener.nextMessage()).isEqualTo(JsonRpcMessage.parse(result(id)));
    }

    // Each exchange is let go once its body has ended, just after its answer: a kept one kept its whole HTTP exchange.
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(AWAIT_SECONDS);
    while (transport.openExchanges() > 0 && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertThat(transport.openExchanges()).isZero();
  }

  @Test
  void postStreamBrokenBeforeItsResponseIsResumedWithLastEventId() throws Exception {
    server.handle("/mcp", (exchange, request) -> {
      HttpTestServer.SseWriter stream = sse(exchange);
      if (request.method().equals("POST")) {
        stream.event("p-0", "");      // the priming event the spec recommends
        stream.event("p-1", PROGRESS);
      } else {
        stream.event("p-2", result(7)); // replayed after p-1
      }
    });
    open();

    await(transport.send(request(7, "tools/call"), LEGACY));

    assertThat(listener.nextMessage()).isInstanceOf(JsonRpcNotification.class);
    assertThat(listener.nextMessage()).isEqualTo(JsonRpcMessage.parse(result(7)));
    assertThat(server.next("GET").header("Last-Event-ID")).isEqualTo("p-1");
  }

  @Test
  void resumingAgainstAServerThatWentAwayGivesUpAtOnce() throws Exception {
    server.handle("/mcp", (exchange, request) -> {
      sse(exchange).event("p-1", PROGRESS);
      testOver.await(AWAIT_SECONDS, TimeUnit.SECONDS);
    });
    // QUICK's 2 s cap also bounds the wait for a reopened stream's headers: a reconnection accepted by a listener that
    // then never answers (a stopping server's socket can outlive its connections for a moment) costs one attempt, and
    // the next is refused.
    open();
    await(transport.send(request(13, "tools/call"), LEGACY));
    listener.nextMessage();

    server.close(); // the process dies: the stream breaks and nothing listens any more

    JsonRpcResponse lost = (JsonRpcResponse) listener.nextMessage();
    assertThat(lost.id()).isEqualTo(RequestId.of(13));
    assertThat(StreamableHttpTransport.isStreamLost(lost.error())).isTrue();
    assertThat(lost.error().data().get("serverUnreachable").asBoolean()).isTrue();
    assertThat(listener.closes).as("the transport itself lives on").isEmpty();
  }

  @Test
  void modernAbandonClosesTheResponseStreamAndTheServerSeesIt() throws Exception {
    CountDownLatch disconnected = new CountDownLatch(1);
    server.handle("/mcp", (exchange, request) -> {
      HttpTestServer.SseWriter stream = sse(exchange);
      stream.event(null, PROGRESS);
      if (stream.pingUntilDisconnected()) {
        disconnected.countDown();
      }
    });
    open();
    await(transport.send(request(9, "tools/call"), MODERN));
    listener.nextMessage(); // the stream is live

    assertThat(transport.abandon(RequestId.of(9))).isTrue();

    assertThat(disconnected.await(AWAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
    assertThat(listener.messages).as("nothing, not even a synthetic error, after abandon").isEmpty();
    assertThat(transport.abandon(RequestId.of(9))).isFalse();
  }

  @Test
  void legacyAbandonFreesTheStreamButLeavesCancellationToTheSession() throws Exception {
    CountDownLatch disconnected = new CountDownLatch(1);
    server.handle("/mcp", (exchange, request) -> {
      HttpTestServer.SseWriter stream = sse(exchange);
      if (stream.pingUntilDisconnected()) {
        disconnected.countDown();
      }
    });
    open();
    await(transport.send(request(10, "tools/call"), LEGACY));

    assertThat(transport.abandon(RequestId.of(10))).isFalse();

    assertThat(disconnected.await(AWAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
  }

  @Test
  void modernAbandonBeforeTheAnswerFailsTheSend() {
    server.handle("/mcp", (exchange, request) -> testOver.await(AWAIT_SECONDS, TimeUnit.SECONDS));
    open();
    CompletableFuture<Void> sent = transport.send(request(11, "tools/call"), MODERN);

    assertThat(transport.abandon(RequestId.of(11))).isTrue();

    assertThat(failureOf(sent)).isInstanceOf(TransportException.class).hasMessageContaining("abandoned");
  }

  @Test
  void modernStreamEndingWithoutTheResponseYieldsAConnectionClosedError() throws Exception {
    server.handle("/mcp", (exchange, request) -> {
      HttpTestServer.SseWriter stream = sse(exchange);
      stream.event("m-1", PROGRESS); // an id, yet 2026-07-28 streams are not resumable
    });
    open();

    await(transport.send(request(12, "tools/call"), MODERN));

    assertThat(listener.nextMessage()).isInstanceOf(JsonRpcNotification.class);
    JsonRpcResponse synthetic = (JsonRpcResponse) listener.nextMessage();
    assertThat(synthetic.id()).isEqualTo(RequestId.of(12));
    assertThat(synthetic.error().code()).isEqualTo(ErrorCodes.CONNECTION_CLOSED);
    assertThat(StreamableHttpTransport.isStreamLost(synthetic.error())).isTrue();
    assertThat(StreamableHttpTransport.isStreamLost(new JsonRpcError(ErrorCodes.CONNECTION_CLOSED, "server's", null)))
        .as("a server's own -32000").isFalse();
    assertThat(server.pending()).noneMatch(r -> r.method().equals("GET"));
  }

  @Test
  void aResponseOnAStreamThatStaysOpenIsDeliveredAfterTheShortHoldAndTheStreamEnds() throws Exception {
    CountDownLatch disconnected = new CountDownLatch(1);
    server.handle("/mcp", (exchange, request) -> {
      HttpTestServer.SseWriter stream = sse(exchange);
      stream.event(null, PROGRESS);
      stream.event(null, result(13));
      if (stream.pingUntilDisconnected()) { // a server that keeps the stream after the response
        disconnected.countDown();
      }
    });
    open();

    await(transport.send(request(13, "tools/call"), MODERN));

    assertThat(listener.nextMessage()).as("what came before the response, at once").isInstanceOf(
        JsonRpcNotification.class);
    assertThat(listener.nextMessage()).as("the response, held for the end of a body that never ends")
        .isInstanceOfSatisfying(JsonRpcResponse.class, r -> assertThat(r.id()).isEqualTo(RequestId.of(13)));
    assertThat(disconnected.await(AWAIT_SECONDS, TimeUnit.SECONDS)).as("dropped after the drain bound").isTrue();
    assertThat(listener.messages).isEmpty();
  }

  @Test
  void legacyStreamsCanBeSwitchedOff() throws Exception {
    server.handle("/mcp", (exchange, request) -> answerPosts(request, exchange));
    open();
    transport.setLegacyStreamsEnabled(false);

    await(transport.send(request(1, "initialize"), LEGACY));
    await(transport.send(INITIALIZED, LEGACY));
    await(transport.send(request(2, "ping"), LEGACY));
    server.next(r -> r.body().contains("\"ping\""));

    assertThat(server.pending()).noneMatch(r -> r.method().equals("GET"));
  }
}
